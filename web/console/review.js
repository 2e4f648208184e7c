// The review queue: nominations filtered on the server (status,
// delegation, mode, search) a page at a time, each with its photo;
// approve or reject one or many, each row then telling its own outcome.

import { el, field, select, photo, confirm, blobLink } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { T, label } from './strings.js';
import { eventHeader, categoryChip, statusChip, fullName, delegations, delegationName, problemText, busy } from './common.js';

const R = T.review;
const PAGE = 50;

// filtersOf reads the queue's filters from the address; a queue opened
// without any shows what waits for a decision.
function filtersOf(query) {
  return {
    status: query.has('status') ? query.get('status') : 'submitted',
    delegation: query.get('delegation') || '',
    mode: query.get('mode') || '',
    q: query.get('q') || '',
  };
}

export async function render(ctx) {
  const { api, main, params, query } = ctx;
  const code = params.event;
  const f = filtersOf(query);
  const [ev, dels, summary] = await Promise.all([
    api.get(path`/events/${code}`), delegations(api),
    api.get(path`/events/${code}/reports/summary`).catch(() => null)]);
  const counts = (summary && summary.by_status) || {};
  const statusOptions = [['', R.anyStatus], ...Object.keys(T.status).map((s) => [s, counts[s] !== undefined ? `${label('status', s)} (${counts[s]})` : label('status', s)])];
  const sorted = [...dels].sort((a, b) => a.name.localeCompare(b.name));

  const filterForm = el('form', { class: 'filters', role: 'search', 'aria-label': R.filters },
    field(R.status, select({ name: 'status' }, statusOptions, f.status)),
    field(R.delegation, select({ name: 'delegation' }, [['', R.anyDelegation], ...sorted.map((d) => [d.code, d.name])], f.delegation)),
    field(R.mode, select({ name: 'mode' }, [['', R.anyMode], ['in_person', label('mode', 'in_person')], ['online', label('mode', 'online')]], f.mode)),
    field(R.q, el('input', { type: 'search', name: 'q', value: f.q, autocomplete: 'off' }), { hint: R.qHint }),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, R.apply)));
  const go = () => {
    const q = new URLSearchParams();
    const fd = new FormData(filterForm);
    q.set('status', fd.get('status'));
    for (const k of ['delegation', 'mode', 'q']) if (fd.get(k)) q.set(k, fd.get(k).trim());
    ctx.navigate(`#/events/${encodeURIComponent(code)}/review?${q}`);
  };
  filterForm.addEventListener('submit', (e) => { e.preventDefault(); go(); });
  for (const s of filterForm.querySelectorAll('select')) s.addEventListener('change', go);

  const queue = new Queue(ctx, ev, dels, f);
  main.replaceChildren(eventHeader(ev, 'review'), filterForm, queue.node);
  await queue.load();
}

