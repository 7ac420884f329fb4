/**
 * Where an import's time goes, phase by phase (upsert, each table's inserts, commit …), summed
 * over its chunks: wall time and this process's CPU time (on SQLite the database works inside
 * the process, so CPU time is its work even on a busy machine). Off unless a caller
 * (bench/run.ts) turns it on; costs nothing then.
 */
export const importTimings = {
  enabled: false,
  phases: new Map<string, { ms: number; cpuMs: number }>(),
  reset(): void {
    this.phases.clear();
  },
  /** Phases in descending order of wall time: `name 1.2 s (CPU 1.0 s)`. */
  summary(): string {
    return [...this.phases.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([k, v]) => `${k} ${(v.ms / 1000).toFixed(2)} s (CPU ${(v.cpuMs / 1000).toFixed(2)} s)`)
      .join(', ');
  },
};

/** Runs `work`, adding its wall and CPU time to `phase` when timings are on. */
export async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  if (!importTimings.enabled) return work();
  const t = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(cpu);
    const p = importTimings.phases.get(phase) ?? { ms: 0, cpuMs: 0 };
    p.ms += performance.now() - t;
    p.cpuMs += (used.user + used.system) / 1000;
    importTimings.phases.set(phase, p);
  }
}
