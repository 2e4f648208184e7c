// A form's problems from the server shown where they belong: each field
// path of a problem+json answer (`document.number`) next to the control
// named so, marked aria-invalid and described by its message, and a
// summary at the top that lists them all with links to the fields.

import { el, uid } from './dom.js';

// formTexts are the words of the summary; an app sets them from its
// strings module.
export const formTexts = {
  heading: 'Please correct the following:',
  row: (r) => `Row ${r.row}${r.field ? `, ${r.field}` : ''}: ${r.message}`,
};

export function clearErrors(form) {
  for (const n of form.querySelectorAll('.field-error, .form-summary')) n.remove();
  for (const c of form.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && !id.startsWith('err-'));
    if (ids.length) c.setAttribute('aria-describedby', ids.join(' '));
    else c.removeAttribute('aria-describedby');
  }
}

// control finds the control for a JSON path: its exact name, else the
// nearest parent path (`sessions.2` → `sessions`, `quotas.media.online`
// → `quotas.media`), so that no message is lost.
function control(form, p) {
  for (let name = p; name; name = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '') {
    const c = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (c) return c;
  }
  return null;
}

// showErrors puts err's field messages beside their controls and a
// summary (with err.detail and any row problems) at the top; the summary
// takes the focus so that a keyboard or screen-reader user lands on it.
export function showErrors(form, err, { heading = formTexts.heading, fieldLabel } = {}) {
  clearErrors(form);
  const items = [];
  for (const [p, message] of err.fields || []) {
    const c = control(form, p);
    const label = (fieldLabel && fieldLabel(p)) || labelOf(form, c) || p;
    if (c) {
      const m = el('p', { class: 'field-error', id: `err-${uid()}` }, message);
      c.setAttribute('aria-invalid', 'true');
      c.setAttribute('aria-describedby', [c.getAttribute('aria-describedby'), m.id].filter(Boolean).join(' '));
      (c.closest('.field') || c.parentElement).append(m);
      items.push(el('li', null, el('a', { href: `#${c.id}`, onclick: (ev) => { ev.preventDefault(); c.focus(); } }, `${label}: ${message}`)));
    } else {
      items.push(el('li', null, `${label}: ${message}`));
    }
  }
  for (const r of err.rows || []) items.push(el('li', null, formTexts.row(r)));
  const summary = el('div', { class: 'form-summary', role: 'alert', tabindex: '-1' },
    el('p', { class: 'summary-title' }, items.length ? heading : err.detail || err.message),
    items.length && err.detail ? el('p', null, err.detail) : null,
    items.length ? el('ul', null, items) : null);
  form.prepend(summary);
  summary.focus();
  return summary;
}

function labelOf(form, c) {
  if (!c || !c.id) return '';
  const l = form.querySelector(`label[for="${CSS.escape(c.id)}"]`);
  return l ? l.textContent.trim() : '';
}

// readForm turns named controls into a JSON object, names being JSON
// paths: `document.number` nests. Empty text becomes null (omitted with
// {dropEmpty: true}); type=number becomes a number; checkboxes booleans,
// or, when several share a name with values, an array of the checked values.
export function readForm(form, { dropEmpty = false } = {}) {
  const out = {};
  const groups = new Map();
  for (const c of form.elements) {
    if (!c.name || c.disabled || c.type === 'submit' || c.type === 'button' || c.type === 'file') continue;
    let v;
    if (c.type === 'checkbox' && c.hasAttribute('value') && c.dataset.array !== undefined) {
      if (!groups.has(c.name)) groups.set(c.name, []);
      if (c.checked) groups.get(c.name).push(c.value);
      continue;
    } else if (c.type === 'checkbox') v = c.checked;
    else if (c.type === 'radio') { if (!c.checked) continue; v = c.value; }
    else if (c.multiple) v = [...c.selectedOptions].map((o) => o.value);
    else if (c.type === 'number') v = c.value.trim() === '' ? null : Number(c.value);
    else v = c.value.trim() === '' ? null : c.value.trim();
    if (v === null && dropEmpty) continue;
    setPath(out, c.name, v);
  }
  for (const [name, values] of groups) setPath(out, name, values);
  return out;
}

export function setPath(obj, p, v) {
  const keys = p.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] = o[k] && typeof o[k] === 'object' ? o[k] : {};
  o[keys[keys.length - 1]] = v;
}
