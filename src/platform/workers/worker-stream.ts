import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * An async generator run on a worker thread, consumed on this one. Reading and checking a
 * 100,000-row spreadsheet is CPU work of its own (XML parsing, row checks); on a worker it
 * runs on the second core while this thread writes, instead of taking turns with the writes.
 *
 * Items cross in batches, with credit-based back-pressure: the worker runs at most `window`
 * batches ahead of the consumer, so a slow database never makes the whole file pile up in memory.
 * An error in the worker is raised here with its name, message and own properties (`remote`).
 */

type ToWorker = { kind: 'credit' };
type FromWorker<T> = { kind: 'batch'; items: T[] } | { kind: 'end' } | { kind: 'error'; error: RemoteError };

export interface RemoteError {
  name: string;
  message: string;
  props: Record<string, unknown>;
}

/** An error thrown in a worker, as raised in the consumer; `remote` keeps what crossed over. */
export class WorkerStreamError extends Error {
  constructor(readonly remote: RemoteError) {
    super(remote.message);
    this.name = remote.name;
  }
}

export interface WorkerStream<T> {
  items: AsyncGenerator<T>;
  /** Stops the worker (when the consumer stops early); safe to call twice. */
  close(): Promise<void>;
}

interface StreamInit {
  entry: string;
  input: unknown;
  batch: number;
  window: number;
}

/**
 * Starts `entry` (a module that calls `serveStream`) on a worker thread with `input`
 * (structured-cloned) and yields what its producer yields.
 */
export function streamFromWorker<T>(entry: URL, input: unknown, opts: { batch?: number; window?: number } = {}): WorkerStream<T> {
  const init: StreamInit = { entry: entry.href, input, batch: opts.batch ?? 500, window: opts.window ?? 8 };
  const worker = new Worker(new URL('./boot.mjs', import.meta.url), { workerData: init });
  const queue: FromWorker<T>[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let finished = false;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: FromWorker<T>) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new Error(`worker ${entry.pathname} exited (code ${code}) before its stream ended`);
    notify();
  });

  async function* items(): AsyncGenerator<T> {
    try {
      for (;;) {
        const m = queue.shift();
        if (!m) {
          if (failure) throw failure;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (m.kind === 'end') {
          finished = true;
          return;
        }
        if (m.kind === 'error') {
          finished = true;
          throw new WorkerStreamError(m.error);
        }
        worker.postMessage({ kind: 'credit' } satisfies ToWorker);
        yield* m.items;
      }
    } finally {
      await close();
    }
  }
  let closing: Promise<void> | null = null;
  const close = () => {
    finished = true;
    closing ??= worker.terminate().then(() => undefined);
    return closing;
  };
  return { items: items(), close };
}

/**
 * The worker's side: runs `produce` on the input given to `streamFromWorker` and sends what it
 * yields. Call once, at the top level of the worker's entry module.
 */
export function serveStream<I, T>(produce: (input: I) => AsyncIterable<T>): void {
  if (isMainThread || !parentPort) throw new Error('serveStream runs in a worker thread');
  const port = parentPort;
  const init = workerData as StreamInit;
  let credits = init.window;
  let waiting: (() => void) | null = null;
  port.on('message', (m: ToWorker) => {
    if (m.kind !== 'credit') return;
    credits++;
    const w = waiting;
    waiting = null;
    w?.();
  });
  const send = async (items: T[]) => {
    while (credits <= 0) await new Promise<void>((resolve) => (waiting = resolve));
    credits--;
    port.postMessage({ kind: 'batch', items } satisfies FromWorker<T>);
  };
  void (async () => {
    try {
      let batch: T[] = [];
      for await (const item of produce(init.input as I)) {
        batch.push(item);
        if (batch.length >= init.batch) {
          await send(batch);
          batch = [];
        }
      }
      if (batch.length) await send(batch);
      port.postMessage({ kind: 'end' } satisfies FromWorker<T>);
    } catch (e) {
      port.postMessage({ kind: 'error', error: remoteError(e) } satisfies FromWorker<T>);
    } finally {
      // Nothing else keeps the thread: let it end once the messages are out.
      port.unref();
    }
  })();
}

function remoteError(e: unknown): RemoteError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), props: {} };
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    try {
      structuredClone(v);
      props[k] = v;
    } catch {
      // a property that cannot cross (a function, a socket) stays behind
    }
  }
  return { name: e.name, message: e.message, props };
}
