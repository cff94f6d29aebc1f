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

  function decide(result) {
    if (mode === 'redirect') {
      // Only back to a Hosted Link page of this sandbox (no open redirect).
      if (!/^\/link\/hosted\/[A-Za-z0-9_-]{1,64}$/.test(back)) return;
      location.replace(back + '?oauth_state_id=' + encodeURIComponent(state) + '&result=' + result);
      return;
    }
    var opener = window.opener;
    if (!opener || opener.closed) {
      document.getElementById('ask').hidden = true;
      document.getElementById('lost').hidden = false;
      document.getElementById('lost-title').focus();
      return;
    }
    opener.postMessage({ source: 'coffer-link-oauth', state: state, result: result }, location.origin);
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
