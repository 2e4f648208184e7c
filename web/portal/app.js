// The portal's entry: signs in with a delegation's token (from the
// console's link #token=… or pasted), then shows one screen per address
// (#/events/CODE/…), so that reload and the back button work.

import { Api, path } from '/lib/api.js';
import { Session } from '/lib/session.js';
import { el, Status } from '/lib/dom.js';
import { S } from './strings.js';
import { problemText } from './parts.js';
import * as signin from './signin.js';
import * as events from './events.js';
import * as event from './event.js';
import * as nomination from './nomination.js';
import * as nominate from './nominate.js';
import * as photo from './photo.js';
import * as importer from './import.js';

const session = new Session('portal');
const main = document.getElementById('main');
const who = document.getElementById('who');
const status = new Status(document.getElementById('status'));

// Each route is a pattern of the address after "#/" and the screen that
// renders it; the screen answers an element whose first heading names it.
const routes = [
  [/^(?:events)?$/, events.render],
  [/^events\/([^/]+)$/, event.render],
  [/^events\/([^/]+)\/nominate$/, nominate.renderNew],
  [/^events\/([^/]+)\/import$/, importer.render],
  [/^events\/([^/]+)\/nominations\/([^/]+)$/, nomination.render],
  [/^events\/([^/]+)\/nominations\/([^/]+)\/edit$/, nominate.renderEdit],
  [/^events\/([^/]+)\/nominations\/([^/]+)\/substitute$/, nominate.renderSubstitute],
  [/^events\/([^/]+)\/nominations\/([^/]+)\/photo$/, photo.render],
];

// ctx is what every screen gets: the API client, the delegation, the
// message region, and ways to move on.
const ctx = {
  api: null,
  me: null,
  delegation: { code: '', name: '' },
  status,
  flash: null,
  // go moves to another screen, with a message to show once it is there.
  go(hash, message, kind = 'ok') {
    ctx.flash = message ? { message, kind } : null;
    if (location.hash === `#${hash}`) route();
    else location.hash = hash;
  },
  // refresh renders the current screen again (after an action).
  refresh(message, kind = 'ok') {
    ctx.flash = message ? { message, kind } : null;
    route();
  },
  event(code) { return ctx.api.get(path`/events/${code}`); },
};

let seq = 0;

// current is the address after "#/" without its query (a list's filter).
function current() {
  return location.hash.replace(/^#\/?/, '').split('?')[0];
}

async function route() {
  if (!ctx.api) return;
  const mine = ++seq;
  const flash = ctx.flash;
  ctx.flash = null;
  if (flash) status.show(flash.message, flash.kind);
  else status.clear();
  const address = current();
  let screen = null;
  let params = [];
  for (const [re, render] of routes) {
    const m = re.exec(address);
    if (m) {
      screen = render;
      params = m.slice(1).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
      break;
    }
  }
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(el('p', { class: 'loading' }, S.loading));
  let node;
  try {
    node = screen ? await screen(ctx, ...params) : notFound();
  } catch (err) {
    node = failed(err);
  }
  if (mine !== seq) return; // the reader moved on meanwhile
  main.replaceChildren(node);
  main.removeAttribute('aria-busy');
  const h1 = main.querySelector('h1');
  document.title = S.appTitle(h1 ? h1.textContent : '');
  if (h1 && !main.contains(document.activeElement)) {
    h1.tabIndex = -1;
    h1.focus({ preventScroll: false });
  }
}

function notFound() {
  return el('section', null, el('h1', null, S.notFound), el('p', null, el('a', { href: '#/events' }, S.toEvents)));
}

function failed(err) {
  return el('section', null,
    el('h1', null, S.appName),
    el('p', { class: 'problem', role: 'alert' }, problemText(err)),
    el('p', null,
      el('button', { type: 'button', onclick: () => route() }, S.retry), ' ',
      el('a', { href: '#/events' }, S.toEvents)));
}

function showHeader() {
  const d = ctx.delegation;
  who.replaceChildren(
    el('span', { class: 'who' }, S.signedInAs(d.name ? `${d.name} (${d.code})` : d.code)),
    el('button', { type: 'button', class: 'link', onclick: signOut }, S.signOut));
}

function signOut() {
  session.signOut();
  ctx.api = null;
  who.replaceChildren();
  showSignIn(S.signedOut, 'info');
}

// expired: a 401 after signing in means the token was revoked or ran out.
function expired() {
  if (!ctx.api) return;
  session.signOut();
  ctx.api = null;
  who.replaceChildren();
  showSignIn(S.sessionEnded, 'error');
}

function showSignIn(message, kind) {
  seq += 1;
  status.clear();
  main.removeAttribute('aria-busy');
  main.replaceChildren(signin.render({ message, kind, onToken: (token) => signInWith(token) }));
  document.title = S.appTitle(S.signInTitle);
}

// signInWith checks a token with GET /v1/me and, for a delegation's, opens
// the screen the address names. The answer is a message when it failed.
async function signInWith(token) {
  const api = new Api(token, { onUnauthorized: () => { if (ctx.api === api) expired(); } });
  let me;
  try {
    me = await api.get('/me');
  } catch (err) {
    if (err.status === 401) {
      session.signOut();
      return S.tokenRefused;
    }
    return problemText(err);
  }
  if (me.role !== 'delegation' || !me.delegation) {
    session.signOut();
    return S.tokenWrongRole;
  }
  session.set(token);
  ctx.api = api;
  ctx.me = me;
  ctx.delegation = { code: me.delegation, name: '' };
  try {
    const all = await api.all('/delegations');
    const mine = all.find((d) => d.code === me.delegation);
    if (mine) ctx.delegation.name = mine.name;
  } catch { /* the code alone will do */ }
  showHeader();
  await route();
  return '';
}

function start() {
  document.documentElement.lang = S.lang;
  document.getElementById('brand').textContent = S.appName;
  document.title = S.appName;
  window.addEventListener('hashchange', () => {
    // A sign-in link opened in a tab already signed in: take its token.
    if (/(^|[#&])token=/.test(location.hash)) {
      ctx.api = null;
      begin();
      return;
    }
    route();
  });
  begin();
}

async function begin() {
  const token = session.take();
  if (!token) {
    showSignIn();
    return;
  }
  main.replaceChildren(el('p', { class: 'loading' }, S.signInChecking));
  const problem = await signInWith(token);
  if (problem) showSignIn(problem, 'error');
}

start();
