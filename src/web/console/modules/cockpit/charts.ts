/**
 * The cockpit's charts, loaded only by the cockpit page (a dynamic import): echarts' core with
 * the three chart types and the components used, drawn on canvas. Each chart also has a data
 * table beside it in the page (ChartCard), so nothing is locked in the canvas.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export interface Series {
  name: string;
  values: (number | null)[];
}

export type CockpitChartSpec =
  /** Men to the left (drawn as negative numbers), women to the right, youngest at the bottom. */
  | { kind: 'pyramid'; bands: string[]; male: Series; female: Series }
  | { kind: 'donut'; items: { name: string; value: number }[] }
  | { kind: 'bar'; categories: string[]; series: Series[]; horizontal?: boolean }
  | { kind: 'line'; categories: string[]; series: Series[] }
  /** Counts as bars on the left axis, rates (0–1) as lines on a 0–100 % axis on the right. */
  | { kind: 'combo'; categories: string[]; bars: Series[]; rates: Series[] };

/** Wall display: light text on dark, larger type. */
export interface ChartLook {
  wall: boolean;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

function optionFor(spec: CockpitChartSpec, look: ChartLook) {
  const text = look.wall ? '#e5edf7' : '#1f2937';
  const line = look.wall ? '#33507a' : '#e5e7eb';
  const fontSize = look.wall ? 16 : 12;
  const axis = { axisLabel: { color: text, fontSize }, axisLine: { lineStyle: { color: line } }, splitLine: { lineStyle: { color: line } } };
  const base = {
    backgroundColor: 'transparent',
    textStyle: { color: text, fontSize },
    // Decal patterns as well as colours, so series differ without colour.
    aria: { enabled: true, decal: { show: true } },
    legend: { top: 0, textStyle: { color: text, fontSize } },
    animation: false,
  };
  switch (spec.kind) {
    case 'pyramid':
      return {
        ...base,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => String(Math.abs(Number(v))) },
        grid: { left: 56, right: 24, top: 36, bottom: 28 },
        xAxis: { type: 'value', ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => String(Math.abs(v)) } },
        yAxis: { type: 'category', data: spec.bands, ...axis, axisTick: { show: false } },
        series: [
          { name: spec.male.name, type: 'bar', stack: 'people', data: spec.male.values.map((v) => (v === null ? null : -v)), barCategoryGap: '12%' },
          { name: spec.female.name, type: 'bar', stack: 'people', data: spec.female.values, barCategoryGap: '12%' },
        ],
      };
    case 'donut':
      return {
        ...base,
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        series: [
          {
            type: 'pie',
            radius: ['42%', '70%'],
            center: ['50%', '56%'],
            data: spec.items,
            label: { color: text, fontSize, formatter: '{b}\n{c}' },
          },
        ],
      };
    case 'bar':
    case 'line': {
      const cat = { type: 'category', data: spec.categories, ...axis, axisLabel: { ...axis.axisLabel, interval: 0, rotate: !('horizontal' in spec && spec.horizontal) && spec.categories.length > 6 ? 35 : 0 } };
      const val = { type: 'value', minInterval: 1, ...axis };
      const horizontal = spec.kind === 'bar' && spec.horizontal;
      return {
        ...base,
        tooltip: { trigger: 'axis' },
        grid: { left: horizontal ? 96 : 56, right: 32, top: 40, bottom: horizontal ? 28 : 72 },
        xAxis: horizontal ? val : cat,
        yAxis: horizontal ? { ...cat, inverse: true, axisLabel: { ...cat.axisLabel, rotate: 0 } } : val,
        series: spec.series.map((s) => ({ name: s.name, type: spec.kind, data: s.values, barMaxWidth: 28, connectNulls: false, ...(spec.kind === 'line' ? { areaStyle: { opacity: 0.15 } } : {}) })),
      };
    }
    case 'combo':
      return {
        ...base,
        tooltip: { trigger: 'axis' },
        grid: { left: 56, right: 64, top: 40, bottom: 72 },
        xAxis: { type: 'category', data: spec.categories, ...axis, axisLabel: { ...axis.axisLabel, interval: 0, rotate: spec.categories.length > 6 ? 35 : 0 } },
        yAxis: [
          { type: 'value', minInterval: 1, ...axis },
          { type: 'value', min: 0, max: 1, ...axis, splitLine: { show: false }, axisLabel: { ...axis.axisLabel, formatter: (v: number) => `${Math.round(v * 100)}%` } },
        ],
        series: [
          ...spec.bars.map((s) => ({ name: s.name, type: 'bar', data: s.values, barMaxWidth: 20 })),
          ...spec.rates.map((s) => ({ name: s.name, type: 'line', yAxisIndex: 1, data: s.values, connectNulls: false, tooltip: { valueFormatter: (v: unknown) => pct(v as number | null) } })),
        ],
      };
  }
}

/** Draws (or redraws) a chart into `el`; returns a disposer. */
export function drawChart(el: HTMLElement, spec: CockpitChartSpec, look: ChartLook): () => void {
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: 'canvas' });
  chart.setOption(optionFor(spec, look) as never, true);
  // A wall display changes size when it goes full screen, not only when the window resizes.
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return () => {
    observer.disconnect();
    chart.dispose();
  };
}
