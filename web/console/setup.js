// Setting an event up (README, How it works): its fields, opening and closing
// it, its sessions and checkpoints, and quota overrides per delegation.

import { el, field, select, table, confirm } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { readForm, showErrors, clearErrors } from '/lib/form.js';
import { T, label } from './strings.js';
import { eventHeader, section, busy, toLocalInput, fromLocalInput, delegations, delegationName, problemText } from './common.js';

const KINDS = ['participating_state', 'partner', 'international_organization', 'osce', 'civil_society', 'academia', 'private_sector', 'media'];
const CATEGORIES = Object.keys(T.category);
const TIME_FIELDS = ['registration_opens_at', 'registration_closes_at', 'badges_valid_from', 'badges_valid_until'];
const F = T.eventForm;

function input(name, value, attrs = {}) {
  return el('input', { name, value: value ?? '', ...attrs });
}

function num(name, value) {
  return input(name, value, { type: 'number', min: '0', step: '1', inputmode: 'numeric' });
}

function fieldset(legend, ...children) {
  return el('fieldset', null, el('legend', null, legend), ...children);
}

// eventForm holds every field of an event; names are the JSON paths the
// server's field errors use.
function eventForm(ev, isNew) {
  const q = ev.quotas || {};
  const quotaRows = KINDS.map((k) => el('tr', null,
    el('th', { scope: 'row' }, label('kind', k)),
    ...['in_person', 'online'].map((m) => {
      const i = num(`quotas.${k}.${m}`, q[k] ? q[k][m] : '');
      i.id = `quota-${k}-${m}`;
      return el('td', null, el('label', { for: i.id, class: 'sr-only' }, F.quotaLabel(label('kind', k), label('mode', m))), i);
    })));
  const invited = new Set(ev.invited_kinds || []);
  return el('form', { class: 'event-form', novalidate: true },
    fieldset(F.general,
      el('div', { class: 'grid' },
        isNew ? field(F.code, input('code', ev.code, { required: true, pattern: '[A-Z0-9-]{2,32}', autocapitalize: 'characters' }), { hint: F.codeHint }) : null,
        field(F.title, input('title', ev.title, { required: true }), { className: 'wide' }),
        field(F.venue, input('venue', ev.venue)),
        field(F.timezone, input('timezone', ev.timezone || 'Europe/Vienna', { required: true }), { hint: F.timezoneHint }),
        field(F.startsOn, input('starts_on', ev.starts_on, { type: 'date', required: true })),
        field(F.endsOn, input('ends_on', ev.ends_on, { type: 'date', required: true })),
        field(F.format, select({ name: 'format' }, Object.keys(T.format).map((f) => [f, label('format', f)]), ev.format || 'hybrid')),
        isNew ? field(F.status, select({ name: 'status' }, Object.keys(T.eventStatus).map((s) => [s, label('eventStatus', s)]), ev.status || 'draft')) : null)),
    fieldset(F.registration,
      el('p', { class: 'hint' }, F.registrationHint),
      el('div', { class: 'grid' },
        field(F.opensAt, input('registration_opens_at', toLocalInput(ev.registration_opens_at), { type: 'datetime-local' })),
        field(F.closesAt, input('registration_closes_at', toLocalInput(ev.registration_closes_at), { type: 'datetime-local' })))),
    fieldset(F.capacity,
      el('p', { class: 'hint' }, F.capacityHint),
      el('div', { class: 'grid' },
        field(F.capacityInPerson, num('capacity.in_person', ev.capacity ? ev.capacity.in_person : '')),
        field(F.capacityOnline, num('capacity.online', ev.capacity ? ev.capacity.online : '')))),
    fieldset(F.invited,
      el('p', { class: 'hint' }, F.invitedHint),
      el('div', { class: 'checks' }, KINDS.map((k) => field(label('kind', k),
        el('input', { type: 'checkbox', name: 'invited_kinds', value: k, checked: invited.has(k), dataset: { array: '' } }))))),
    fieldset(F.quotas,
      el('p', { class: 'hint' }, F.quotasHint),
      el('div', { class: 'table-wrap' }, el('table', { class: 'quota-defaults' },
        el('thead', null, el('tr', null, el('th', { scope: 'col' }, F.kindCol), el('th', { scope: 'col' }, F.inPerson), el('th', { scope: 'col' }, F.online))),
        el('tbody', null, quotaRows)))),
    fieldset(F.door,
      el('div', { class: 'checks' },
        field(F.antiPassback, el('input', { type: 'checkbox', name: 'anti_passback', checked: !!ev.anti_passback })),
        field(F.waitlist, el('input', { type: 'checkbox', name: 'waitlist', checked: !!ev.waitlist })),
        field(F.offlineRoster, el('input', { type: 'checkbox', name: 'offline_roster', checked: !!ev.offline_roster }))),
      el('p', { class: 'hint' }, F.validHint),
      el('div', { class: 'grid' },
        field(F.validFrom, input('badges_valid_from', toLocalInput(ev.badges_valid_from), { type: 'datetime-local' })),
        field(F.validUntil, input('badges_valid_until', toLocalInput(ev.badges_valid_until), { type: 'datetime-local' })),
        field(F.purge, num('purge_after_days', ev.purge_after_days), { hint: F.purgeHint }))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, isNew ? F.create : F.save)));
}

