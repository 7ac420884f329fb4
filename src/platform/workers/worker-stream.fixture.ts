import { threadId } from 'node:worker_threads';
import { serveStream } from './worker-stream.js';

// A producer for worker-stream.test.ts: counts what it has produced into a shared counter.
serveStream<{ n: number; failAt?: number; produced: SharedArrayBuffer }, { i: number; thread: number }>(async function* (input) {
  const produced = new Int32Array(input.produced);
  for (let i = 0; i < input.n; i++) {
    if (i === input.failAt) throw Object.assign(new Error(`stopped at ${i}`), { name: 'RowError', code: 'ROW_BAD', params: { row: i } });
    Atomics.add(produced, 0, 1);
    yield { i, thread: threadId };
  }
});
