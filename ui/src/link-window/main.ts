// The Link window's entry (link.html). Only this page loads Plaid's script.
import '../styles/tokens.css';
import './link-window.css';
import { runLinkWindow } from './link-window';

void runLinkWindow({ status: document.getElementById('link-status')! });