class Queue {
  constructor(ctx, ev, dels, f) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.ev = ev;
    this.dels = dels;
    this.filters = f;
    this.rows = new Map(); // id → {n, tr, box, statusCell, outcomeCell}
    this.cursor = '';
    this.selectAll = el('input', { type: 'checkbox', id: 'select-all', onchange: () => this.toggleAll() });
    this.body = el('tbody');
    this.count = el('p', { class: 'muted count', 'aria-live': 'polite' });
    this.selCount = el('span', { class: 'sel-count', 'aria-live': 'polite' }, R.selected(0));
    this.more = el('button', { type: 'button', class: 'more', hidden: true, onclick: (e) => busy(e.currentTarget, () => this.load()) }, T.loadMore);
    this.approveBtn = el('button', { type: 'button', class: 'primary', onclick: (e) => busy(e.currentTarget, () => this.approve()) }, R.approve);
    this.rejectBtn = el('button', { type: 'button', class: 'danger', onclick: (e) => busy(e.currentTarget, () => this.reject()) }, R.reject);
    this.printBtn = el('button', { type: 'button', onclick: (e) => busy(e.currentTarget, () => this.print()) }, R.print);
    this.progress = el('p', { class: 'progress', role: 'status', 'aria-live': 'polite' });
    this.printResult = el('div', { class: 'print-result' });
    const head = el('thead', null, el('tr', null,
      el('th', { scope: 'col', class: 'pick' }, el('span', { class: 'sr-only' }, R.pick)),
      el('th', { scope: 'col', class: 'photo-col' }, R.photo),
      el('th', { scope: 'col' }, R.name),
      el('th', { scope: 'col' }, T.nomination.delegation),
      el('th', { scope: 'col' }, R.category),
      el('th', { scope: 'col' }, R.mode),
      el('th', { scope: 'col' }, R.status),
      el('th', { scope: 'col' }, R.outcome)));
    this.node = el('section', { class: 'panel queue' },
      el('div', { class: 'bulk', role: 'group', 'aria-label': R.selected('') },
        el('span', { class: 'select-all' }, this.selectAll, el('label', { for: 'select-all' }, R.selectAll)),
        this.selCount, this.approveBtn, this.rejectBtn, this.printBtn),
      this.progress, this.printResult,
      el('div', { class: 'table-wrap' }, el('table', { class: 'review-table' }, head, this.body)),
      this.count, this.more);
  }

  async load() {
    const page = await this.api.get(path`/events/${this.ev.code}/nominations`, {
      status: this.filters.status, delegation: this.filters.delegation, mode: this.filters.mode, q: this.filters.q,
      limit: PAGE, cursor: this.cursor,
    });
    for (const n of page.items) this.addRow(n);
    this.cursor = page.next_cursor || '';
    this.more.hidden = !this.cursor;
    if (!this.rows.size) {
      this.body.replaceChildren(el('tr', { class: 'empty' }, el('td', { colSpan: 8 }, R.empty)));
    }
    this.count.textContent = R.count(this.rows.size, !!this.cursor);
    this.updateSelection();
  }

  addRow(n) {
    const name = fullName(n);
    const box = el('input', { type: 'checkbox', id: `pick-${n.id}`, name: 'pick', value: n.id, onchange: () => this.updateSelection() });
    const statusCell = el('td', { dataset: { label: R.status } }, statusChip(n.status));
    const outcomeCell = el('td', { class: 'outcome', dataset: { label: R.outcome } });
    const href = `#/events/${encodeURIComponent(this.ev.code)}/nominations/${encodeURIComponent(n.id)}`;
    const pic = n.has_photo
      ? photo(this.api, path`/events/${this.ev.code}/nominations/${n.id}/photo`, { query: { size: 'thumb' }, alt: T.nomination.photoAlt(name), className: 'thumb' })
      : el('span', { class: 'thumb no-photo' }, R.noPhoto);
    const tr = el('tr', { dataset: { id: n.id, status: n.status } },
      el('td', { class: 'pick' }, el('label', { for: box.id, class: 'sr-only' }, R.selectOne(name)), box),
      el('td', { class: 'photo-col' }, pic),
      el('th', { scope: 'row', class: 'who' }, el('a', { href }, name),
        n.function || n.organization ? el('span', { class: 'sub' }, [n.function, n.organization].filter(Boolean).join(', ')) : null),
      el('td', { dataset: { label: T.nomination.delegation } }, delegationName(this.dels, n.delegation)),
      el('td', { dataset: { label: R.category } }, categoryChip(n.category)),
      el('td', { class: 'mode-cell', dataset: { label: R.mode } }, label('mode', n.mode)),
      statusCell, outcomeCell);
    this.rows.set(n.id, { n, tr, box, statusCell, outcomeCell });
    this.body.append(tr);
  }

  selected() {
    return [...this.rows.values()].filter((r) => r.box.checked);
  }

  toggleAll() {
    for (const r of this.rows.values()) r.box.checked = this.selectAll.checked;
    this.updateSelection();
  }

  updateSelection() {
    const n = this.selected().length;
    this.selCount.textContent = R.selected(n);
    this.selectAll.checked = n > 0 && n === this.rows.size;
    this.selectAll.indeterminate = n > 0 && n < this.rows.size;
    for (const b of [this.approveBtn, this.rejectBtn, this.printBtn]) b.setAttribute('aria-disabled', n ? 'false' : 'true');
  }

  // each runs one action per selected row, one after another (so that a
  // capacity runs out at a predictable row), and shows each outcome.
  async each(action, body) {
    const rows = this.selected();
    if (!rows.length) { this.ctx.status.show(R.nothingSelected, 'error'); return; }
    let ok = 0;
    let failed = 0;
    for (const [i, r] of rows.entries()) {
      this.progress.textContent = R.working(i, rows.length);
      try {
        const n = await this.api.post(path`/events/${this.ev.code}/nominations/${r.n.id}/${action}`, body);
        r.n = n;
        r.statusCell.replaceChildren(statusChip(n.status));
        r.tr.dataset.status = n.status;
        this.outcome(r, n.status, '');
        r.box.checked = false;
        ok += 1;
      } catch (err) {
        if (err.status === 401) return;
        this.outcome(r, err.code, err.detail);
        failed += 1;
      }
    }
    this.progress.textContent = '';
    this.updateSelection();
    this.ctx.status.show(R.doneSummary(ok, failed), failed ? 'error' : 'ok');
  }

  outcome(r, code, detail) {
    const good = code === 'approved' || code === 'rejected';
    r.outcomeCell.dataset.outcome = code;
    r.tr.dataset.outcome = code;
    r.outcomeCell.replaceChildren(el('span', { class: ['result', good ? 'good' : 'bad'] },
      el('span', { class: 'result-icon', 'aria-hidden': 'true' }, good ? '✓' : '✕'),
      el('strong', null, T.codes[code] || code),
      good ? null : el('code', { class: 'code' }, code)));
    if (detail) r.outcomeCell.append(el('span', { class: 'detail' }, detail));
  }

  approve() { return this.each('approve', {}); }

  async reject() {
    const count = this.selected().length;
    if (!count) { this.ctx.status.show(R.nothingSelected, 'error'); return; }
    const reason = await askReason(T.reasons.title(count), T.reasons.ok);
    if (reason) await this.each('reject', { reason });
  }

  async print() {
    const rows = this.selected();
    if (!rows.length) { this.ctx.status.show(R.nothingSelected, 'error'); return; }
    const ids = rows.filter((r) => r.n.badge && r.n.badge.status === 'active').map((r) => r.n.badge.id);
    if (!ids.length) { this.ctx.status.show(R.noBadges, 'error'); return; }
    await printPDF(this.ctx, this.printResult, this.ev, { badge_ids: ids }, ids.length);
  }
}

