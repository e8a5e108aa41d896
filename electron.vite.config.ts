// Build layout (electron-vite 6 on Vite 8 / rolldown):
//   out/main/index.js     Electron main process (ESM; package.json is "type": "module")
//   out/main/serve.js     headless server for plain Node 20 — must never reach `electron`
//   out/preload/index.cjs sandboxed preload: CommonJS and self-contained (a sandboxed
//                         preload can only require a few built-ins, so zod is bundled in)
//   out/renderer/         the React app, loaded from file:// by Electron and served at / headless
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // serve.js runs on the operator's Node (>= 20.19), not only inside Electron's Node 22.
      target: 'node20.19',
      sourcemap: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          serve: resolve(root, 'main/headless/serve.ts'),
        },
        // Code both entries use (control plane, pool, transports) lands in one shared chunk.
        output: { chunkFileNames: 'chunks/shared-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // Served over HTTP in headless mode too, so size matters (electron-vite leaves it unminified).
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
