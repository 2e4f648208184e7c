// Pieces several console screens share: the event's header and tabs,
// chips for category and status, errors as a person reads them.

import { el } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { T, label } from './strings.js';

// categoryChip: the badge's colour band beside the category's name, so
// the colour is never the only signal.
export function categoryChip(cat) {
  return el('span', { class: 'chip cat', dataset: { category: cat } }, label('category', cat));
}

export function statusChip(status) {
  return el('span', { class: 'chip status', dataset: { status } }, label('status', status));
}

export function fullName(n) {
  return [n.honorific, n.given_name, n.family_name].filter(Boolean).join(' ');
}

// problemText is what a failure says to the reader: its code in words and
// the server's detail.
export function problemText(err) {
  if (err.code === 'network') return `${T.errors.network} (${err.detail})`;
  const name = T.codes[err.code];
  return name ? `${name}: ${err.detail}` : T.errors.generic(err.detail || err.message);
}

// eventHeader shows the event's title and the tabs of its screens.
export function eventHeader(ev, current) {
  const tabs = ['setup', 'review', 'print', 'devices', 'door', 'report'];
  const base = `#/events/${encodeURIComponent(ev.code)}`;
  const nav = el('nav', { class: 'tabs', 'aria-label': T.tabs.label },
    el('ul', null, tabs.map((t) => el('li', null,
      el('a', { href: t === 'setup' ? base : `${base}/${t}`, 'aria-current': t === current ? 'page' : null }, T.tabs[t])))));
  return el('div', { class: 'event-head' },
    el('p', { class: 'event-code' }, ev.code, ' · ', el('span', { class: 'chip event-status', dataset: { status: ev.status } }, label('eventStatus', ev.status))),
    el('h1', null, ev.title),
    el('p', { class: 'muted' }, [dateRange(ev.starts_on, ev.ends_on), ev.venue].filter(Boolean).join(' · ')),
    nav);
}

export function dateRange(a, b) {
  if (!a) return '';
  const f = (d) => new Date(`${d}T12:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  return a === b || !b ? f(a) : `${f(a)} – ${f(b)}`;
}

// Loaded once per sign-in: the delegations (about a hundred) for names
// and filters, and per event its record and sessions.
const cache = { delegations: null };

export async function delegations(api) {
  if (!cache.delegations) cache.delegations = api.all('/delegations').catch((e) => { cache.delegations = null; throw e; });
  return cache.delegations;
}

export function delegationName(list, code) {
  const d = list.find((x) => x.code === code);
  return d ? d.name : code;
}

export function getEvent(api, code) {
  return api.get(path`/events/${code}`);
}

export function forgetCache() { cache.delegations = null; }

// toLocalInput turns an RFC 3339 time into a datetime-local value in the
// browser's time zone; fromLocalInput does the reverse.
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(v) {
  return v ? new Date(v).toISOString() : null;
}

// section is a titled part of a screen.
export function section(title, ...children) {
  const h = el('h2', null, title);
  return el('section', { class: 'panel' }, h, ...children);
}

// busy disables a button while its work runs.
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
