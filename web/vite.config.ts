import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// The gateway serves the built app and the API on one HTTPS origin. In development the Vite
// server stands in for it: /api and /hooks go to the local gateway (self-signed dev certificate,
// hence secure: false), so the browser still sees a single origin and no CORS is involved.
const gateway = process.env.FLOWGENIE_GATEWAY_URL ?? 'https://localhost:8443';
const proxy = {
  '/api': { target: gateway, secure: false },
  '/hooks': { target: gateway, secure: false },
  '/.well-known': { target: gateway, secure: false },
};

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'lint/**/*.test.ts'],
    css: false,
    restoreMocks: true,
  },
});
