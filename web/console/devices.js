// Door devices (api/openapi.yaml, Door devices): an enrolment for a lane shown as a QR code and
// a link, and the event's devices with when each was last seen.

import { el, field, select, fmtDateTime } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { readForm, showErrors, clearErrors } from '/lib/form.js';
import { T, label } from './strings.js';
import { eventHeader, busy, section } from './common.js';
import { tokenTable, copyButton } from './tokens.js';

const D = T.devices;

export async function render(ctx) {
  const { api, main, params } = ctx;
  const code = params.event;
  const [ev, checkpoints] = await Promise.all([api.get(path`/events/${code}`), api.all(path`/events/${code}/checkpoints`)]);
  const result = el('div', { class: 'once' });
  const form = el('form', { novalidate: true },
    el('div', { class: 'grid' },
      field(D.name, el('input', { name: 'name', required: true, autocomplete: 'off' }), { hint: D.nameHint }),
      field(D.checkpoint, select({ name: 'checkpoint' }, [['', D.anyCheckpoint], ...checkpoints.map((c) => [c.code, `${c.name} (${c.code})`])], checkpoints.length === 1 ? checkpoints[0].code : '')),
      field(D.direction, select({ name: 'direction' }, [['', D.anyDirection], ['in', label('direction', 'in')], ['out', label('direction', 'out')]], '')),
      field(D.expires, el('input', { name: 'expires_in_minutes', type: 'number', min: '1', max: '1440', value: '15' }), { hint: D.expiresHint })),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, D.submit)));
  const listBox = el('div');
  const drawList = async () => {
    listBox.replaceChildren(await tokenTable(ctx, {
      keep: (t) => t.role === 'security' && t.event === code,
      columns: [{ label: T.access.createdAt, cell: (t) => fmtDateTime(t.created_at) }],
      empty: D.empty, onChange: drawList,
    }));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const b = readForm(form, { dropEmpty: true });
    try {
      const en = await busy(form.querySelector('[type=submit]'), () => api.post(path`/events/${code}/enrolments`, b));
      const qr = await api.blob(path`/events/${code}/enrolments/${en.code}/qr.png`, { size: 384 });
      showEnrolment(ctx, result, en, qr);
      form.reset();
    } catch (err) {
      showErrors(form, err);
    }
  });
  main.replaceChildren(eventHeader(ev, 'devices'),
    el('p', { class: 'lead' }, D.intro),
    section(D.enrol, form, result),
    section(D.list, el('div', { class: 'actions' }, el('button', { type: 'button', onclick: drawList }, T.refresh)), listBox));
  await drawList();
  // Last seen changes while the screen is open: a device enrolled now
  // shows up when it has used its code.
  const timer = setInterval(() => drawList().catch(() => {}), 30000);
  ctx.onLeave(() => clearInterval(timer));
}

function showEnrolment(ctx, box, en, qr) {
  const url = new URL(en.url, location.origin).href;
  const img = el('img', { class: 'qr', alt: D.qrAlt(en.name), width: 256, height: 256 });
  const blobUrl = URL.createObjectURL(qr);
  img.src = blobUrl;
  img.addEventListener('load', () => setTimeout(() => URL.revokeObjectURL(blobUrl), 1000), { once: true });
  const input = el('input', { name: 'enrol-link', readOnly: true, value: url, class: 'mono', spellcheck: 'false' });
  box.replaceChildren(el('div', { class: 'callout enrolment' },
    img,
    el('div', null,
      el('h3', null, en.name),
      el('p', null, [en.checkpoint, en.direction ? label('direction', en.direction) : null].filter(Boolean).join(' · ')),
      field(D.linkLabel, input),
      el('p', { class: 'hint' }, D.validUntil(fmtDateTime(en.expires_at))),
      el('div', { class: 'actions' }, copyButton(ctx, input, T.access.copy)))));
}
