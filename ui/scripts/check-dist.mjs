// Fails the production build if the preview fixture (a fake backend for screenshots) or
// Tauri's IPC mocks ended up in dist/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
const markers = ['preview fixture', 'shouldMockEvents'];
let bad = false;
for (const f of readdirSync(dir)) {
  const text = readFileSync(join(dir, f), 'utf8');
  for (const m of markers) {
    if (text.includes(m)) {
      console.error(`dist/assets/${f} contains "${m}": the preview fixture must not ship`);
      bad = true;
    }
  }
}
if (bad) process.exit(1);
console.log('dist/ is free of the preview fixture');
