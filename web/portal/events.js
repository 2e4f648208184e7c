// The events the delegation is invited to: dates, the registration
// deadline in the event's time zone and relative to now, and the quota
// used and left per mode.

import { el } from '/lib/dom.js';
import { S } from './strings.js';
import { days, label, registration } from './format.js';
import { heading, ownQuota, quotaTable } from './parts.js';

export async function render(ctx) {
  const list = await ctx.api.all('/events');
  const quotas = await Promise.all(list.map((ev) => ownQuota(ctx, ev.code)));
  const section = el('section', { class: 'events' }, heading(S.eventsTitle, S.eventsIntro));
  if (!list.length) {
    section.append(el('p', { class: 'empty' }, S.noEvents));
    return section;
  }
  // Open registrations first, then by date.
  const order = { open: 0, not_yet: 1, closed: 2 };
  const rows = list.map((ev, i) => ({ ev, q: quotas[i], reg: registration(ev) }))
    .sort((a, b) => order[a.reg.state] - order[b.reg.state] || a.ev.starts_on.localeCompare(b.ev.starts_on));
  section.append(el('ul', { class: 'cards' }, rows.map((r) => el('li', null, card(r)))));
  return section;
}

function card({ ev, q, reg }) {
  const href = `#/events/${encodeURIComponent(ev.code)}`;
  return el('article', { class: 'card event-card', dataset: { event: ev.code } },
    el('div', { class: 'card-main' },
      el('h2', null, el('a', { href }, ev.title)),
      el('dl', { class: 'facts' },
        el('dt', null, S.eventDates), el('dd', null, days(ev.starts_on, ev.ends_on)),
        ev.venue ? [el('dt', null, S.eventVenue), el('dd', null, ev.venue)] : null,
        el('dt', null, S.eventFormat), el('dd', null, label(S.formats, ev.format))),
      deadline(reg),
      el('p', { class: 'actions' },
        el('a', { href, class: 'button primary', 'aria-label': S.openEvent(ev.title) }, S.nominationsTitle),
        reg.state === 'open' ? el('a', { href: `${href}/nominate`, class: 'button' }, S.nominate) : null)),
    el('div', { class: 'card-side' },
      quotaTable(ev, q),
      el('p', { class: 'note' }, ev.waitlist ? S.waitlistNote : S.quotaFullNote)));
}

// deadline is the registration line: its state in a word, the deadline
// and how far it is.
export function deadline(reg) {
  return el('p', { class: ['deadline', `reg-${reg.state}`], dataset: { reg: reg.state } },
    el('span', { class: 'reg-state' }, S.regState[reg.state]), ' ',
    el('span', null, reg.text), reg.rel ? el('span', { class: 'rel' }, ` — ${reg.rel}`) : null);
}
