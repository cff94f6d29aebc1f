import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// `npm run build` is the production build Tauri ships (frontendDist: ../ui/dist).
// `--mode fixture` (npm run build:fixture) also bundles the preview fixture, a fake backend
// for looking at screens in a plain browser; the production build never contains it.
// Two pages: index.html (the main window) and link.html (the Link window, where Plaid's
// script runs; src/link-window/).
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
    rolldownOptions: {
      // Relative to the root (the working directory, ui/), as Vite's default index.html is.
      input: { main: 'index.html', link: 'link.html' },
    },
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
