import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { precompress } from './scripts/precompress';

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
  plugins: [react(), tailwindcss(), precompress()],
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Maps are written for debugging a build but not referenced from the bundles, and the
    // gateway never serves *.map.
    sourcemap: 'hidden',
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // Each route is a lazy chunk (app/App.tsx); libraries go to a few long-lived chunks.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
            },
            { name: 'xyflow', test: /node_modules[\\/](@xyflow|d3-[^\\/]+|classcat)[\\/]/ },
            { name: 'jsonata', test: /node_modules[\\/]jsonata[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'lint/**/*.test.ts'],
    css: false,
    restoreMocks: true,
  },
});
