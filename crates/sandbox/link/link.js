/*
 * Coffer sandbox: the Link flow. One file for both ways it runs:
 * - embedded: /link/frame?origin=<app origin>, inside the iframe link-initialize.js creates;
 *   talks to the app's page by postMessage (checking origin and window both ways);
 * - Hosted Link: /link/hosted/<id>, a full page; OAuth continues in the same tab.
 * Every decision that touches the sandbox's state is a call to /_link/ui/* on this origin.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var hostedMatch = location.pathname.match(/^\/link\/hosted\/([A-Za-z0-9_-]{1,64})$/);
  var HOSTED = !!hostedMatch;
  var PARENT_ORIGIN = HOSTED ? null : params.get('origin');
  var STORE_KEY = 'coffer-link-hosted';
  /** How long a closed bank window's answer may still be on its way. */
  var POPUP_ANSWER_GRACE_MS = 1500;

  var VIEW_NAMES = {
    loading: 'LOADING', consent: 'CONSENT', select: 'SELECT_INSTITUTION', credential: 'CREDENTIAL',
    oauth: 'OAUTH', accounts: 'SELECT_ACCOUNT', connected: 'CONNECTED', error: 'ERROR', exit: 'EXIT'
  };
  // Where the person stopped, as onExit's status.
  var EXIT_STATUS = {
    consent: 'institution_not_found', select: 'institution_not_found', credential: 'requires_credentials',
    oauth: 'requires_oauth', accounts: 'requires_account_selection'
  };

  var S = fresh();
  var el = {};

  function fresh() {
    return {
      token: null, sessionId: null, startedAt: null, requestId: null, clientName: '', update: null,
      institutions: [], institution: null, accounts: [], checked: [], username: '', password: '',
      view: null, viewStack: [], events: [], queued: [], recorded: 0, result: null, finished: false,
      exitStatus: 'institution_not_found', error: null, oauthState: null, opened: false, invalid: null
    };
  }

  /* ---------- small helpers ---------- */

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function api(path, body) {
    return fetch('/_link/ui/' + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (r) {
      return r.json().then(function (j) {
        if (j && j.request_id) S.requestId = j.request_id;
        return { ok: r.ok, body: j };
      });
    });
  }

  function linkError(e) {
    if (!e) return null;
    return {
      error_type: e.error_type, error_code: e.error_code,
      error_message: e.error_message, display_message: e.display_message === undefined ? null : e.display_message
    };
  }

  function toParent(msg) {
    if (HOSTED || !PARENT_ORIGIN || window.parent === window) return;
    msg.source = 'coffer-link';
    window.parent.postMessage(msg, PARENT_ORIGIN);
  }

  function insRef() {
    return S.institution ? { name: S.institution.name, institution_id: S.institution.institution_id } : null;
  }

  /* ---------- events ---------- */

  function emit(name, extra) {
    var md = {
      account_number_mask: null, error_type: null, error_code: null, error_message: null,
      exit_status: null, institution_id: S.institution ? S.institution.institution_id : null,
      institution_name: S.institution ? S.institution.name : null, institution_search_query: null,
      is_update_mode: S.update ? 'yes' : 'no', match_reason: null, routing_number: null,
      mfa_type: null, view_name: null, request_id: S.requestId, link_session_id: S.sessionId,
      timestamp: new Date().toISOString(), selection: null, brand_name: null
    };
    Object.keys(extra || {}).forEach(function (k) { md[k] = extra[k]; });
    var ev = { event_name: name, metadata: md };
    S.events.push(ev);
    // Like Plaid's SDK: OPEN in real time, the rest with the final callback.
    if (name === 'OPEN') toParent({ type: 'event', event: ev });
    else S.queued.push(ev);
  }

  function flushQueued() {
    var q = S.queued;
    S.queued = [];
    return q;
  }

  /* ---------- rendering ---------- */

  function tpl(name) {
    var t = document.getElementById('t-' + name);
    return t.content.cloneNode(true);
  }

  function slot(root, name) {
    return root.querySelector('[data-slot="' + name + '"]');
  }

  function logo(node, ins) {
    if (!node || !ins) return;
    var words = ins.name.replace(/[^A-Za-z0-9 ]/g, ' ').split(/\s+/).filter(Boolean);
    node.textContent = (words[0] ? words[0][0] : '?') + (words[1] ? words[1][0] : '');
    if (/^#[0-9a-fA-F]{6}$/.test(ins.primary_color || '')) node.style.backgroundColor = ins.primary_color;
  }

  function render(name, fill, opts) {
    opts = opts || {};
    var frag = tpl(name === 'done' ? 'done' : name);
    var view = el.view;
    while (view.firstChild) view.removeChild(view.firstChild);
    view.appendChild(frag);
    view.className = 'view view-' + name;
    if (fill) fill(view);
    var previous = S.view;
    S.view = name;
    if (EXIT_STATUS[name]) S.exitStatus = EXIT_STATUS[name];
    if (opts.back !== undefined) el.back.hidden = !opts.back;
    else el.back.hidden = true;
    el.close.hidden = name === 'done';
    if (VIEW_NAMES[name] && S.opened && previous !== name && !opts.silent) {
      emit('TRANSITION_VIEW', { view_name: VIEW_NAMES[name] });
    }
    var focus = view.querySelector('[autofocus], input:not([type=hidden]):not([disabled]), button.primary:not([disabled])');
    if (opts.focus) focus = view.querySelector(opts.focus) || focus;
    if (focus) focus.focus();
    else view.querySelector('h1') && view.querySelector('h1').focus();
  }

  /* ---------- the flow ---------- */

  function start(body) {
    S = fresh();
    el.card.hidden = false;
    render('loading', function (v) { slot(v, 'title').textContent = 'Loading'; }, { silent: true });
    return api('init', body).then(function (r) {
      if (!r.ok) {
        S.invalid = { error: r.body.error, expired: !!r.body.expired };
        S.sessionId = uuid();
        return S;
      }
      var b = r.body;
      S.token = b.link_token;
      S.sessionId = b.link_session_id;
      S.startedAt = b.started_at;
      S.clientName = b.client_name || 'This application';
      S.bankOrigin = b.bank_origin || null;
      S.update = b.update;
      S.institutions = b.institutions || [];
      if (S.update) S.institution = S.update.institution;
      return S;
    }, function () {
      S.invalid = { error: { error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR', error_message: 'the sandbox could not be reached', display_message: null }, expired: false };
      S.sessionId = uuid();
      return S;
    });
  }

  function open() {
    S.opened = true;
    if (S.invalid) {
      emit('OPEN', { view_name: 'ERROR' });
      showError(S.invalid.error, { status: null, local: true });
      return;
    }
    emit('OPEN', { view_name: 'CONSENT' });
    showConsent();
  }

  function showConsent() {
    render('consent', function (v) {
      var app = S.clientName.length > 30 ? 'This application' : S.clientName;
      if (S.update) {
        slot(v, 'title').textContent = app + ' wants to reconnect to ' + S.institution.name;
        slot(v, 'point1').textContent = 'Log in again so ' + app + ' can keep your accounts up to date.';
      } else {
        slot(v, 'title').textContent = app + ' uses Coffer Link to connect your accounts';
      }
      if (HOSTED && !S.update) slot(v, 'point1').textContent = 'Your login is checked by the sandbox bank, then you return to the app.';
      slot(v, 'point2').textContent = 'Your credentials are never shared with ' + app + '.';
      slot(v, 'app').textContent = app;
      v.querySelector('[data-action=continue]').addEventListener('click', function () {
        if (S.update) afterInstitution(S.institution);
        else showSelect();
      });
    });
  }

  var searchTimer = null;
  var lastSearched = '';

  function searchEvent(q) {
    clearTimeout(searchTimer);
    searchTimer = null;
    if (q && q !== lastSearched) {
      lastSearched = q;
      emit('SEARCH_INSTITUTION', { institution_search_query: q, view_name: 'SELECT_INSTITUTION' });
    }
  }

  function showSelect() {
    S.institution = null;
    render('select', function (v) {
      var list = slot(v, 'list');
      var input = v.querySelector('#search');
      var empty = slot(v, 'empty');
      function draw() {
        var q = input.value.trim().toLowerCase();
        while (list.firstChild) list.removeChild(list.firstChild);
        var shown = S.institutions.filter(function (i) { return !q || i.name.toLowerCase().indexOf(q) >= 0; });
        shown.forEach(function (ins) {
          var li = document.createElement('li');
          var b = document.createElement('button');
          b.type = 'button';
          b.className = 'institution';
          b.dataset.institutionId = ins.institution_id;
          var lg = document.createElement('span');
          lg.className = 'ins-logo';
          lg.setAttribute('aria-hidden', 'true');
          logo(lg, ins);
          var name = document.createElement('span');
          name.className = 'ins-name';
          name.textContent = ins.name;
          b.appendChild(lg);
          b.appendChild(name);
          var tag = null;
          if (ins.status === 'DOWN') tag = ['Unavailable', 'tag bad'];
          else if (ins.status === 'DEGRADED') tag = ['Slow right now', 'tag warn'];
          else if (ins.status === 'UNSUPPORTED') tag = ['Not supported', 'tag bad'];
          else if (ins.oauth) tag = ['Secure log-in', 'tag'];
          if (tag) {
            var t = document.createElement('span');
            t.className = tag[1];
            t.textContent = tag[0];
            b.appendChild(t);
          }
          b.addEventListener('click', function () {
            searchEvent(input.value.trim());
            pickInstitution(ins);
          });
          li.appendChild(b);
          list.appendChild(li);
        });
        empty.hidden = shown.length > 0;
        slot(v, 'query').textContent = input.value.trim();
      }
      input.addEventListener('input', function () {
        draw();
        clearTimeout(searchTimer);
        var q = input.value.trim();
        searchTimer = setTimeout(function () { searchEvent(q); }, 400);
      });
      draw();
    }, { back: true, focus: '#search' });
  }

  function pickInstitution(ins) {
    S.institution = ins;
    var name = ins.status === 'DOWN' ? 'SELECT_DOWN_INSTITUTION'
      : ins.status === 'DEGRADED' ? 'SELECT_DEGRADED_INSTITUTION' : 'SELECT_INSTITUTION';
    emit(name, { view_name: 'SELECT_INSTITUTION' });
    busy('Connecting to ' + ins.name);
    api('select', { link_token: S.token, institution_id: ins.institution_id }).then(function (r) {
      if (!r.ok) {
        showError(r.body.error, { status: 'institution_not_supported', retrySelect: true, viewName: 'SELECT_INSTITUTION' });
        return;
      }
      afterInstitution(r.body);
    }, networkError);
  }

  function afterInstitution(ins) {
    S.institution = ins;
    if (ins.oauth) showOAuth();
    else showCredential();
  }

  function busy(text) {
    render('loading', function (v) { slot(v, 'title').textContent = text; });
  }

  function networkError() {
    showError({ error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR', error_message: 'the sandbox could not be reached', display_message: 'Something went wrong. Please try again later.' }, {});
  }

  function showCredential(alertText) {
    render('credential', function (v) {
      logo(slot(v, 'logo'), S.institution);
      slot(v, 'ins-name').textContent = S.institution.name;
      slot(v, 'title').textContent = 'Log in to ' + S.institution.name;
      var user = v.querySelector('#username');
      var pass = v.querySelector('#password');
      user.value = S.username;
      if (alertText) {
        var a = slot(v, 'alert');
        a.textContent = alertText;
        a.hidden = false;
      }
      slot(v, 'form').addEventListener('submit', function (e) {
        e.preventDefault();
        submitCredentials(user.value, pass.value);
      });
    }, { back: !S.update, focus: alertText ? '#password' : '#username' });
  }

  function submitCredentials(username, password) {
    S.username = username;
    S.password = password;
    emit('SUBMIT_CREDENTIALS', { view_name: 'CREDENTIAL' });
    busy('Connecting to ' + S.institution.name);
    api('credentials', {
      link_token: S.token, institution_id: S.institution.institution_id, username: username, password: password
    }).then(function (r) {
      if (r.ok) return gotAccounts(r.body.accounts);
      var e = r.body.error;
      emit('ERROR', { error_type: e.error_type, error_code: e.error_code, error_message: e.error_message, view_name: 'CREDENTIAL' });
      // Wrong credentials: try again, as Plaid does. A forced error_<CODE> password ends Link.
      if (e.error_code === 'INVALID_CREDENTIALS' && password.indexOf('error_') !== 0) {
        showCredential(e.display_message || 'The provided credentials were not correct. Please try again.');
        return;
      }
      showError(e, { status: 'requires_credentials', noEvent: true });
    }, networkError);
  }

  function gotAccounts(accounts) {
    S.accounts = accounts;
    if (!S.update || S.update.account_selection_enabled) showAccounts();
    else complete([]);
  }

  function showOAuth(problem) {
    render('oauth', function (v) {
      logo(slot(v, 'logo'), S.institution);
      slot(v, 'ins-name').textContent = S.institution.name;
      var title = slot(v, 'title');
      var text = slot(v, 'text');
      var button = slot(v, 'button');
      title.textContent = 'Log in at ' + S.institution.name;
      text.textContent = HOSTED
        ? 'You will go to ' + S.institution.name + ' to log in and approve access, then come back here.'
        : S.institution.name + ' opens in a new window so you can log in on its own site and approve access. You will come back here afterwards.';
      button.textContent = 'Continue to ' + S.institution.name;
      if (problem) {
        title.textContent = problem.title;
        text.textContent = problem.text;
        button.textContent = 'Try again';
      }
      button.addEventListener('click', function () { startOAuth(v); });
    }, { back: !S.update });
  }

  var popup = null;
  var popupTimer = null;

  // A bank that signs people in on its own site has its page on another origin (as a real
  // bank's page is not Plaid's); the others use the sandbox's page, as Plaid Sandbox's do.
  function ownSite() {
    return !!(S.institution && S.institution.oauth_on_own_site && S.bankOrigin);
  }

  function oauthUrl(mode) {
    var page = ownSite() ? S.bankOrigin + '/oauth/authorize' : '/link/oauth';
    return page + '?mode=' + mode + '&state=' + encodeURIComponent(S.oauthState) +
      '&institution_id=' + encodeURIComponent(S.institution.institution_id) +
      '&institution=' + encodeURIComponent(S.institution.name) +
      '&app=' + encodeURIComponent(S.clientName) +
      (ownSite() ? '&origin=' + encodeURIComponent(location.origin) : '');
  }

  function startOAuth(v) {
    S.oauthState = uuid();
    if (HOSTED) {
      emit('OPEN_OAUTH', { view_name: 'OAUTH' });
      saveHosted();
      location.assign(oauthUrl('redirect') + '&return=' + encodeURIComponent(ownSite() ? location.origin + location.pathname : location.pathname));
      return;
    }
    // Called straight from the click, as Plaid's SDK does: a pop-up needs the user gesture.
    var w = null;
    try {
      w = window.open(oauthUrl('popup'), 'coffer_link_oauth', 'popup=yes,width=480,height=680');
    } catch (err) {
      w = null;
    }
    if (!w) {
      showPopupBlocked();
      return;
    }
    popup = w;
    emit('OPEN_OAUTH', { view_name: 'OAUTH' });
    slot(v, 'waiting').hidden = false;
    var button = slot(v, 'button');
    button.textContent = 'Reopen the ' + S.institution.name + ' window';
    clearInterval(popupTimer);
    popupTimer = setInterval(function () {
      if (!popup || !popup.closed) return;
      // The bank window posts its answer and closes at once: the answer can still be on its
      // way when the window is seen closed. Wait for it a moment before calling it lost.
      var closed = popup;
      clearInterval(popupTimer);
      popupTimer = null;
      setTimeout(function () {
        if (popup !== closed) return; // the answer came, or another attempt began
        stopPopup();
        emit('CLOSE_OAUTH', { view_name: 'OAUTH' });
        showOAuth({
          title: 'The ' + S.institution.name + ' window was closed',
          text: 'It closed before you finished logging in, or it could not reach this window. Try again, or exit.'
        });
      }, POPUP_ANSWER_GRACE_MS);
    }, 300);
  }

  function stopPopup() {
    clearInterval(popupTimer);
    popupTimer = null;
    popup = null;
  }

  function showPopupBlocked() {
    render('error', function (v) {
      slot(v, 'title').textContent = 'Pop-up blocked';
      slot(v, 'text').textContent = S.institution.name + ' needs a pop-up window to log you in, and it was blocked. ' +
        'Allow pop-ups for this app, then try again.';
      slot(v, 'code').textContent = '';
      var p = slot(v, 'primary');
      p.textContent = 'Try again';
      p.addEventListener('click', function () { showOAuth(); });
      var s = slot(v, 'secondary');
      s.hidden = false;
      s.textContent = 'Exit';
      s.addEventListener('click', function () { finishExit(null, 'requires_oauth'); });
    });
    S.exitStatus = 'requires_oauth';
    S.error = null;
  }

  function oauthResult(result) {
    if (result === 'authorized') {
      emit('CLOSE_OAUTH', { view_name: 'OAUTH' });
      busy('Connecting to ' + S.institution.name);
      api('credentials', { link_token: S.token, institution_id: S.institution.institution_id, username: '', password: '' })
        .then(function (r) {
          if (r.ok) return gotAccounts(r.body.accounts);
          showError(r.body.error, { status: 'requires_oauth' });
        }, networkError);
    } else {
      emit('FAIL_OAUTH', { view_name: 'OAUTH' });
      showOAuth({
        title: 'Access was not approved',
        text: 'You declined access at ' + S.institution.name + ', so no accounts were connected. Try again, or exit.'
      });
    }
  }

  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!d || typeof d !== 'object') return;
    if (d.source === 'coffer-link-oauth') {
      // Only the bank window we opened, on its origin, for this attempt.
      var bankOrigin = ownSite() ? S.bankOrigin : location.origin;
      if (e.origin !== bankOrigin || !popup || e.source !== popup || d.state !== S.oauthState) return;
      stopPopup();
      oauthResult(d.result === 'authorized' ? 'authorized' : 'denied');
      return;
    }
    if (HOSTED || e.source !== window.parent || e.origin !== PARENT_ORIGIN) return;
    if (d.source !== undefined) return;
    switch (d.type) {
      case 'init':
        init(d);
        break;
      case 'open':
        if (S.finished) {
          restart(function () { open(); });
        } else if (!S.opened) {
          open();
        }
        break;
      case 'exit':
        requestExit(!!d.force);
        break;
    }
  });

  function showAccounts() {
    var select = !!(S.update && S.update.account_selection_enabled);
    render('accounts', function (v) {
      logo(slot(v, 'logo'), S.institution);
      slot(v, 'ins-name').textContent = S.institution.name;
      if (select) slot(v, 'title').textContent = 'Choose the accounts ' + S.clientName + ' can see';
      var list = slot(v, 'list');
      var submit = slot(v, 'submit');
      var count = slot(v, 'count');
      S.accounts.forEach(function (a, i) {
        var li = document.createElement('li');
        var label = document.createElement('label');
        label.className = 'account';
        var box = document.createElement('input');
        box.type = 'checkbox';
        box.value = a.mask;
        box.id = 'acct-' + i;
        box.dataset.mask = a.mask;
        if (a.shared) {
          box.checked = true;
          box.disabled = true;
        } else if (S.checked.indexOf(a.mask) >= 0) {
          box.checked = true;
        }
        var text = document.createElement('span');
        text.className = 'account-text';
        var name = document.createElement('span');
        name.className = 'account-name';
        name.textContent = a.name;
        var meta = document.createElement('span');
        meta.className = 'account-meta';
        var sub = a.subtype.length <= 3 ? a.subtype.toUpperCase() : a.subtype.charAt(0).toUpperCase() + a.subtype.slice(1);
        meta.textContent = sub + ' \u2022\u2022\u2022\u2022 ' + a.mask;
        text.appendChild(name);
        text.appendChild(meta);
        var bal = document.createElement('span');
        bal.className = 'account-balance';
        bal.textContent = '$' + Number(a.current).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        label.appendChild(box);
        label.appendChild(text);
        label.appendChild(bal);
        if (a.shared) {
          var t = document.createElement('span');
          t.className = 'tag';
          t.textContent = 'Shared';
          text.appendChild(t);
        }
        li.appendChild(label);
        list.appendChild(li);
      });
      function update() {
        S.checked = Array.prototype.map.call(list.querySelectorAll('input:checked:not([disabled])'), function (b) { return b.value; });
        var n = list.querySelectorAll('input:checked').length;
        submit.disabled = n === 0;
        count.textContent = n === 0 ? 'Select at least one account.' : n + (n === 1 ? ' account selected' : ' accounts selected');
      }
      list.addEventListener('change', update);
      update();
      slot(v, 'form').addEventListener('submit', function (e) {
        e.preventDefault();
        var masks = Array.prototype.map.call(list.querySelectorAll('input:checked'), function (b) { return b.value; });
        if (!masks.length) return;
        complete(masks);
      });
    }, { back: false, focus: 'input[type=checkbox]:not([disabled])' });
  }

  function complete(masks) {
    busy('Connecting your accounts');
    var events = S.events.slice();
    api('finish', {
      link_token: S.token, link_session_id: S.sessionId, started_at: S.startedAt, status: 'success',
      institution_id: S.institution.institution_id, username: S.username, password: S.password,
      account_ids: masks, events: events
    }).then(function (r) {
      if (!r.ok) {
        showError(r.body.error, { status: S.exitStatus });
        return;
      }
      if (!r.body.public_token) {
        // The sandbox refused the login at the last step: an exit was recorded.
        S.recorded = S.events.length;
        showError(r.body.error, { status: r.body.metadata.status, recorded: r.body });
        return;
      }
      S.recorded = events.length;
      S.result = r.body;
      showConnected();
    }, networkError);
  }

  function showConnected() {
    render('connected', function (v) {
      var n = S.result.metadata.accounts.length;
      slot(v, 'text').textContent = S.update
        ? 'Your ' + S.institution.name + ' connection is working again.'
        : n + (n === 1 ? ' account' : ' accounts') + ' at ' + S.institution.name + ' connected to ' + S.clientName + '.';
      v.querySelector('[data-action=continue]').addEventListener('click', handoff);
    });
  }

  function handoff() {
    if (S.finished) return;
    S.finished = true;
    emit('HANDOFF', { view_name: 'CONNECTED' });
    var extra = S.events.slice(S.recorded);
    S.recorded = S.events.length;
    var done = function () {
      if (HOSTED) {
        clearHosted();
        showDone(true);
        return;
      }
      toParent({ type: 'success', public_token: S.result.public_token, metadata: S.result.metadata, events: flushQueued() });
    };
    api('events', { link_token: S.token, link_session_id: S.sessionId, events: extra }).then(done, done);
  }

  function showError(err, opts) {
    opts = opts || {};
    S.error = err;
    if (opts.status !== undefined) S.exitStatus = opts.status;
    if (!opts.noEvent && S.opened) {
      emit('ERROR', { error_type: err.error_type, error_code: err.error_code, error_message: err.error_message, view_name: opts.viewName || 'ERROR' });
    }
    render('error', function (v) {
      var titles = {
        INSTITUTION_DOWN: S.institution ? S.institution.name + ' is unavailable' : 'Institution unavailable',
        INSTITUTION_NO_LONGER_SUPPORTED: 'Institution not supported',
        INVALID_LINK_TOKEN: 'This link has expired or is not valid',
        ITEM_LOCKED: 'Your account is locked'
      };
      slot(v, 'title').textContent = titles[err.error_code] || 'Something went wrong';
      var bank = S.institution ? S.institution.name : 'your bank';
      var fallback = {
        INVALID_LINK_TOKEN: 'Go back to the app and start again.',
        ITEM_LOCKED: 'Too many attempts locked your account at ' + bank + '. Unlock it on the bank\u2019s website, then try again.',
        INVALID_CREDENTIALS: 'The username or password was not correct.',
        USER_SETUP_REQUIRED: 'Finish setting up your account on ' + bank + '\u2019s website, then try again.',
        PASSWORD_RESET_REQUIRED: 'Reset your password on ' + bank + '\u2019s website, then try again.'
      };
      slot(v, 'text').textContent = err.display_message || fallback[err.error_code] ||
        'The connection to ' + bank + ' could not be completed. Please try again later.';
      slot(v, 'code').textContent = 'Error code: ' + err.error_code;
      var p = slot(v, 'primary');
      p.textContent = 'Exit';
      p.addEventListener('click', function () { requestExit(true); });
      if (opts.retrySelect && !S.update) {
        var s = slot(v, 'secondary');
        s.hidden = false;
        s.textContent = 'Choose another bank';
        s.addEventListener('click', function () { S.error = null; showSelect(); });
      }
    });
    if (opts.recorded) S.recordedExit = opts.recorded;
  }

  function showExitConfirm() {
    var from = S.view;
    var status = S.exitStatus;
    render('exit', function (v) {
      v.querySelector('[data-action=stay]').addEventListener('click', function () { back(from); });
      v.querySelector('[data-action=exit]').addEventListener('click', function () { finishExit(S.error, status); });
    });
    S.exitFrom = from;
    S.exitStatus = status;
  }

  function back(to) {
    switch (to) {
      case 'select': return showSelect();
      case 'credential': return showCredential();
      case 'oauth': return showOAuth();
      case 'accounts': return showAccounts();
      default: return showConsent();
    }
  }

  // Close button, Escape, or handler.exit(): the exit that matches where the person is.
  function requestExit(force) {
    if (!S.opened || S.finished) return;
    if (S.result) return handoff(); // Closing after success still hands off (onSuccess).
    if (S.view === 'loading') {
      if (force) finishExit(S.error, S.exitStatus);
      return;
    }
    if (force || S.view === 'consent' || S.view === 'error' || S.view === 'exit' || S.invalid) {
      finishExit(S.error, S.exitStatus);
      return;
    }
    showExitConfirm();
  }

  function finishExit(err, status) {
    if (S.finished) return;
    S.finished = true;
    stopPopup();
    var viewName = VIEW_NAMES[S.view === 'exit' ? 'exit' : S.view] || null;
    emit('EXIT', { exit_status: status, view_name: viewName });
    var metadata = { institution: insRef(), status: status, link_session_id: S.sessionId, request_id: S.requestId };
    var send = function (error, md) {
      if (HOSTED) {
        clearHosted();
        showDone(false);
        return;
      }
      toParent({ type: 'exit', error: error, metadata: md, events: flushQueued(), dead: !!(S.invalid && S.invalid.expired) });
    };
    if (S.invalid || !S.token) {
      send(linkError(err), metadata);
      return;
    }
    if (S.recordedExit) {
      // The sandbox already recorded this exit when it refused the login.
      var extra = S.events.slice(S.recorded);
      S.recorded = S.events.length;
      var rec = S.recordedExit;
      var after = function () { send(rec.error, rec.metadata); };
      api('events', { link_token: S.token, link_session_id: S.sessionId, events: extra }).then(after, after);
      return;
    }
    var body = {
      link_token: S.token, link_session_id: S.sessionId, started_at: S.startedAt, status: 'exit',
      institution_id: S.institution ? S.institution.institution_id : null, exit_status: status,
      events: S.events.slice()
    };
    if (err && err.error_code) body.error_code = err.error_code;
    S.recorded = S.events.length;
    api('finish', body).then(function (r) {
      if (r.ok) send(r.body.error, r.body.metadata);
      else send(linkError(err), metadata);
    }, function () { send(linkError(err), metadata); });
  }

  function showDone(success) {
    render('done', function (v) {
      var badge = slot(v, 'badge');
      badge.className = 'badge ' + (success ? 'ok' : 'neutral');
      slot(v, 'title').textContent = success ? 'You are connected' : 'No accounts were connected';
      slot(v, 'text').textContent = success
        ? (S.update ? 'Your ' + S.institution.name + ' connection is working again.' : 'Your ' + S.institution.name + ' accounts are now shared with ' + S.clientName + '.')
        : 'You left before finishing.';
    });
  }

  /* ---------- Hosted Link: keep the session across the OAuth round trip ---------- */

  function saveHosted() {
    var keep = {};
    ['token', 'sessionId', 'startedAt', 'requestId', 'clientName', 'update', 'institutions', 'institution',
      'events', 'recorded', 'exitStatus', 'oauthState', 'opened'].forEach(function (k) { keep[k] = S[k]; });
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(keep)); } catch (err) { /* private mode */ }
  }

  function clearHosted() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (err) { /* ignore */ }
  }

  function resumeHosted() {
    var stateId = params.get('oauth_state_id');
    if (!stateId) return false;
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null'); } catch (err) { saved = null; }
    history.replaceState(null, '', location.pathname);
    if (!saved || saved.oauthState !== stateId) return false;
    S = fresh();
    Object.keys(saved).forEach(function (k) { S[k] = saved[k]; });
    el.card.hidden = false;
    oauthResult(params.get('result') === 'authorized' ? 'authorized' : 'denied');
    return true;
  }

  /* ---------- start ---------- */

  function init(msg) {
    lastToken = msg.token || '';
    start({ link_token: msg.token || '' }).then(function () {
      if (msg.receivedRedirectUri && !/[?&]oauth_state_id=[^&]+/.test(msg.receivedRedirectUri)) {
        S.invalid = { error: { error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD', error_message: 'oauth uri does not contain a valid oauth_state_id query parameter', display_message: null }, expired: false };
      }
      if (S.invalid && S.invalid.expired) {
        // An expired token does not open at all.
        S.finished = true;
        toParent({
          type: 'exit', dead: true, error: linkError(S.invalid.error), events: [],
          metadata: { institution: null, status: null, link_session_id: S.sessionId, request_id: S.requestId }
        });
        return;
      }
      toParent({ type: 'ready' });
    });
  }

  var lastToken = '';
  function restart(then) {
    start({ link_token: lastToken }).then(then);
  }

  document.addEventListener('DOMContentLoaded', function () {
    el.view = document.getElementById('view');
    el.card = document.getElementById('card');
    el.back = document.getElementById('back');
    el.close = document.getElementById('close');
    document.body.classList.add(HOSTED ? 'hosted' : 'embedded');
    el.close.addEventListener('click', function () { requestExit(false); });
    el.back.addEventListener('click', function () {
      if (S.view === 'select') showConsent();
      else if (S.view === 'credential' || S.view === 'oauth') showSelect();
    });
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      if (S.view === 'exit') back(S.exitFrom);
      else requestExit(false);
    });
    if (HOSTED) {
      if (resumeHosted()) return;
      clearHosted();
      start({ hosted_id: hostedMatch[1] }).then(function () {
        if (S.invalid && S.invalid.expired) {
          S.opened = true;
          showError(S.invalid.error, { status: null });
          return;
        }
        open();
      });
      return;
    }
    if (!PARENT_ORIGIN || PARENT_ORIGIN === 'null' || window.parent === window) {
      el.card.hidden = false;
      render('error', function (v) {
        slot(v, 'title').textContent = 'Open Link from your app';
        slot(v, 'text').textContent = 'This page runs inside an app through link-initialize.js (served page, not a file).';
        slot(v, 'code').textContent = '';
        slot(v, 'primary').hidden = true;
      });
      return;
    }
    toParent({ type: 'hello' });
  });
})();