// bodyOf reads the form into an event: times to RFC 3339. Every kind's
// quotas are sent, null ones too: a PATCH merges the quotas it is given
// into the event's, so a quota emptied here must be sent as null to go.
function bodyOf(form) {
  const b = readForm(form);
  for (const f of TIME_FIELDS) b[f] = fromLocalInput(b[f]);
  b.invited_kinds = b.invited_kinds || [];
  return b;
}

export async function create({ api, main, status, navigate }) {
  const form = eventForm({ invited_kinds: ['participating_state'] }, true);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    try {
      const created = await busy(form.querySelector('[type=submit]'), () => api.post('/events', bodyOf(form)));
      status.show(F.created(created.code), 'ok');
      status.carry();
      navigate(`#/events/${encodeURIComponent(created.code)}`);
    } catch (err) {
      showErrors(form, err);
    }
  });
  main.replaceChildren(el('h1', null, F.createTitle), el('section', { class: 'panel' }, form));
}

export async function edit(ctx) {
  const { api, main, params } = ctx;
  const code = params.event;
  const [ev, sessions, checkpoints, quotas, dels] = await Promise.all([
    api.get(path`/events/${code}`), api.all(path`/events/${code}/sessions`), api.all(path`/events/${code}/checkpoints`),
    api.get(path`/events/${code}/quotas`), delegations(api)]);
  const form = eventForm(ev, false);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await busy(form.querySelector('[type=submit]'), () => api.patch(path`/events/${code}`, bodyOf(form)));
      await edit(ctx);
      ctx.status.show(T.saved, 'ok');
    } catch (err) {
      showErrors(form, err);
    }
  });
  main.replaceChildren(
    eventHeader(ev, 'setup'),
    statusPanel(ctx, ev),
    el('section', { class: 'panel' }, el('h2', null, F.editTitle), form),
    sessionsPanel(ctx, ev, sessions),
    checkpointsPanel(ctx, ev, checkpoints),
    quotasPanel(ctx, ev, quotas.items, dels));
}

function statusPanel(ctx, ev) {
  const next = ev.status === 'open' ? [['closed', F.close]] : ev.status === 'closed' ? [['open', F.reopen]] : [['open', F.open]];
  const buttons = next.map(([s, text]) => {
    const b = el('button', { type: 'button', class: s === 'open' ? 'primary' : '' }, text);
    b.addEventListener('click', async () => {
      try {
        await busy(b, () => ctx.api.patch(path`/events/${ev.code}`, { status: s }));
        await edit(ctx);
        ctx.status.show(F.statusChanged(label('eventStatus', s)), 'ok');
      } catch (err) {
        ctx.status.show(problemText(err), 'error');
      }
    });
    return b;
  });
  return el('section', { class: 'panel status-panel' },
    el('p', null, el('strong', null, F.statusNow(label('eventStatus', ev.status)))), ...buttons);
}

function fmtTime(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : T.none;
}

function sessionsPanel(ctx, ev, sessions) {
  const S = T.sessions;
  const list = table({
    columns: [
      { label: S.name, header: true, cell: (s) => s.title },
      { label: S.startsAt, cell: (s) => fmtTime(s.starts_at) },
      { label: S.endsAt, cell: (s) => fmtTime(s.ends_at) },
      { label: S.room, cell: (s) => s.room || T.none },
      { label: S.capacity, cell: (s) => (s.capacity ?? T.unlimited) },
      { label: S.approved, cell: (s) => String(s.approved ?? 0) },
    ],
    rows: sessions, empty: S.empty,
  });
  const day = ev.starts_on || '';
  const form = el('form', { class: 'inline-form', novalidate: true },
    el('h3', null, S.add),
    el('div', { class: 'grid' },
      field(S.name, input('title', '', { required: true }), { className: 'wide' }),
      field(S.startsAt, input('starts_at', day ? `${day}T09:00` : '', { type: 'datetime-local', required: true })),
      field(S.endsAt, input('ends_at', day ? `${day}T10:30` : '', { type: 'datetime-local', required: true })),
      field(S.room, input('room', '')),
      field(S.capacity, num('capacity', ''))),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, S.add)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const b = readForm(form, { dropEmpty: true });
    b.starts_at = fromLocalInput(b.starts_at);
    b.ends_at = fromLocalInput(b.ends_at);
    try {
      await busy(form.querySelector('[type=submit]'), () => ctx.api.post(path`/events/${ev.code}/sessions`, b));
      await edit(ctx);
      ctx.status.show(S.added(b.title), 'ok');
    } catch (err) {
      showErrors(form, err);
    }
  });
  return section(S.title, list, form);
}

