import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// `npm run build` is the production build Tauri ships (frontendDist: ../ui/dist).
// `--mode fixture` (npm run build:fixture) also bundles the preview fixture, a fake backend
// for looking at screens in a plain browser; the production build never contains it.
export default defineConfig(({ mode }) => ({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  base: './',
  build: {
    outDir: mode === 'fixture' ? 'dist-fixture' : 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    restoreMocks: true,
    pool: 'threads',
    maxWorkers: 2,
  },
}));
