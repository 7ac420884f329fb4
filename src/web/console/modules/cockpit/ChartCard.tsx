import { useEffect, useRef, type ReactNode } from 'react';
import { Card } from 'antd';
import { useI18n } from '../../../shared/i18n.js';
import type { CockpitChartSpec } from './charts.js';

/** An echarts canvas, drawn again whenever the data or the look changes. */
function EChart({ spec, wall, height }: { spec: CockpitChartSpec; wall: boolean; height: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = `${wall}|${JSON.stringify(spec)}`;
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let live = true;
    void import('./charts.js').then((m) => {
      if (live && ref.current) dispose = m.drawChart(ref.current, spec, { wall });
    });
    return () => {
      live = false;
      dispose?.();
    };
  }, [key]);
  // Hidden from screen readers: the table beside it says the same in words.
  return <div ref={ref} className="ck-canvas" style={{ height }} aria-hidden="true" />;
}

export interface DataTable {
  head: string[];
  rows: (string | number)[][];
}

/**
 * A chart in a card with its numbers in a visually hidden table (caption, headers), so the
 * data is never locked in the canvas: screen readers, tests and copy-paste read the table.
 */
export function ChartCard({ title, testId, spec, table, wall, height = 280, extra }: { title: string; testId: string; spec: CockpitChartSpec; table: DataTable; wall: boolean; height?: number; extra?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={title} extra={extra} data-testid={testId} className="ck-card">
      <figure className="ck-chart" aria-label={t('ck.chartLabel', { name: title })}>
        <EChart spec={spec} wall={wall} height={wall ? Math.round(height * 1.25) : height} />
        <table className="ck-sr" data-testid={`${testId}-table`}>
          <caption>{t('ck.summary', { name: title })}</caption>
          <thead>
            <tr>
              {table.head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {c}
                    </th>
                  ) : (
                    <td key={j}>{c}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </figure>
    </Card>
  );
}
