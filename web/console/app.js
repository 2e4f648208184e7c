// The console's entry: sign-in, the header, and the hash router that
// sends each address to its screen (#/events/PEM-2026/review), so that
// reload and back work.

import { Api } from '/lib/api.js';
import { Session } from '/lib/session.js';
import { el, Status, field } from '/lib/dom.js';
import { T, label } from './strings.js';
import { problemText, forgetCache } from './common.js';
import * as events from './events.js';
import * as setup from './setup.js';
import * as access from './access.js';
import * as devices from './devices.js';
import * as review from './review.js';
import * as nomination from './nomination.js';
import * as print from './print.js';
import * as door from './door.js';
import * as report from './report.js';

const session = new Session('console');
const main = document.getElementById('main');
const top = document.getElementById('top');
const status = new Status(document.getElementById('status'));
document.getElementById('skip').textContent = T.skip;

let api = null;
let me = null;
let leave = null; // the current screen's clean-up

// Routes: a pattern of path segments (":x" captures) and its screen.
const routes = [
  [[], events.list],
  [['events'], events.list],
  [['events', 'new'], setup.create],
  [['events', ':event'], setup.edit],
  [['events', ':event', 'review'], review.render],
  [['events', ':event', 'nominations', ':id'], nomination.render],
  [['events', ':event', 'print'], print.render],
  [['events', ':event', 'devices'], devices.render],
  [['events', ':event', 'door'], door.render],
  [['events', ':event', 'report'], report.render],
  [['access'], access.render],
];

function match(parts) {
  for (const [pattern, screen] of routes) {
    if (pattern.length !== parts.length) continue;
    const params = {};
    if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = parts[i]), true) : p === parts[i]))) {
      return { screen, params };
    }
  }
  return null;
}

// parseHash: "#/events/X/review?status=submitted" → parts and query.
function parseHash() {
  const h = location.hash.replace(/^#\/?/, '');
  const [p, q = ''] = h.split('?');
  return { parts: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export function navigate(hash, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', hash);
    route();
  } else if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

async function route() {
  if (!api) return;
  if (leave) { try { leave(); } catch { /* a screen's clean-up never blocks the next */ } leave = null; }
  const { parts, query } = parseHash();
  const m = match(parts);
  status.expire();
  highlightNav(parts);
  main.replaceChildren(el('p', { class: 'muted' }, T.loading));
  if (!m) {
    main.replaceChildren(el('h1', null, T.notFound), el('p', null, el('a', { href: '#/events' }, T.backToEvents)));
    return;
  }
  const ctx = { api, me, main, params: m.params, query, status, navigate, onLeave: (f) => { leave = f; } };
  try {
    await m.screen(ctx);
  } catch (err) {
    if (err.status === 401) return;
    main.replaceChildren(el('div', { class: 'panel error-panel', role: 'alert' }, el('p', null, problemText(err))),
      el('p', null, el('a', { href: '#/events' }, T.backToEvents)));
  }
}

function highlightNav(parts) {
  for (const a of top.querySelectorAll('nav a')) {
    const section = a.dataset.section;
    const on = section === 'access' ? parts[0] === 'access' : parts[0] !== 'access';
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function header() {
  top.hidden = false;
  top.replaceChildren(
    el('a', { class: 'brand', href: '#/events' }, T.app),
    el('nav', { 'aria-label': T.nav.label, class: 'main-nav' }, el('ul', null,
      el('li', null, el('a', { href: '#/events', dataset: { section: 'events' } }, T.nav.events)),
      el('li', null, el('a', { href: '#/access', dataset: { section: 'access' } }, T.nav.access)))),
    el('div', { class: 'account' },
      el('span', { class: 'muted' }, T.signedInAs(me.name)),
      el('button', { type: 'button', onclick: () => signOut(T.signIn.signedOut) }, T.signOut)));
}

function signOut(message) {
  session.signOut();
  api = null;
  me = null;
  forgetCache();
  if (leave) { leave(); leave = null; }
  top.hidden = true;
  top.replaceChildren();
  history.replaceState(null, '', location.pathname);
  signInScreen(message);
}

// start checks a token with GET /v1/me: only a secretariat token opens
// the console.
async function start(token) {
  const candidate = new Api(token);
  const who = await candidate.get('/me');
  if (who.role !== 'secretariat') throw Object.assign(new Error(T.signIn.wrongRole(label('role', who.role))), { wrongRole: true });
  session.set(token);
  api = new Api(token, { onUnauthorized: () => signOut(T.signIn.expired) });
  me = who;
  header();
  if (!location.hash || location.hash === '#') history.replaceState(null, '', '#/events');
  await route();
}

function signInScreen(message, kind = 'info') {
  const input = el('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
  const msg = el('p', { class: 'form-message', role: 'alert' });
  const form = el('form', { class: 'panel signin' },
    el('h1', null, T.signIn.title),
    el('p', null, T.signIn.intro),
    field(T.signIn.token, input),
    msg,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, T.signIn.submit)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      await start(input.value.trim());
      status.clear();
    } catch (err) {
      msg.textContent = err.wrongRole ? err.message : err.status === 401 ? T.signIn.invalid : problemText(err);
      input.focus();
    }
  });
  main.replaceChildren(form);
  if (message) status.show(message, kind);
  input.focus();
}

async function boot() {
  const token = session.take();
  if (!token) { signInScreen(); return; }
  try {
    await start(token);
  } catch (err) {
    session.signOut();
    signInScreen(err.wrongRole ? err.message : err.status === 401 ? T.signIn.invalid : problemText(err), 'error');
  }
}

window.addEventListener('hashchange', () => {
  // A pasted sign-in link while signed in: take the new token.
  if (/token=/.test(location.hash)) { boot(); return; }
  route();
});
boot();
