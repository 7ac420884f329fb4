import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = path.resolve('src/web');
const outDir = path.resolve('dist/web');
/** Written beside (not inside) the served folder: which modules ended up in which chunk. */
const BUILD_REPORT = path.resolve('dist/web-build-report.json');

/**
 * Records, per emitted JS chunk, the modules it holds and the chunks it loads, so the browser
 * tests can prove that the resident pages never download console code or antd.
 */
function buildReport(): Plugin {
  return {
    name: 'linli-build-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks: Record<string, { name: string; isEntry: boolean; isDynamicEntry: boolean; imports: string[]; dynamicImports: string[]; modules: string[] }> = {};
      for (const [file, out] of Object.entries(bundle)) {
        if (out.type !== 'chunk') continue;
        chunks[file] = {
          name: out.name,
          isEntry: out.isEntry,
          isDynamicEntry: out.isDynamicEntry,
          imports: out.imports,
          dynamicImports: out.dynamicImports,
          modules: out.moduleIds.map((id) => path.relative(process.cwd(), id.replace(/^\0/, '')).split(path.sep).join('/')),
        };
      }
      fs.mkdirSync(path.dirname(BUILD_REPORT), { recursive: true });
      fs.writeFileSync(BUILD_REPORT, JSON.stringify({ chunks }, null, 1));
    },
  };
}

const CONSOLE_CODE = /[\\/]src[\\/]web[\\/]console[\\/]|[\\/]node_modules[\\/](antd|@ant-design)[\\/]/;
const RESIDENT_CODE = /[\\/]src[\\/]web[\\/]resident[\\/]|[\\/]node_modules[\\/](antd-mobile)[\\/]/;

function appOf(moduleIds: string[]): string {
  if (moduleIds.some((id) => CONSOLE_CODE.test(id))) return 'console-';
  if (moduleIds.some((id) => RESIDENT_CODE.test(id))) return 'resident-';
  return '';
}

export default defineConfig({
  root,
  base: '/',
  // The server sets a strict CSP; nothing here may rely on inline scripts.
  plugins: [react(), buildReport()],
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be bundled into each entry; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        console: path.join(root, 'console/index.html'),
        resident: path.join(root, 'resident/index.html'),
      },
      output: {
        codeSplitting: {
          groups: [
            // What both apps load: React, and our own framework-free shared code with the router.
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
            { name: 'shared', test: /[\\/]src[\\/]web[\\/]shared[\\/]|[\\/]node_modules[\\/](wouter|regexparam|use-sync-external-store)[\\/]/, priority: 20 },
          ],
        },
        // Name every other chunk after the app it belongs to, so a stray one is easy to spot.
        chunkFileNames: (chunk) => `assets/${appOf(chunk.moduleIds)}${chunk.name}-[hash].js`,
      },
    },
  },
});
