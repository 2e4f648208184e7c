// Batch printing: a delegation's badges or all active ones as one PDF.
// A selection is printed from the review queue.

import { el, field, select } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { T } from './strings.js';
import { eventHeader, delegations, section, busy } from './common.js';
import { printPDF } from './review.js';

const P = T.print;

export async function render(ctx) {
  const { api, main, params } = ctx;
  const code = params.event;
  const [ev, dels] = await Promise.all([api.get(path`/events/${code}`), delegations(api)]);
  const result = el('div', { class: 'print-result' });
  const sorted = [...dels].sort((a, b) => a.name.localeCompare(b.name));
  const which = select({ name: 'delegation' }, sorted.map((d) => [d.code, `${d.name} (${d.code})`]), '');
  const byDelegation = el('form', { class: 'inline-form' },
    field(P.delegation, which),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, P.byDelegation)));
  byDelegation.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(byDelegation.querySelector('[type=submit]'), () => printPDF(ctx, result, ev, { delegation: which.value }));
  });
  const all = el('button', { type: 'button', onclick: (e) => busy(e.currentTarget, () => printPDF(ctx, result, ev, {})) }, P.all);
  main.replaceChildren(eventHeader(ev, 'print'),
    section(P.title, el('p', null, P.intro), byDelegation, el('div', { class: 'actions' }, all),
      el('p', { class: 'hint' }, P.selectionHint), result));
}
