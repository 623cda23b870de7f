import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI builds to dist/ui, which the engine serves in browser mode and
// Electron loads in the desktop app. (dist/renderer holds tsc's build of the
// components for tests/renderer.)
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: { outDir: '../dist/ui', emptyOutDir: true, sourcemap: false },
});
