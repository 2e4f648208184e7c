// One event: its deadline and quota, and the delegation's nominations
// with their status and reason, a photo beside each name, and the badge
// of each approved in-person delegate. The list is read page by page.

import { path } from '/lib/api.js';
import { el, field, select, table, appendRows, photo } from '/lib/dom.js';
import { S } from './strings.js';
import { days, fullName, label, reasonText, registration } from './format.js';
import { allowed, badgeButton, heading, ownQuota, quotaTable, statusPill, trail } from './parts.js';
import { deadline } from './events.js';

const PAGE = 50;

export async function render(ctx, code) {
  const [ev, q] = await Promise.all([ctx.event(code), ownQuota(ctx, code)]);
  const reg = registration(ev);
  const base = `/events/${encodeURIComponent(code)}`;
  const section = el('section', { class: 'event' },
    trail([S.eventsTitle, '/events'], ev.title),
    heading(ev.title, [days(ev.starts_on, ev.ends_on), ev.venue].filter(Boolean).join(' · ')),
    deadline(reg),
    el('div', { class: 'event-top' },
      quotaTable(ev, q),
      el('div', { class: 'event-actions' },
        reg.state === 'open' ? el('a', { href: `#${base}/nominate`, class: 'button primary' }, S.nominate) : null,
        reg.state === 'open' ? el('a', { href: `#${base}/import`, class: 'button' }, S.import) : null,
        el('p', { class: 'note' }, ev.waitlist ? S.waitlistNote : S.quotaFullNote))));
  section.append(await list(ctx, ev, reg));
  return section;
}

// list is the nominations with a filter by status and a search; the
// filter is kept in the address (?status=…&q=…) so that back returns to it.
async function list(ctx, ev, reg) {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const statusSel = select({ name: 'status' }, [['', S.filterAll], ...Object.entries(S.statuses)], params.get('status') || '');
  const q = el('input', { type: 'search', name: 'q', value: params.get('q') || '', autocomplete: 'off' });
  const filter = el('form', { class: 'filter', role: 'search' },
    field(S.filterStatus, statusSel), field(S.search, q), el('button', { type: 'submit' }, S.searchButton));
  const apply = (e) => {
    if (e) e.preventDefault();
    const p = new URLSearchParams();
    if (statusSel.value) p.set('status', statusSel.value);
    if (q.value.trim()) p.set('q', q.value.trim());
    const s = p.toString();
    ctx.go(`/events/${encodeURIComponent(ev.code)}${s ? `?${s}` : ''}`);
  };
  filter.addEventListener('submit', apply);
  statusSel.addEventListener('change', apply);

  const columns = [
    { label: S.colPhoto, className: 'col-photo', cell: (n) => photoCell(ctx, ev, n) },
    { label: S.colName, header: true, className: 'col-name', cell: (n) => nameCell(ev, n) },
    { label: S.colCategory, cell: (n) => label(S.categories, n.category) },
    { label: S.colMode, cell: (n) => label(S.modes, n.mode) },
    { label: S.colStatus, className: 'col-status', cell: (n) => statusCell(n) },
    { label: S.colBadge, className: 'col-badge', cell: (n) => badgeCell(ctx, ev, n, reg) },
  ];
  const query = { status: params.get('status') || '', q: params.get('q') || '', limit: PAGE };
  const first = await ctx.api.get(path`/events/${ev.code}/nominations`, query);
  const filtered = Boolean(query.status || query.q);
  const t = table({ columns, rows: first.items || [], className: 'nominations', empty: filtered ? S.noMatches : S.noNominations });
  t.querySelector('table').setAttribute('aria-labelledby', 'nominations-h');
  const body = t.querySelector('tbody');
  const more = el('button', { type: 'button', class: 'more' }, S.showMore);
  let cursor = first.next_cursor;
  more.hidden = !cursor;
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await ctx.api.get(path`/events/${ev.code}/nominations`, { ...query, cursor });
      appendRows(body, columns, page.items || []);
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (err) {
      ctx.status.show(err.detail || err.message, 'error');
    } finally {
      more.disabled = false;
    }
  });
  return el('section', { class: 'list', 'aria-labelledby': 'nominations-h' },
    el('h2', { id: 'nominations-h' }, S.nominationsTitle), filter, t, more);
}

function nominationHref(ev, n) {
  return `#/events/${encodeURIComponent(ev.code)}/nominations/${encodeURIComponent(n.id)}`;
}

function nameCell(ev, n) {
  return el('span', null,
    el('a', { href: nominationHref(ev, n) }, fullName(n)),
    n.function ? el('span', { class: 'fn' }, n.function) : null);
}

function photoCell(ctx, ev, n) {
  if (n.has_photo) {
    return photo(ctx.api, path`/events/${ev.code}/nominations/${n.id}/photo`, { alt: S.photoAlt(fullName(n)), query: { size: 'thumb' }, className: 'thumb' });
  }
  if (n.mode === 'in_person' && (n.status === 'submitted' || n.status === 'waitlisted')) {
    return el('a', { href: `${nominationHref(ev, n)}/photo`, class: 'no-photo needed' }, S.photoMissing);
  }
  return el('span', { class: 'no-photo' }, S.noPhoto);
}

function statusCell(n) {
  return el('span', null, statusPill(n.status),
    n.status_reason ? el('span', { class: 'reason' }, `${S.reason}: ${reasonText(n.status_reason)}`) : null);
}

function badgeCell(ctx, ev, n, reg) {
  if (allowed(n, reg).badge) return badgeButton(ctx, ev.code, n, { compact: true });
  if (n.badge && n.badge.status === 'revoked') return el('span', { class: 'muted' }, S.badgeRevoked);
  if (n.mode === 'online') return el('span', { class: 'muted' }, S.noBadgeOnline);
  if (n.status === 'submitted' || n.status === 'waitlisted') return el('span', { class: 'muted' }, S.badgeAfterApproval);
  return el('span', { class: 'muted' }, S.none);
}
