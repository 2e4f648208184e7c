// A delegate's photo: the standards stated before anything is chosen, a
// preview of the chosen file (checked here as the server will check it:
// real JPEG or PNG, size, sides, ratio), then the upload and the photo as
// the server stored it.

import { path } from '/lib/api.js';
import { el, field, photo } from '/lib/dom.js';
import { showErrors, clearErrors } from '/lib/form.js';
import { S } from './strings.js';
import { fullName, registration } from './format.js';
import { allowed, heading, problemText, trail } from './parts.js';

const MAX_BYTES = 10 << 20;
const MIN_SIDE = 200;
const MAX_SIDE = 10000;
const MAX_PIXELS = 40e6;
const MAX_RATIO = 3;

export async function render(ctx, code, id) {
  const [ev, n] = await Promise.all([ctx.event(code), ctx.api.get(path`/events/${code}/nominations/${id}`)]);
  const name = fullName(n);
  const eventHash = `/events/${encodeURIComponent(code)}`;
  const nomHash = `${eventHash}/nominations/${encodeURIComponent(id)}`;
  const can = allowed(n, registration(ev));
  const stored = el('section', { class: 'stored-photo', 'aria-labelledby': 'stored-h' },
    el('h2', { id: 'stored-h' }, S.photoStored),
    n.has_photo
      ? photo(ctx.api, path`/events/${code}/nominations/${id}/photo`, { alt: S.photoStoredAlt(name), eager: true, className: 'stored' })
      : el('p', { class: 'muted' }, S.photoNone));
  return el('section', { class: 'photo-screen' },
    trail([S.eventsTitle, '/events'], [ev.title, eventHash], [name, nomHash], S.photoTitle),
    heading(S.photoScreenTitle(name)),
    el('section', { class: 'rules', 'aria-labelledby': 'rules-h' },
      el('h2', { id: 'rules-h' }, S.photoRulesTitle),
      el('ul', null, S.photoRules.map((r) => el('li', null, r)))),
    el('div', { class: 'photo-panes' },
      can.photo ? uploadForm(ctx, code, n) : el('p', { class: 'notice' }, S.photoClosed),
      stored));
}

function uploadForm(ctx, code, n) {
  const input = el('input', { type: 'file', name: 'photo', accept: 'image/jpeg,image/png' });
  const preview = el('figure', { class: 'preview' });
  preview.hidden = true;
  const button = el('button', { type: 'submit', class: 'primary', disabled: true }, S.photoUpload);
  const form = el('form', { class: 'photo-form', novalidate: true },
    field(S.photoFile, input), preview, el('div', { class: 'actions' }, button));
  let chosen = null; // {blob, url}
  const fail = (message) => showErrors(form, { fields: new Map([['photo', message]]), rows: [], detail: '' }, { heading: S.summaryHeading, fieldLabel: () => S.photoFile });

  input.addEventListener('change', async () => {
    clearErrors(form);
    if (chosen) URL.revokeObjectURL(chosen.url);
    chosen = null;
    button.disabled = true;
    preview.hidden = true;
    preview.replaceChildren();
    const file = input.files && input.files[0];
    if (!file) return;
    const checked = await check(file);
    if (checked.problem) {
      fail(checked.problem);
      input.focus();
      return;
    }
    const blob = file.type === checked.type ? file : new Blob([file], { type: checked.type });
    chosen = { blob, url: URL.createObjectURL(blob) };
    preview.replaceChildren(
      el('img', { src: chosen.url, alt: S.photoPreviewAlt, class: 'photo' }),
      el('figcaption', null, S.photoPreview, el('br'), S.photoFacts(checked.width, checked.height, S.bytes(file.size))));
    preview.hidden = false;
    button.disabled = false;
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!chosen || button.disabled) return;
    button.disabled = true;
    button.textContent = S.photoUploading;
    try {
      await ctx.api.upload(path`/events/${code}/nominations/${n.id}/photo`, chosen.blob);
      URL.revokeObjectURL(chosen.url);
      chosen = null;
      ctx.refresh(S.photoSaved);
    } catch (err) {
      button.disabled = false;
      button.textContent = S.photoUpload;
      fail(uploadProblem(err));
    }
  });
  return form;
}

function uploadProblem(err) {
  switch (err.code) {
    case 'validation_failed': return S.photoRefused(err.fields.get('photo') || err.detail);
    case 'too_large': return S.photoBad.size(S.bytes(MAX_BYTES + 1));
    case 'unsupported_media_type': return S.photoBad.type;
    case 'registration_closed':
    case 'invalid_transition': return S.photoClosed;
    default: return problemText(err);
  }
}

// check reads the file's first bytes, as the server does before it decodes
// anything: the real type and the dimensions, and judges them by the rules.
async function check(file) {
  if (file.size > MAX_BYTES) return { problem: S.photoBad.size(S.bytes(file.size)) };
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  let info = pngSize(head) || jpegSize(head);
  if (!info && isImage(head)) info = await decodedSize(file, head[0] === 0xff ? 'image/jpeg' : 'image/png');
  if (!info) return { problem: isImage(head) ? S.photoBad.unreadable : S.photoBad.type };
  const { width: w, height: h } = info;
  if (w < MIN_SIDE || h < MIN_SIDE) return { problem: S.photoBad.small(w, h) };
  if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) return { problem: S.photoBad.large(w, h) };
  if (Math.max(w, h) > MAX_RATIO * Math.min(w, h)) return { problem: S.photoBad.ratio(w, h) };
  return info;
}

// decodedSize asks the browser, for a JPEG whose frame header lies beyond
// the bytes read (long metadata first).
async function decodedSize(file, type) {
  try {
    const bmp = await createImageBitmap(file);
    const size = { type, width: bmp.width, height: bmp.height };
    bmp.close();
    return size;
  } catch {
    return null;
  }
}

function isImage(b) {
  return (b[0] === 0xff && b[1] === 0xd8) || (b[0] === 0x89 && b[1] === 0x50);
}

function pngSize(b) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 24 || sig.some((x, i) => b[i] !== x)) return null;
  const dv = new DataView(b.buffer, b.byteOffset);
  return { type: 'image/png', width: dv.getUint32(16), height: dv.getUint32(20) };
}

// jpegSize walks the markers up to the first start-of-frame.
function jpegSize(b) {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const m = b[i + 1];
    if (m === 0xff) { i += 1; continue; }
    const len = (b[i + 2] << 8) | b[i + 3];
    const sof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (sof) return { type: 'image/jpeg', height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    if (m === 0xd9 || m === 0xda) return null;
    i += 2 + len;
  }
  return null;
}
