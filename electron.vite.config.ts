import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
// The desktop build goes into the app's own folder (app/, packaged by electron-builder), apart
// from the web UI build of `serve` (out/renderer). Tests build into a temporary folder.
const out = process.env.SWITCHYARD_ELECTRON_OUT_DIR ?? resolve(root, 'app/out');
/** Loaded at run time from app/node_modules, built for Electron's ABI; everything else is bundled. */
export const NATIVE_MODULES = ['better-sqlite3', 'keytar'];

export default defineConfig({
  main: {
    build: {
      // Only the native modules stay outside the bundle, so app/package.json needs nothing else
      // (keytar is optional: the core falls back to its encrypted file when it is absent).
      externalizeDeps: false,
      outDir: resolve(out, 'main'),
      rolldownOptions: { input: { index: resolve(root, 'src/main/app/index.ts') }, external: NATIVE_MODULES },
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
    // The code highlighter's worker loads each language's grammar as its own chunk.
    worker: { format: 'es' },
    build: {
      outDir: resolve(out, 'renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