// askReason asks for a reason: one of the common ones or written.
export async function askReason(title, ok, { common = true, required = true } = {}) {
  const choice = select({ name: 'choice' }, [...(common ? T.reasons.common : []), ['other', T.reasons.other]], common ? T.reasons.common[0] : 'other');
  const text = el('textarea', { name: 'text', rows: 3, maxLength: 500 });
  const values = await confirm({
    title, ok, danger: true,
    body: el('div', null,
      common ? field(T.reasons.choose, choice) : el('input', { type: 'hidden', name: 'choice', value: 'other' }),
      field(required ? T.reasons.written : T.nomination.reasonOptional, text, { hint: common ? T.reasons.writtenHint : null })),
  });
  if (!values) return null;
  const written = (values.text || '').trim();
  if (values.choice === 'other') {
    if (!written && required) return askReason(title, ok, { common, required });
    return written;
  }
  return written ? `${values.choice}: ${written}` : values.choice;
}

// printPDF asks the server for one PDF of the given badges and offers it
// to open in a new tab or to download.
export async function printPDF(ctx, box, ev, body, count) {
  box.replaceChildren(el('p', { class: 'muted' }, T.print.working));
  try {
    const pdf = await ctx.api.blob(path`/events/${ev.code}/badges/print`, null, { method: 'POST', body });
    const name = `badges-${ev.code}.pdf`;
    box.replaceChildren(el('div', { class: 'callout pdf-ready' },
      el('p', null, T.print.ready(count)),
      el('div', { class: 'actions' },
        blobLink(pdf, T.print.open, { newTab: true, className: 'button primary' }),
        blobLink(pdf, T.print.download, { filename: name, className: 'button' }))));
  } catch (err) {
    box.replaceChildren();
    ctx.status.show(problemText(err), 'error');
  }
}
