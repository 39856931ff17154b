import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// Built into dist/console, which Debrief serves at /console (no second server).
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: { outDir: `${here}../dist/console`, emptyOutDir: true, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/admin': 'http://127.0.0.1:3000' } },
});
