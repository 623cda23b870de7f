import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI builds to dist/renderer, which the engine serves in browser mode
// and Electron loads in the desktop app.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: false },
});
