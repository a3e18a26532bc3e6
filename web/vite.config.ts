// Vite build of the analyst dashboard: web/ → web/dist, served by `breachwatch serve` at `/`.
// Relative asset paths (`base: './'`) so the files work wherever the server mounts them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No source maps: the server must not publish the dashboard's source.
    sourcemap: false,
    // Small app: keep one script and one stylesheet, no inlined assets that need a CSP tweak.
    assetsInlineLimit: 0,
  },
  server: {
    // `vite --config web/vite.config.ts` during development: forward the API to a local server.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
