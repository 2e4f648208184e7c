// Importing many delegates at once: the templates to download, a dry run
// of the filled-in file whose problems are listed by row and column before
// anything is saved, then the import itself and what it created.

import { path } from '/lib/api.js';
import { el, field, table, saveBlob } from '/lib/dom.js';
import { S } from './strings.js';
import { fullName, label, sessionText } from './format.js';
import { heading, problemText, statusPill, trail } from './parts.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function render(ctx, code) {
  const [ev, sessions] = await Promise.all([ctx.event(code), ctx.api.all(path`/events/${code}/sessions`).catch(() => [])]);
  const eventHash = `/events/${encodeURIComponent(code)}`;
  return el('section', { class: 'import' },
    trail([S.eventsTitle, '/events'], [ev.title, eventHash], S.import),
    heading(S.importTitle, ev.title),
    el('p', null, S.importIntro),
    templates(ctx, code),
    sessions.length ? sessionCodes(ev, sessions) : null,
    upload(ctx, code));
}

// sessionCodes lists what the sessions column takes: each session's id,
// which a focal point cannot see anywhere else.
function sessionCodes(ev, sessions) {
  return el('section', { class: 'step', 'aria-labelledby': 'sessions-h' },
    el('h3', { id: 'sessions-h' }, S.importSessionsTitle),
    el('p', null, S.importSessionsText),
    table({
      className: 'session-ids',
      columns: [
        { label: S.colSession, header: true, cell: (s) => sessionText(s, ev.timezone) },
        { label: S.colSessionId, className: 'mono', cell: (s) => s.id },
      ],
      rows: sessions,
    }));
}

function templates(ctx, code) {
  const get = (file, name) => async (e) => {
    const b = e.currentTarget;
    b.disabled = true;
    try {
      saveBlob(await ctx.api.blob(path`/events/${code}/nominations/${file}`), name);
      ctx.status.show(S.downloaded(name), 'ok');
    } catch (err) {
      ctx.status.show(problemText(err), 'error');
    } finally {
      b.disabled = false;
    }
  };
  return el('section', { class: 'step', 'aria-labelledby': 'step1' },
    el('h2', { id: 'step1' }, S.importStep1),
    el('p', null, S.importStep1Text),
    el('p', { class: 'actions' },
      el('button', { type: 'button', onclick: get('template.xlsx', 'nominations-template.xlsx') }, S.templateXlsx),
      el('button', { type: 'button', onclick: get('template.csv', 'nominations-template.csv') }, S.templateCsv)));
}

// typeOf is the file's type as the server wants it: by its name, since
// browsers call a .csv file anything from text/csv to application/vnd.ms-excel.
function typeOf(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return XLSX;
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'text/csv';
  return '';
}

function upload(ctx, code) {
  const input = el('input', { type: 'file', name: 'file', accept: `.xlsx,.csv,${XLSX},text/csv` });
  const check = el('button', { type: 'submit', class: 'primary' }, S.importCheck);
  const result = el('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'import-form', novalidate: true }, field(S.importFile, input), el('div', { class: 'actions' }, check));
  let checked = null; // the Blob that passed the dry run

  input.addEventListener('change', () => {
    checked = null;
    result.replaceChildren();
  });
  const send = (blob, dryRun) => ctx.api.upload(path`/events/${code}/nominations/import`, blob,
    { method: 'POST', query: dryRun ? { dry_run: 'true' } : undefined });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = input.files && input.files[0];
    const type = file ? typeOf(file) : '';
    if (!file || !type) {
      result.replaceChildren(el('p', { class: 'notice error', role: 'alert' }, file ? S.importType : S.importChangedFile));
      input.focus();
      return;
    }
    const blob = new Blob([file], { type });
    check.disabled = true;
    check.textContent = S.importChecking;
    result.replaceChildren(el('p', { class: 'loading' }, S.importChecking));
    try {
      const answer = await send(blob, true);
      checked = blob;
      result.replaceChildren(ready(ctx, code, answer.valid, () => checked, send, result));
    } catch (err) {
      result.replaceChildren(problems(err));
    } finally {
      check.disabled = false;
      check.textContent = S.importCheck;
    }
    const focus = result.querySelector('[tabindex="-1"]');
    if (focus) focus.focus();
  });
  return el('section', { class: 'step', 'aria-labelledby': 'step2' },
    el('h2', { id: 'step2' }, S.importStep2), form, result);
}

// ready is a dry run that passed: how many, and the button to import.
function ready(ctx, code, valid, blobOf, send, result) {
  if (!valid) return el('p', { class: 'notice error', tabindex: '-1' }, S.importEmpty);
  const go = el('button', { type: 'button', class: 'primary' }, S.importNow(valid));
  go.addEventListener('click', async () => {
    const blob = blobOf();
    if (!blob) return;
    go.disabled = true;
    go.textContent = S.importing;
    try {
      const answer = await send(blob, false);
      result.replaceChildren(created(ctx, code, answer));
      ctx.status.show(S.importDone(answer.created), 'ok');
      result.querySelector('[tabindex="-1"]').focus();
    } catch (err) {
      result.replaceChildren(problems(err));
      const f = result.querySelector('[tabindex="-1"]');
      if (f) f.focus();
    }
  });
  return el('section', { class: 'step ok', 'aria-labelledby': 'step3' },
    el('h2', { id: 'step3', tabindex: '-1' }, S.importStep3),
    el('p', { class: 'notice ok' }, S.importOk(valid)),
    el('p', { class: 'actions' }, go));
}

// problems lists a refused file's problems by row and column, the whole
// file's (a missing column, too many rows) first.
function problems(err) {
  if (err.code !== 'validation_failed') {
    return el('p', { class: 'notice error', role: 'alert', tabindex: '-1' }, problemText(err));
  }
  const rows = [];
  for (const [f, message] of err.fields || []) rows.push({ row: 0, field: f === 'file' ? '' : f, message });
  for (const r of err.rows || []) rows.push(r);
  rows.sort((a, b) => a.row - b.row);
  const message = (r) => S.importRowProblems[r.code] || r.message;
  return el('section', { class: 'problems' },
    el('p', { class: 'notice error', role: 'alert', tabindex: '-1' }, S.importProblems(rows.length)),
    table({
      className: 'import-problems',
      caption: S.importProblemsCaption,
      columns: [
        { label: S.colRow, header: true, className: 'num', cell: (r) => (r.row ? String(r.row) : S.importFileProblem) },
        { label: S.colColumn, className: 'mono', cell: (r) => r.field || S.none },
        { label: S.colProblem, cell: message },
      ],
      rows,
    }));
}

// created lists the nominations an import made, each linked.
function created(ctx, code, answer) {
  const items = answer.items || [];
  const base = `#/events/${encodeURIComponent(code)}/nominations/`;
  return el('section', { class: 'created' },
    el('p', { class: 'notice ok', tabindex: '-1' }, S.importDone(answer.created)),
    table({
      className: 'nominations',
      caption: S.importCreatedCaption,
      columns: [
        { label: S.colName, header: true, cell: (n) => el('a', { href: base + encodeURIComponent(n.id) }, fullName(n)) },
        { label: S.colCategory, cell: (n) => label(S.categories, n.category) },
        { label: S.colMode, cell: (n) => label(S.modes, n.mode) },
        { label: S.colStatus, cell: (n) => statusPill(n.status) },
      ],
      rows: items,
    }),
    el('p', { class: 'actions' },
      el('a', { class: 'button', href: `#/events/${encodeURIComponent(code)}` }, S.nominationsTitle)));
}
