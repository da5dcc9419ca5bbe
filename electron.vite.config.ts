import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
// Tests build into a temporary folder so they never replace out/renderer under a running server.
const out = process.env.SWITCHYARD_ELECTRON_OUT_DIR ?? resolve(root, 'out');

export default defineConfig({
  main: {
    build: {
      // keytar is an optional native module: it must load from node_modules (rebuilt for
      // Electron), and the core falls back to its encrypted file when it is absent.
      externalizeDeps: { include: ['keytar'] },
      outDir: resolve(out, 'main'),
      rolldownOptions: { input: { index: resolve(root, 'src/main/app/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron`, so everything else is bundled in.
      externalizeDeps: false,
      outDir: resolve(out, 'preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // Sandboxed preloads are run as CommonJS whatever package.json says.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(out, 'renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
