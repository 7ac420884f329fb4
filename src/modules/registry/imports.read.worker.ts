import { serveStream } from '../../platform/workers/worker-stream.js';
import { readImportRows, type ReadInput } from './imports.read.js';

// Worker-thread entry of an import's reading (see imports.read.ts).
serveStream<ReadInput, unknown>(readImportRows);
