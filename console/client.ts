/**
 * The browser side of the console, served as /console/assets/console.js: the login (the API key lives in
 * sessionStorage only, and goes out as `Authorization: Bearer` on every htmx request), the tabs' keyboard
 * behaviour (WAI-ARIA tabs: arrows, Home, End; Enter or Space opens), error display, and the address-bar hash
 * (`#tab=orders`, `#order=<orderId>`) so a reload comes back to the same screen. Everything else is htmx
 * attributes in the server-rendered HTML (console/views.tsx). Plain ES2020, no build step.
 */
export const CLIENT_JS = String.raw`(() => {
  'use strict';
  const KEY = 'oms-console-api-key';
  const $ = (id) => document.getElementById(id);
  const words = JSON.parse($('console-words').textContent);
  const lang = JSON.parse($('console-lang').textContent);
  const tabs = () => Array.from(document.querySelectorAll('[role="tab"]'));
  let keyInMemory = null;
  const storedKey = () => {
    try { return sessionStorage.getItem(KEY) || keyInMemory; } catch (e) { return keyInMemory; }
  };
  const storeKey = (key) => {
    keyInMemory = key;
    try { if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY); } catch (e) { /* private mode: memory only */ }
  };

  function showLogin(message) {
    $('app').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    $('login-status').textContent = '';
    const error = $('login-error');
    error.textContent = message || '';
    error.hidden = !message;
    $('api-key').setAttribute('aria-invalid', message ? 'true' : 'false');
    $('api-key').focus();
  }

  function markTab(id, focus) {
    for (const tab of tabs()) {
      const on = tab.dataset.tab === id;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      if (on) {
        $('panel').setAttribute('aria-labelledby', tab.id);
        if (focus) tab.focus();
      }
    }
  }

  function open(hash) {
    const order = /^#order=(.+)$/.exec(hash || '');
    if (order) {
      htmx.ajax('GET', '/console/ui/orders/' + encodeURIComponent(decodeURIComponent(order[1])), { target: '#panel' });
      return;
    }
    const tab = /^#tab=([\w-]+)$/.exec(hash || '');
    const button = (tab && $('tab-' + tab[1])) || $('tab-overview');
    button.click();
  }

  function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('sign-out').hidden = false;
    $('net-error').hidden = true;
    open(location.hash);
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) return showLogin(words.keyEmpty);
    $('login-error').hidden = true;
    $('login-status').textContent = words.signingIn;
    let res;
    try {
      res = await fetch('/console/ui/session', { headers: { authorization: 'Bearer ' + key, 'x-console-lang': lang } });
    } catch (e) {
      return showLogin(words.unreachable);
    }
    const check = res.ok ? await res.json().catch(() => ({})) : { status: res.status };
    if (check.ok) {
      storeKey(key);
      $('api-key').value = '';
      $('login-status').textContent = '';
      return start();
    }
    if (check.status === 401) return showLogin(words.keyRejected);
    if (check.status === 403) return showLogin(words.keyNoScope);
    showLogin(words.error + ' ' + check.status);
  });

  $('sign-out').addEventListener('click', () => {
    storeKey(null);
    $('panel').textContent = '';
    history.replaceState(null, '', location.pathname + location.search);
    showLogin('');
  });

  // Every htmx request carries the key and the language; without a key nothing is sent at all.
  document.body.addEventListener('htmx:configRequest', (event) => {
    const key = storedKey();
    if (!key) { event.preventDefault(); showLogin(''); return; }
    event.detail.headers['Authorization'] = 'Bearer ' + key;
    event.detail.headers['X-Console-Lang'] = lang;
  });

  // The server renders its errors as HTML: show them. A 401 means the key is gone: back to the login.
  document.body.addEventListener('htmx:beforeSwap', (event) => {
    const status = event.detail.xhr.status;
    if (status === 401) {
      event.detail.shouldSwap = false;
      storeKey(null);
      showLogin(words.sessionEnded);
    } else if (status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener('htmx:afterRequest', (event) => {
    if (event.detail.successful || event.detail.xhr.status >= 400) $('net-error').hidden = true;
  });
  document.body.addEventListener('htmx:sendError', () => {
    const banner = $('net-error');
    banner.textContent = words.unreachable;
    banner.hidden = false;
  });

  // A fragment names its tab (and the hash that reopens it) in the HX-Trigger header.
  document.body.addEventListener('console:screen', (event) => {
    const detail = event.detail || {};
    if (detail.tab) markTab(detail.tab, false);
    if (detail.hash !== undefined) history.replaceState(null, '', location.pathname + location.search + (detail.hash ? '#' + detail.hash : ''));
  });

  // After a swap into the panel, move focus to its heading only when the user asked for a new screen by keyboard.
  let focusPanel = false;
  document.body.addEventListener('htmx:afterSwap', (event) => {
    if (focusPanel && event.detail.target && event.detail.target.id === 'panel') {
      const heading = $('panel').querySelector('h2');
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    }
    focusPanel = false;
  });

  const tablist = document.querySelector('[role="tablist"]');
  tablist.addEventListener('click', (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab) markTab(tab.dataset.tab, false);
  });
  tablist.addEventListener('keydown', (event) => {
    const all = tabs();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    let next = null;
    if (event.key === 'ArrowRight') next = all[(at + 1) % all.length];
    else if (event.key === 'ArrowLeft') next = all[(at - 1 + all.length) % all.length];
    else if (event.key === 'Home') next = all[0];
    else if (event.key === 'End') next = all[all.length - 1];
    else if (event.key === 'Enter' || event.key === ' ') { focusPanel = true; return; }
    if (next) {
      event.preventDefault();
      for (const tab of all) tab.tabIndex = tab === next ? 0 : -1;
      next.focus();
    }
  });

  // A link pasted into the address bar of an open console (#order=…, #tab=…) opens that screen.
  window.addEventListener('hashchange', () => {
    if (storedKey() && !$('app').hidden) open(location.hash);
  });

  // htmx wires the page's hx-* attributes on DOMContentLoaded (its listener, added first, runs first): open a
  // screen after that. A deferred script runs before DOMContentLoaded, while readyState is already 'interactive'.
  const boot = () => (storedKey() ? start() : showLogin(''));
  if (document.readyState === 'complete') boot();
  else document.addEventListener('DOMContentLoaded', boot);
})();
`;

