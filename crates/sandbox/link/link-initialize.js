/*
 * Coffer sandbox: an offline stand-in for Plaid's link-initialize.js.
 *
 * Defines window.Plaid.create(config) with the web SDK's API (token, onSuccess, onExit,
 * onEvent, onLoad, receivedRedirectUri; handler.open/exit/submit/destroy). Link runs in a
 * full-window iframe served by the same sandbox as this script; the two talk by postMessage,
 * each checking the other's origin and window.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var LINK_ORIGIN = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var Z_INDEX = '2147483647';

  function noop() {}

  function call(fn, args) {
    if (typeof fn !== 'function') return;
    try {
      fn.apply(null, args);
    } catch (err) {
      // A throwing callback must not break Link; report it like an uncaught error would be.
      setTimeout(function () { throw err; }, 0);
    }
  }

  function create(config) {
    config = config || {};
    var token = typeof config.token === 'string' ? config.token : '';
    var onSuccess = config.onSuccess || noop;
    var onExit = config.onExit || noop;
    var onEvent = config.onEvent || noop;
    var onLoad = config.onLoad || noop;

    var frame = document.createElement('iframe');
    var state = 'loading'; // loading | ready | open | closed | dead | destroyed
    var wantOpen = false;
    var loaded = false;
    var savedOverflow = null;

    frame.title = 'Connect your bank account';
    frame.setAttribute('aria-hidden', 'true');
    var st = frame.style;
    st.position = 'fixed';
    st.top = '0';
    st.left = '0';
    st.width = '100%';
    st.height = '100%';
    st.border = '0';
    st.margin = '0';
    st.padding = '0';
    st.zIndex = Z_INDEX;
    st.background = 'transparent';
    st.colorScheme = 'normal';
    st.display = 'none';
    frame.src = LINK_ORIGIN + '/link/frame?origin=' + encodeURIComponent(location.origin);

    function post(msg) {
      if (frame.contentWindow) frame.contentWindow.postMessage(msg, LINK_ORIGIN);
    }

    function show() {
      if (savedOverflow === null) {
        savedOverflow = document.documentElement.style.overflow;
        document.documentElement.style.overflow = 'hidden';
      }
      frame.style.display = 'block';
      frame.removeAttribute('aria-hidden');
      frame.focus();
    }

    function hide() {
      frame.style.display = 'none';
      frame.setAttribute('aria-hidden', 'true');
      if (savedOverflow !== null) {
        document.documentElement.style.overflow = savedOverflow;
        savedOverflow = null;
      }
    }

    function deliver(events) {
      (events || []).forEach(function (ev) {
        call(onEvent, [ev.event_name, ev.metadata]);
      });
    }

    function onMessage(e) {
      if (e.origin !== LINK_ORIGIN || e.source !== frame.contentWindow) return;
      var msg = e.data;
      if (!msg || typeof msg !== 'object' || msg.source !== 'coffer-link') return;
      switch (msg.type) {
        case 'hello':
          post({ type: 'init', token: token, receivedRedirectUri: config.receivedRedirectUri || null });
          break;
        case 'ready':
          if (state !== 'loading') return;
          state = 'ready';
          if (!loaded) {
            loaded = true;
            call(onLoad, []);
          }
          if (wantOpen) handler.open();
          break;
        case 'event':
          deliver([msg.event]);
          break;
        case 'success':
          hide();
          state = 'ready';
          call(onSuccess, [msg.public_token, msg.metadata]);
          deliver(msg.events);
          break;
        case 'exit':
          hide();
          // An expired token: Link does not open at all.
          state = msg.dead ? 'dead' : 'ready';
          call(onExit, [msg.error, msg.metadata]);
          deliver(msg.events);
          break;
      }
    }

    var handler = {
      open: function () {
        if (state === 'destroyed' || state === 'dead') return;
        if (state === 'loading') {
          wantOpen = true;
          return;
        }
        if (state === 'open') return;
        wantOpen = false;
        state = 'open';
        show();
        post({ type: 'open' });
      },
      exit: function (opts) {
        if (state !== 'open') return;
        post({ type: 'exit', force: !!(opts && opts.force) });
      },
      submit: function (data) {
        // Layer only (phone number, date of birth); the stand-in has no Layer.
        if (state === 'open') post({ type: 'submit', data: data || null });
      },
      destroy: function () {
        if (state === 'destroyed') return;
        state = 'destroyed';
        window.removeEventListener('message', onMessage);
        hide();
        if (frame.parentNode) frame.parentNode.removeChild(frame);
      }
    };

    window.addEventListener('message', onMessage);
    (document.body || document.documentElement).appendChild(frame);
    return handler;
  }

  var existing = window.Plaid || {};
  existing.create = create;
  existing.version = 'coffer-sandbox';
  window.Plaid = existing;
})();