function checkpointsPanel(ctx, ev, checkpoints) {
  const C = T.checkpoints;
  const list = table({
    columns: [
      { label: C.name, header: true, cell: (c) => c.name },
      { label: C.code, cell: (c) => c.code },
      { label: C.direction, cell: (c) => label('direction', c.direction) },
      { label: C.categories, cell: (c) => (c.categories.length ? c.categories.map((x) => label('category', x)).join(', ') : C.all) },
    ],
    rows: checkpoints, empty: C.empty,
  });
  const form = el('form', { class: 'inline-form', novalidate: true },
    el('h3', null, C.add),
    el('div', { class: 'grid' },
      field(C.code, input('code', '', { required: true, autocapitalize: 'characters' })),
      field(C.name, input('name', '', { required: true })),
      field(C.direction, select({ name: 'direction' }, Object.keys(T.direction).map((d) => [d, label('direction', d)]), 'in'))),
    el('fieldset', null, el('legend', null, C.categories),
      el('p', { class: 'hint' }, C.categoriesHint),
      el('div', { class: 'checks' }, CATEGORIES.map((c) => field(label('category', c),
        el('input', { type: 'checkbox', name: 'categories', value: c, dataset: { array: '' } }))))),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, C.add)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const b = readForm(form, { dropEmpty: true });
    b.categories = b.categories || [];
    try {
      await busy(form.querySelector('[type=submit]'), () => ctx.api.post(path`/events/${ev.code}/checkpoints`, b));
      await edit(ctx);
      ctx.status.show(C.added(b.code), 'ok');
    } catch (err) {
      showErrors(form, err);
    }
  });
  return section(C.title, list, form);
}

function quotasPanel(ctx, ev, items, dels) {
  const Q = T.quotas;
  const body = el('div');
  const filter = el('input', { type: 'search', name: 'quota-filter', autocomplete: 'off' });
  const shown = el('p', { class: 'muted', 'aria-live': 'polite' });
  const rows = items.map((q) => ({ ...q, name: delegationName(dels, q.delegation) }));
  const draw = () => {
    const term = filter.value.trim().toLowerCase();
    const visible = rows.filter((r) => !term || r.name.toLowerCase().includes(term) || r.delegation.toLowerCase().includes(term));
    body.replaceChildren(table({
      columns: [
        { label: Q.delegation, header: true, cell: (r) => [r.name, ' ', el('span', { class: 'muted' }, `(${r.delegation})`)] },
        { label: Q.inPerson, cell: (r) => usage(r.in_person) },
        { label: Q.online, cell: (r) => usage(r.online) },
        { label: '', cell: (r) => el('button', { type: 'button', 'aria-label': Q.changeFor(r.name), onclick: () => changeQuota(ctx, ev, r) }, Q.change) },
      ],
      rows: visible, empty: Q.empty,
    }));
    shown.textContent = Q.shown(visible.length, rows.length);
  };
  filter.addEventListener('input', draw);
  draw();
  return section(Q.title, el('p', null, Q.intro), field(Q.filter, filter), shown, body);
}

function usage(u) {
  const full = u.limit !== null && u.limit !== undefined && u.remaining === 0;
  return el('span', { class: full ? 'usage full' : 'usage' }, T.quotas.usage(u));
}

async function changeQuota(ctx, ev, r) {
  const Q = T.quotas;
  const ip = num('in_person', r.in_person.limit);
  const on = num('online', r.online.limit);
  const values = await confirm({
    title: Q.dialogTitle(r.name), ok: T.save,
    body: el('div', null, el('p', { class: 'hint' }, Q.dialogHint), field(Q.inPersonLabel, ip), field(Q.onlineLabel, on)),
  });
  if (!values) return;
  const n = (v) => (v === '' || v === undefined ? null : Number(v));
  try {
    await ctx.api.put(path`/events/${ev.code}/quotas/${r.delegation}`, { in_person: n(values.in_person), online: n(values.online) });
    await edit(ctx);
    ctx.status.show(Q.saved(r.name), 'ok');
  } catch (err) {
    ctx.status.show(problemText(err), 'error');
  }
}

