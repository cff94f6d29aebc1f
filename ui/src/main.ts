import './lib/format/locale-guard';
import './styles/tokens.css';
import './styles/base.css';
import { mount } from 'svelte';
import App from './App.svelte';

async function start() {
  // Preview fixture: a fake backend for looking at screens in a plain browser. Only in
  // `--mode fixture` builds (the production build drops this branch) and only on request.
  if (import.meta.env.MODE === 'fixture' && new URLSearchParams(location.search).has('fixture')) {
    const { installPreviewFixture } = await import('./preview-fixture/fixture');
    installPreviewFixture(new URLSearchParams(location.search));
  }
  mount(App, { target: document.getElementById('app')! });
}

void start();
