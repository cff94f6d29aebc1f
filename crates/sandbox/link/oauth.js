/*
 * Coffer sandbox: the OAuth bank's authorization page. Pop-up mode reports the choice to the
 * Link window that opened it (window.opener, same origin, with the attempt's state) and closes;
 * redirect mode (Hosted Link) goes back to the Hosted Link page with oauth_state_id.
 */
(function () {
  'use strict';
  var p = new URLSearchParams(location.search);
  var mode = p.get('mode') === 'redirect' ? 'redirect' : 'popup';
  var state = p.get('state') || '';
  var bank = p.get('institution') || 'Sandbox bank';
  var app = p.get('app') || 'the app';
  var back = p.get('return') || '';
  // Link's origin when this page is on the bank's own site (another origin), else this one.
  var linkOrigin = p.get('origin') || location.origin;

  // Where redirect mode may go back to: a Hosted Link page of the sandbox, on this origin or
  // (from the bank's own site) on a loopback sandbox origin. Never anywhere else.
  function backUrl() {
    if (/^\/link\/hosted\/[A-Za-z0-9_-]{1,64}$/.test(back)) return back;
    var u;
    try { u = new URL(back); } catch (e) { return null; }
    if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1' || u.search || u.hash) return null;
    return /^\/link\/hosted\/[A-Za-z0-9_-]{1,64}$/.test(u.pathname) ? u.origin + u.pathname : null;
  }

  function decide(result) {
    if (mode === 'redirect') {
      // Only back to a Hosted Link page of the sandbox (no open redirect).
      var to = backUrl();
      if (!to) return;
      location.replace(to + '?oauth_state_id=' + encodeURIComponent(state) + '&result=' + result);
      return;
    }
    var opener = window.opener;
    if (!opener || opener.closed) {
      document.getElementById('ask').hidden = true;
      document.getElementById('lost').hidden = false;
      document.getElementById('lost-title').focus();
      return;
    }
    var target = /^http:\/\/127\.0\.0\.1:\d+$/.test(linkOrigin) ? linkOrigin : location.origin;
    opener.postMessage({ source: 'coffer-link-oauth', state: state, result: result }, target);
    document.getElementById('ask').hidden = true;
    document.getElementById('sent').hidden = false;
    window.close();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('bank-name').textContent = bank;
    var words = bank.replace(/[^A-Za-z0-9 ]/g, ' ').split(/\s+/).filter(Boolean);
    document.getElementById('logo').textContent = (words[0] ? words[0][0] : '?') + (words[1] ? words[1][0] : '');
    document.getElementById('title').textContent = 'Allow ' + app + ' to access your ' + bank + ' accounts?';
    document.getElementById('lead').textContent = app + ' is asking, through Coffer Link, to see:';
    document.getElementById('authorize').addEventListener('click', function () { decide('authorized'); });
    document.getElementById('deny').addEventListener('click', function () { decide('denied'); });
    if (mode === 'popup' && !window.opener) {
      document.getElementById('ask').hidden = true;
      document.getElementById('lost').hidden = false;
      return;
    }
    document.getElementById('authorize').focus();
  });
})();
