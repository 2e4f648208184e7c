// The event's report: the summary, with the gender balance drawn as an
// SVG chart made here (with its numbers as text too), and the List of
// Participants shown on the page or downloaded in each format.

import { el, svg, field, table, blobLink, saveBlob } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { T, label } from './strings.js';
import { eventHeader, section, busy, problemText } from './common.js';

const R = T.report;
const GENDERS = ['female', 'male', 'other', 'undisclosed'];

export async function render(ctx) {
  const { api, main, params } = ctx;
  const code = params.event;
  const [ev, s] = await Promise.all([api.get(path`/events/${code}`), api.get(path`/events/${code}/reports/summary`)]);
  main.replaceChildren(eventHeader(ev, 'report'),
    section(R.summary,
      el('div', { class: 'shares' },
        share(R.women, s.women_share && s.women_share.approved),
        share(R.womenHeads, s.women_share && s.women_share.heads_of_delegation)),
      el('figure', { class: 'chart' }, genderChart(s.by_gender || {}),
        el('figcaption', null, R.byGender)),
      el('div', { class: 'counts' },
        counts(R.byStatus, s.by_status, 'status'),
        counts(R.byMode, s.by_mode, 'mode'),
        counts(R.byCategory, s.by_category, 'category'),
        counts(R.byKind, s.by_kind, 'kind'),
        counts(R.byGender, s.by_gender, 'gender'),
        attendance(s.attendance_by_day || []))),
    participants(ctx, ev));
}

function share(title, x) {
  return el('div', { class: 'share' }, el('p', { class: 'big-number' }, R.share(x)), el('p', null, title));
}

function counts(title, obj, table_) {
  const rows = Object.entries(obj || {}).sort((a, b) => b[1] - a[1]);
  return table({
    caption: title, className: 'count-table',
    columns: [{ label: R.value, header: true, cell: (r) => label(table_, r[0]) }, { label: R.count, cell: (r) => String(r[1]), className: 'num' }],
    rows, empty: R.nothing,
  });
}

function attendance(days) {
  return table({
    caption: R.attendance, className: 'count-table',
    columns: [{ label: R.day, header: true, cell: (d) => d.day }, { label: R.present, cell: (d) => String(d.present), className: 'num' }],
    rows: days, empty: R.nothing,
  });
}

// genderChart draws one horizontal bar per gender, its count and share
// written beside it; the title and description tell a screen reader
// the same numbers.
export function genderChart(by) {
  const total = GENDERS.reduce((n, g) => n + (by[g] || 0), 0);
  const max = Math.max(1, ...GENDERS.map((g) => by[g] || 0));
  const pct = (n) => (total ? Math.round((n / total) * 100) : 0);
  const parts = GENDERS.map((g) => `${label('gender', g)} ${by[g] || 0} (${pct(by[g] || 0)} %)`).join(', ');
  const rowH = 40;
  const labelW = 110;
  const barW = 180;
  const h = GENDERS.length * rowH + 10;
  const chart = svg('svg', { viewBox: `0 0 400 ${h}`, role: 'img', 'aria-labelledby': 'gender-title gender-desc', class: 'gender-chart', width: '100%' },
    svg('title', { id: 'gender-title' }, R.chartTitle),
    svg('desc', { id: 'gender-desc' }, R.chartDesc(parts)),
    GENDERS.map((g, i) => {
      const n = by[g] || 0;
      const y = i * rowH + 8;
      const w = Math.round((n / max) * barW);
      return svg('g', { class: `bar bar-${g}` },
        svg('text', { x: labelW - 10, y: y + 20, 'text-anchor': 'end', class: 'bar-label' }, label('gender', g)),
        svg('rect', { x: labelW, y, width: barW, height: 28, class: 'track', rx: 3 }),
        svg('rect', { x: labelW, y, width: Math.max(w, n ? 3 : 0), height: 28, class: 'fill', rx: 3 }),
        svg('text', { x: labelW + barW + 10, y: y + 20, class: 'bar-value' }, `${n} · ${pct(n)} %`));
    }));
  return chart;
}

function participants(ctx, ev) {
  const { api } = ctx;
  const attended = el('input', { type: 'checkbox', name: 'attended_only' });
  const out = el('div', { class: 'lop' });
  const files = el('div', { class: 'downloads', 'aria-live': 'polite' });
  const query = (format) => ({ format, attended_only: attended.checked ? 'true' : null });
  const show = async () => {
    const lop = await api.get(path`/events/${ev.code}/reports/participants`, query('json'));
    out.replaceChildren(lopView(lop));
  };
  const download = (format, text) => el('button', {
    type: 'button',
    onclick: (e) => busy(e.currentTarget, async () => {
      try {
        const blob = await api.blob(path`/events/${ev.code}/reports/participants`, query(format));
        const name = `participants-${ev.code}${attended.checked ? '-attended' : ''}.${format}`;
        saveBlob(blob, name);
        files.replaceChildren(el('p', null, R.downloaded(name), ' ', blobLink(blob, name, { filename: name, className: 'file-link' })));
      } catch (err) {
        ctx.status.show(problemText(err), 'error');
      }
    }),
  }, text);
  return section(R.lop,
    field(R.attendedOnly, attended),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', onclick: (e) => busy(e.currentTarget, show) }, R.show),
      download('csv', R.csv), download('xlsx', R.xlsx), download('pdf', R.pdf)),
    files, out);
}

function lopView(lop) {
  if (!lop.groups || !lop.groups.length) return el('p', null, R.lopEmpty);
  return el('div', null, lop.groups.map((g) => el('section', { class: 'lop-group' },
    el('h3', null, g.title || label('kind', g.kind)),
    g.delegations.map((d) => el('div', { class: 'lop-delegation' },
      table({
        caption: d.name, className: 'lop-table',
        columns: [
          { label: R.participant, header: true, cell: (p) => [p.honorific, p.given_name, p.family_name].filter(Boolean).join(' ') },
          { label: R.function, cell: (p) => p.function || '' },
          { label: R.organization, cell: (p) => p.organization || '' },
        ],
        rows: d.participants,
      }))))));
}
