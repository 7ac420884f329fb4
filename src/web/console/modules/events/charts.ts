/**
 * The indicator charts, loaded only by the indicators page (a dynamic import): echarts' core
 * with the two chart types and the components used, drawn on canvas.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export interface Series {
  name: string;
  values: (number | null)[];
}

export interface ChartSpec {
  kind: 'bar' | 'line';
  categories: string[];
  series: Series[];
  /** Values are ratios (0–1) shown as percentages. */
  percent?: boolean;
}

/** Draws (or redraws) a chart into `el`; returns a disposer. */
export function drawChart(el: HTMLElement, spec: ChartSpec): () => void {
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: 'canvas' });
  const fmt = (v: number | null) => (v === null || v === undefined ? '—' : spec.percent ? `${(v * 100).toFixed(1)}%` : String(v));
  chart.setOption(
    {
      // Decal patterns as well as colours, so series differ without colour.
      aria: { enabled: true, decal: { show: true } },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(v as number | null) },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 40, bottom: 72 },
      xAxis: { type: 'category', data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 35 : 0 } },
      yAxis: spec.percent ? { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } } : { type: 'value', minInterval: 1 },
      series: spec.series.map((s) => ({ name: s.name, type: spec.kind, data: s.values, connectNulls: false, barMaxWidth: 28 })),
    },
    true,
  );
  const onResize = () => chart.resize();
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    chart.dispose();
  };
}
