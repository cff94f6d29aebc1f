// Fails the production build if the preview fixture (a fake backend for screenshots) or
// Tauri's IPC mocks ended up in dist/, if a page is missing, or if the main window could
// load the Link window's script loader (Plaid's script runs only in link.html).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const dir = join(dist, 'assets');
const markers = ['preview fixture', 'shouldMockEvents'];
let bad = false;
const fail = (message) => {
  console.error(message);
  bad = true;
};

const files = readdirSync(dir);
for (const f of files) {
  const text = readFileSync(join(dir, f), 'utf8');
  for (const m of markers) {
    if (text.includes(m)) fail(`dist/assets/${f} contains "${m}": the preview fixture must not ship`);
  }
}

for (const page of ['index.html', 'link.html']) {
  if (!existsSync(join(dist, page))) fail(`dist/${page} is missing: vite.config.ts builds both pages`);
}

// Every script the main window can load: what index.html names, and what those name in turn
// (static imports, dynamic imports of the lazy screens).
const scripts = files.filter((f) => f.endsWith('.js'));
const reachable = new Set();
const visit = (text) => {
  for (const f of scripts) {
    if (!reachable.has(f) && text.includes(f)) {
      reachable.add(f);
      visit(readFileSync(join(dir, f), 'utf8'));
    }
  }
};
if (existsSync(join(dist, 'index.html'))) {
  const index = readFileSync(join(dist, 'index.html'), 'utf8');
  if (!index.includes('http-equiv="Content-Security-Policy"')) fail('dist/index.html lost its Content-Security-Policy meta tag');
  visit(index);
  if (reachable.size === 0) fail('dist/index.html names no script');
  // The loader marks the script element it adds (`data-plaid-link`); only the Link page has it.
  for (const f of reachable) {
    if (readFileSync(join(dir, f), 'utf8').includes('plaidLink')) {
      fail(`dist/assets/${f} (loaded by the main window) contains the Link script loader: it belongs to link.html only`);
    }
  }
}

if (bad) process.exit(1);
console.log('dist/ is free of the preview fixture; the main window has no Link script loader');