/** The console's stylesheet (/console/assets/console.css). The CJK font comes from our own server, never a CDN. */
export const CLIENT_CSS = String.raw`@font-face {
  font-family: 'Noto Sans S Chinese';
  src: url('/console/assets/cjk.otf') format('opentype');
  font-display: swap;
}
:root { --fg: #1d2330; --muted: #5b6475; --line: #d5dae3; --bg: #f5f7fa; --accent: #1f5fbf; --bad: #b3261e; --ok: #1b6e3a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, 'Noto Sans S Chinese', sans-serif; color: var(--fg); background: var(--bg); }
/* Chinese text in our own font first: a system font chosen for the zh locale may have no CJK glyphs at all. */
:lang(zh) { font-family: 'Noto Sans S Chinese', system-ui, sans-serif; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
header.top { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #14213d; color: #fff; }
header.top h1 { font-size: 18px; margin: 0; flex: 1; }
header.top .sub { font-weight: normal; opacity: .75; font-size: 13px; margin-left: 8px; }
header.top a { color: #fff; }
main { padding: 16px 20px 40px; max-width: 1400px; margin: 0 auto; }
#login { max-width: 520px; margin: 40px auto; background: #fff; padding: 24px; border: 1px solid var(--line); border-radius: 8px; }
#login form { display: grid; gap: 8px; }
input, select, textarea, button { font: inherit; }
input, select, textarea { padding: 5px 8px; border: 1px solid #9aa3b2; border-radius: 4px; background: #fff; color: var(--fg); }
button { padding: 5px 14px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
header.top button { background: transparent; border-color: #fff; }
.alt { font-size: .8em; opacity: .7; font-weight: normal; }
:focus-visible { outline: 3px solid #ffb000; outline-offset: 2px; }
.alert { color: var(--bad); background: #fdecea; border: 1px solid #f3b8b3; padding: 8px 12px; border-radius: 4px; }
.ok { color: var(--ok); }
.muted { color: var(--muted); }
.tabs { display: flex; gap: 4px; border-bottom: 2px solid var(--line); margin-bottom: 16px; flex-wrap: wrap; }
[role="tab"] { background: transparent; color: var(--fg); border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; padding: 8px 16px; }
[role="tab"][aria-selected="true"] { background: #fff; border-color: var(--line); color: var(--accent); font-weight: 600; margin-bottom: -2px; border-bottom: 2px solid #fff; }
#panel { background: #fff; border: 1px solid var(--line); border-radius: 0 0 8px 8px; padding: 16px 20px; min-height: 300px; }
#panel h2 { margin-top: 0; font-size: 20px; }
form.inline { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 8px 0 16px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; background: #fff; }
.wide { grid-column: 1 / -1; }
.card h3 { margin: 0 0 8px; font-size: 16px; }
dl.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 0; }
dl.counts .count { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
dl.counts .count.zero { opacity: .6; }
dl.counts .count.total { background: #eef3fb; }
dl.counts dt { font-size: 12px; color: var(--muted); }
dl.counts .code { font-size: 10px; }
dl.counts dd { margin: 0; font-size: 22px; font-weight: 600; }
dl.kv { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 6px 16px; margin: 0 0 12px; }
dl.kv dt { font-size: 12px; color: var(--muted); }
dl.kv dd { margin: 0; word-break: break-word; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
/* A table's caption where a heading above already says it: read by screen readers, not shown twice. */
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f8; font-weight: 600; }
code, code.json { font-family: ui-monospace, monospace, 'Noto Sans S Chinese'; }
code.json { font-size: 12px; word-break: break-all; }
.status { display: inline-block; padding: 0 6px; border-radius: 4px; background: #e6ecf5; font-size: 12px; }
.s-cancelled, .s-return_review { background: #fde7e5; }
.s-completed, .s-delivered, .s-returned { background: #e3f3e8; }
ul.cards { list-style: none; padding: 0; display: grid; gap: 12px; }
form.resolve { display: grid; grid-template-columns: max-content 1fr; gap: 6px 10px; align-items: center; max-width: 720px; }
form.resolve button { grid-column: 2; justify-self: start; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.chart { margin-bottom: 24px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
`;
