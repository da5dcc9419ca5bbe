import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/** The renderer alone, for the headless gateway (`npm run serve`) to serve to a browser. */
export default defineConfig({
  root: resolve(root, 'src/renderer'),
  base: '/',
  plugins: [react()],
  // The code highlighter's worker loads each language's grammar as its own chunk.
  worker: { format: 'es' },
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
  },
});
