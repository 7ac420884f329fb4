import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerStreamError, streamFromWorker } from './worker-stream.js';

const fixture = new URL('./worker-stream.fixture.ts', import.meta.url);
const counter = () => new SharedArrayBuffer(4);
const producedOf = (sab: SharedArrayBuffer) => Atomics.load(new Int32Array(sab), 0);

describe('streamFromWorker', () => {
  it('yields everything the worker produces, in order, produced on another thread', async () => {
    const produced = counter();
    const s = streamFromWorker<{ i: number; thread: number }>(fixture, { n: 1234, produced }, { batch: 100, window: 2 });
    const got: number[] = [];
    const threads = new Set<number>();
    for await (const x of s.items) {
      got.push(x.i);
      threads.add(x.thread);
    }
    expect(got).toEqual(Array.from({ length: 1234 }, (_, i) => i));
    expect([...threads]).toHaveLength(1);
    expect(threads.has(threadId)).toBe(false);
  });

  it('raises an error of the worker with its name, message and properties', async () => {
    const s = streamFromWorker<{ i: number }>(fixture, { n: 100, failAt: 42, produced: counter() }, { batch: 10 });
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const x of s.items) seen.push(x.i);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WorkerStreamError);
    expect(error).toMatchObject({ name: 'RowError', message: 'stopped at 42', remote: { props: { code: 'ROW_BAD', params: { row: 42 } } } });
    // Whole batches before the failure arrived first.
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('runs at most its window of batches ahead of a slow consumer, and stops when closed', async () => {
    const produced = counter();
    const batch = 10;
    const window = 2;
    const s = streamFromWorker<{ i: number }>(fixture, { n: 100_000, produced }, { batch, window });
    const first = await s.items.next();
    expect(first.value).toMatchObject({ i: 0 });
    // Ample time for an unchecked producer to run through all 100,000.
    await new Promise((r) => setTimeout(r, 400));
    const ahead = producedOf(produced);
    // Sent: the window plus the batch just taken; one more filling; one item blocked in send.
    expect(ahead).toBeGreaterThanOrEqual(batch);
    expect(ahead).toBeLessThanOrEqual((window + 2) * batch + 1);
    await s.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(producedOf(produced)).toBe(ahead);
  });
});
