#!/usr/bin/env node
// `linli …` from any directory: register tsx (resolved from this repository, not the cwd), then
// run the TypeScript entry in this same process so stdin, signals and the exit code are ours.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/linli.ts', import.meta.url).href);
