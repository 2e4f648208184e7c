// At the door: who is inside now, the evacuation list grouped by
// delegation (printable: the print stylesheet keeps only the list and
// the time it was printed), and attendance by day.

import { el, field, table } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { T, label } from './strings.js';
import { eventHeader, categoryChip, delegations, delegationName, section, busy } from './common.js';

const D = T.door;

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : T.none;
}

export async function render(ctx) {
  const { api, main, params } = ctx;
  const code = params.event;
  const [ev, dels] = await Promise.all([api.get(path`/events/${code}`), delegations(api)]);
  const presenceBox = el('div', { class: 'evacuation' });
  const attendanceBox = el('div');
  const refresh = el('button', { type: 'button', onclick: (e) => busy(e.currentTarget, drawPresence) }, T.refresh);
  const printBtn = el('button', { type: 'button', class: 'primary', onclick: () => window.print() }, D.printList);

  async function drawPresence() {
    const p = await api.get(path`/events/${code}/presence`);
    presenceBox.replaceChildren(evacuation(ev, dels, p));
  }
  const day = el('input', { type: 'date', name: 'day', value: today() });
  const dayForm = el('form', { class: 'inline-form' }, field(D.day, day),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, D.show)));
  async function drawAttendance() {
    const a = await api.get(path`/events/${code}/attendance`, { day: day.value });
    attendanceBox.replaceChildren(
      el('p', { class: 'big-number' }, D.present(a.present)),
      table({
        columns: [
          { label: D.name, header: true, cell: (r) => r.display_name },
          { label: T.nomination.delegation, cell: (r) => delegationName(dels, r.delegation) },
          { label: D.category, cell: (r) => categoryChip(r.category) },
          { label: D.firstIn, cell: (r) => clock(r.first_in) },
          { label: D.lastOut, cell: (r) => clock(r.last_out) },
        ],
        rows: a.items, empty: D.noAttendance,
      }));
  }
  dayForm.addEventListener('submit', (e) => { e.preventDefault(); busy(dayForm.querySelector('button'), drawAttendance); });

  main.replaceChildren(eventHeader(ev, 'door'),
    el('section', { class: 'panel door-now' },
      el('div', { class: 'page-head' }, el('h2', null, D.evacuation), el('div', { class: 'actions no-print' }, refresh, printBtn)),
      presenceBox),
    el('section', { class: 'panel no-print' }, el('h2', null, D.attendance), dayForm, attendanceBox));
  await Promise.all([drawPresence(), drawAttendance()]);
  // The list stays current while it is open; printing stamps the time.
  const timer = setInterval(() => drawPresence().catch(() => {}), 30000);
  const stamp = () => { for (const n of presenceBox.querySelectorAll('.printed-at')) n.textContent = D.printedAt(new Date().toLocaleString()); };
  window.addEventListener('beforeprint', stamp);
  ctx.onLeave(() => { clearInterval(timer); window.removeEventListener('beforeprint', stamp); });
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// evacuation groups the presence list by delegation, largest first.
function evacuation(ev, dels, p) {
  const groups = new Map();
  for (const it of p.items) {
    if (!groups.has(it.delegation)) groups.set(it.delegation, []);
    groups.get(it.delegation).push(it);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || delegationName(dels, a[0]).localeCompare(delegationName(dels, b[0])));
  const now = new Date().toLocaleString();
  return el('div', null,
    el('p', { class: 'print-only event-line' }, `${ev.title} · ${ev.venue || ''}`),
    el('p', { class: 'big-number', dataset: { total: String(p.total) } }, D.inside(p.total)),
    el('p', { class: 'muted printed-at' }, D.asOf(now)),
    ordered.length ? null : el('p', null, D.nobody),
    ordered.map(([code, items]) => el('section', { class: 'delegation-group' },
      el('h3', null, `${delegationName(dels, code)} (${code}) — ${D.countIn(items.length)}`),
      table({
        columns: [
          { label: D.name, header: true, cell: (r) => r.display_name },
          { label: D.category, cell: (r) => categoryChip(r.category) },
          { label: D.since, cell: (r) => clock(r.since) },
          { label: D.checkpoint, cell: (r) => r.checkpoint || T.none },
        ],
        rows: items.sort((a, b) => a.display_name.localeCompare(b.display_name)),
      }))));
}
