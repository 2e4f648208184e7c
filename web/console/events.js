// The list of events, newest pages first as the server gives them.

import { el, table, appendRows } from '/lib/dom.js';
import { T, label } from './strings.js';
import { dateRange } from './common.js';

export async function list({ api, main }) {
  const columns = [
    { label: T.events.name, header: true, cell: (e) => el('a', { href: `#/events/${encodeURIComponent(e.code)}/review` }, e.title) },
    { label: T.events.code, cell: (e) => e.code },
    { label: T.events.dates, cell: (e) => dateRange(e.starts_on, e.ends_on) },
    { label: T.events.venue, cell: (e) => e.venue || T.none },
    { label: T.events.format, cell: (e) => label('format', e.format) },
    { label: T.events.status, cell: (e) => el('span', { class: 'chip event-status', dataset: { status: e.status } }, label('eventStatus', e.status)) },
  ];
  const first = await api.get('/events', { limit: 100 });
  const view = table({ columns, rows: first.items, empty: T.events.empty, caption: null });
  const more = el('button', { type: 'button', hidden: !first.next_cursor }, T.loadMore);
  let cursor = first.next_cursor;
  more.addEventListener('click', async () => {
    const page = await api.get('/events', { limit: 100, cursor });
    appendRows(view.querySelector('tbody'), columns, page.items);
    cursor = page.next_cursor;
    more.hidden = !cursor;
  });
  main.replaceChildren(
    el('div', { class: 'page-head' }, el('h1', null, T.events.title),
      el('a', { class: 'button primary', href: '#/events/new' }, T.events.create)),
    el('section', { class: 'panel' }, view, more));
}
