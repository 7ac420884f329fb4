// Entry of every platform worker thread: TypeScript sources (the server runs them through tsx)
// need tsx's loader in the thread too; built JavaScript does not.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
