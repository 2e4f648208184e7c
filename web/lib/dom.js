// Building pages without innerHTML: every piece of text, the server's
// included, goes in through textContent or a text node, so that a name
// like "<img onerror=…>" stays a name.

const SVG_NS = 'http://www.w3.org/2000/svg';
let nextId = 0;

// uid gives a control an id for <label for> and aria-describedby.
export function uid(prefix = 'x') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

function apply(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== 'string' && !(node instanceof SVGElement)) node[k] = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// el('button', {type: 'button', onclick: f}, 'Approve') — strings become
// text nodes; null children are skipped; on* functions become listeners.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  apply(node, attrs);
  append(node, children);
  return node;
}

// svg builds SVG elements (charts) the same way.
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.setAttribute('class', v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

// field wraps a control with its label (and an optional hint), giving
// the control an id when it has none. The wrapper is where form.js puts
// the field's error message.
export function field(label, input, { hint, className } = {}) {
  if (!input.id) input.id = uid(input.name ? input.name.replace(/[^a-z0-9]/gi, '-') : 'f');
  const wrap = el('div', { class: ['field', className] });
  const isCheck = input.type === 'checkbox' || input.type === 'radio';
  const lab = el('label', { for: input.id }, label);
  if (isCheck) {
    wrap.classList.add('field-check');
    wrap.append(input, lab);
  } else {
    wrap.append(lab, input);
  }
  if (hint) {
    const h = el('p', { class: 'hint', id: uid('hint') }, hint);
    input.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  return wrap;
}

// select builds a <select> from [value, text] pairs (or plain strings).
export function select(attrs, options, selected) {
  const s = el('select', attrs);
  for (const o of options) {
    const [value, text] = Array.isArray(o) ? o : [o, o];
    s.append(el('option', { value, selected: String(value) === String(selected ?? '') }, text));
  }
  return s;
}

// table builds a <table> from rows: columns are {label, cell(row) → node
// or text, className}; empty is shown in a row of its own when there are
// no rows. The header cells have scope="col"; a column may be a row header.
export function table({ columns, rows, caption, empty, className, rowAttrs }) {
  const head = el('thead', null, el('tr', null, columns.map((c) =>
    el('th', { scope: 'col', class: c.className }, c.label))));
  const body = el('tbody');
  appendRows(body, columns, rows, rowAttrs);
  if (!rows.length && empty) {
    body.append(el('tr', { class: 'empty' }, el('td', { colSpan: columns.length }, empty)));
  }
  return el('div', { class: ['table-wrap', className] },
    el('table', null, caption ? el('caption', null, caption) : null, head, body));
}

// appendRows adds rows to a table's body (a "Load more" page).
export function appendRows(body, columns, rows, rowAttrs) {
  for (const r of rows) {
    const tr = el('tr', rowAttrs ? rowAttrs(r) : null);
    for (const c of columns) {
      const v = c.cell(r);
      tr.append(el(c.header ? 'th' : 'td', { class: c.className, scope: c.header ? 'row' : null, dataset: c.label ? { label: c.label } : null }, v));
    }
    body.append(tr);
  }
}

// confirm asks a question in a modal <dialog>; with `input` (an element
// or a function returning one) it resolves to the form's values, else
// true; Cancel or Escape resolve to null.
export function confirm({ title, message, ok = 'OK', cancel = 'Cancel', body, danger = false }) {
  return new Promise((resolve) => {
    const form = el('form', { method: 'dialog' });
    const heading = el('h2', { id: uid('dlg') }, title);
    const dlg = el('dialog', { class: 'dialog', 'aria-labelledby': heading.id }, form);
    const okBtn = el('button', { type: 'submit', value: 'ok', class: danger ? 'danger' : 'primary' }, ok);
    form.append(heading, message ? el('p', null, message) : null, body || null,
      el('div', { class: 'actions' }, okBtn, el('button', { type: 'button', onclick: () => dlg.close('') }, cancel)));
    let submitted = false;
    form.addEventListener('submit', (ev) => {
      if (!form.checkValidity()) { ev.preventDefault(); form.reportValidity(); return; }
      submitted = true;
    });
    dlg.addEventListener('close', () => {
      const values = submitted && dlg.returnValue === 'ok' ? Object.fromEntries(new FormData(form)) : null;
      dlg.remove();
      resolve(values && (body ? values : true));
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// Status is the page's live region: messages are read out by screen
// readers and stay visible until replaced or dismissed.
export class Status {
  constructor(node) {
    this.node = node;
    node.setAttribute('role', 'status');
    node.setAttribute('aria-live', 'polite');
  }

  // show a message; kind ∈ info, ok, error. Extra nodes (links) may follow.
  show(message, kind = 'info', ...extra) {
    const close = el('button', { type: 'button', class: 'link', onclick: () => this.clear() }, '×');
    close.setAttribute('aria-label', 'Dismiss');
    this.node.replaceChildren(el('div', { class: ['toast', kind], dataset: { kind } },
      el('span', { class: 'toast-text' }, message), ...extra, close));
  }

  clear() {
    this.carried = false;
    this.node.replaceChildren();
  }

  // carry keeps the message shown across the next change of screen (an
  // "Event created" said just before going to the event); expire, called
  // on each change of screen, clears any other.
  carry() { this.carried = true; }

  expire() {
    if (this.carried) this.carried = false;
    else this.clear();
  }
}

// Photos: an <img> whose picture needs the bearer token is fetched when
// it scrolls into view and shown from a blob URL, revoked once the image
// has left the page.
const live = new Map(); // img → blob URL
let observer = null;
let sweeper = null;

// sweep revokes the URLs of elements that were on the page and have left
// it; one not inserted yet (a screen still being built) keeps its URL.
function sweep() {
  for (const [node, url] of live) {
    if (node.isConnected) node._shown = true;
    else if (node._shown) {
      URL.revokeObjectURL(url);
      live.delete(node);
    }
  }
}

function watch() {
  if (sweeper) return;
  sweeper = new MutationObserver(() => { if (live.size) queueMicrotask(sweep); });
  sweeper.observe(document.body, { childList: true, subtree: true });
}

async function load(img) {
  const { api, src, query, empty } = img._photo;
  try {
    const blob = await api.blob(src, query, { timeout: 30000 });
    const url = URL.createObjectURL(blob);
    img._shown = img.isConnected;
    live.set(img, url);
    img.src = url;
    img.classList.remove('loading');
  } catch {
    img.classList.remove('loading');
    img.classList.add('missing');
    img.alt = empty || img.alt;
  }
}

// photo returns an <img> for an API picture path (e.g. a nomination's
// photo); lazy unless {eager: true}. alt is the person's name.
export function photo(api, src, { alt = '', query, className, empty, eager = false } = {}) {
  const img = el('img', { alt, class: ['photo', 'loading', className], decoding: 'async' });
  img._photo = { api, src, query, empty };
  watch();
  if (eager || !('IntersectionObserver' in window)) {
    queueMicrotask(() => load(img));
    return img;
  }
  if (!observer) {
    observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        observer.unobserve(e.target);
        load(e.target);
      }
    }, { rootMargin: '200px' });
  }
  observer.observe(img);
  return img;
}

// blobLink makes a link to a fetched file (PDF, CSV…): opened in a new
// tab or downloaded under `filename`. Its URL is revoked when the link
// leaves the page.
export function blobLink(blob, text, { filename, newTab = false, className } = {}) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, class: className, download: filename || null, target: newTab ? '_blank' : null, rel: 'noopener' }, text);
  a._shown = false;
  live.set(a, url);
  watch();
  return a;
}

// saveBlob downloads a fetched file at once, as a click on a link would.
export function saveBlob(blob, filename) {
  const a = blobLink(blob, filename, { filename });
  a.hidden = true;
  document.body.append(a);
  a.click();
  setTimeout(() => a.remove(), 60000);
}

// fmtDateTime shows an RFC 3339 time in the reader's locale; empty for none.
export function fmtDateTime(iso, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, opts);
}
