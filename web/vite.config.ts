/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// `npm run dev` serves the app on :5173 and sends API calls to the one-machine mode
// (`dotnet run --project ApiHost --urls http://127.0.0.1:5080`); M3_API overrides that address.
const api = process.env.M3_API ?? 'http://127.0.0.1:5080';

export default defineConfig(({ command }) => ({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: [
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
      // react-router's package exports name only its development build (remix-run/react-router#12532, #14102), which
      // keeps its development warnings and checks; the built app takes the production build it ships beside it.
      ...(command === 'build'
        ? [
            {
              find: /^react-router$/,
              replacement: fileURLToPath(
                new URL('./node_modules/react-router/dist/production/index.mjs', import.meta.url),
              ),
            },
          ]
        : []),
    ],
  },
  server: { proxy: { '/api': api, '/openapi': api } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    // Nothing inlined as data: URLs beyond tiny icons; every asset is a hashed file under /assets/.
    assetsInlineLimit: 1024,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
    restoreMocks: true,
    testTimeout: 30_000,
  },
}));
