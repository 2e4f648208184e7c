// One nomination: its status in words with the reason, the person's
// details, the photo on file, and what may be done now — edit, photo,
// substitute, withdraw (confirmed in a dialog, with an optional reason),
// download the badge.

import { path } from '/lib/api.js';
import { el, field, confirm, photo } from '/lib/dom.js';
import { S } from './strings.js';
import { day, when as fmtWhen, fullName, label, registration, sessionText } from './format.js';
import { countryName } from './countries.js';
import { allowed, badgeButton, heading, problemText, statusBlock, trail } from './parts.js';

export async function render(ctx, code, id) {
  const [ev, n, sessions] = await Promise.all([ctx.event(code), ctx.api.get(path`/events/${code}/nominations/${id}`),
    ctx.api.all(path`/events/${code}/sessions`).catch(() => [])]);
  const reg = registration(ev);
  const can = allowed(n, reg);
  const name = fullName(n);
  const base = `#/events/${encodeURIComponent(code)}/nominations/${encodeURIComponent(id)}`;
  const actions = el('div', { class: 'actions toolbar' },
    can.edit ? el('a', { href: `${base}/edit`, class: 'button' }, S.edit) : null,
    can.photo && n.mode === 'in_person' ? el('a', { href: `${base}/photo`, class: n.has_photo ? 'button' : 'button primary' }, n.has_photo ? S.replacePhoto : S.addPhoto) : null,
    can.substitute ? el('a', { href: `${base}/substitute`, class: 'button' }, S.substitute) : null,
    can.badge ? badgeButton(ctx, code, n) : null,
    can.withdraw ? el('button', { type: 'button', class: 'danger', onclick: () => withdraw(ctx, code, n) }, S.withdraw) : null);
  const links = [];
  if (n.replaced_by) links.push(el('p', null, `${S.replacedBy} `, el('a', { href: `#/events/${encodeURIComponent(code)}/nominations/${encodeURIComponent(n.replaced_by)}` }, S.openReplacement)));
  if (n.replaces) links.push(el('p', null, `${S.replaces} `, el('a', { href: `#/events/${encodeURIComponent(code)}/nominations/${encodeURIComponent(n.replaces)}` }, S.openReplaced)));
  const when = [S.createdAt(fmtWhen(n.created_at, ev.timezone)), n.decided_at ? S.decidedAt(fmtWhen(n.decided_at, ev.timezone)) : null].filter(Boolean).join(' · ');
  return el('section', { class: 'nomination', dataset: { status: n.status } },
    trail([S.eventsTitle, '/events'], [ev.title, `/events/${encodeURIComponent(code)}`], name),
    heading(name, [n.function, n.organization].filter(Boolean).join(', ')),
    statusBlock(n),
    el('p', { class: 'muted' }, when),
    links,
    reg.state !== 'open' && (n.status === 'submitted' || n.status === 'waitlisted') ? el('p', { class: 'notice' }, S.editClosed) : null,
    actions,
    el('div', { class: 'nomination-body' },
      details(ev, n, sessions),
      el('section', { class: 'photo-box', 'aria-labelledby': 'photo-h' },
        el('h2', { id: 'photo-h' }, S.photoTitle),
        n.has_photo
          ? photo(ctx.api, path`/events/${code}/nominations/${id}/photo`, { alt: S.photoStoredAlt(name), eager: true, className: 'stored' })
          : el('p', { class: 'muted' }, n.mode === 'in_person' ? S.noPhotoYet : S.noPhotoOnline))));
}

function details(ev, n, sessions) {
  const F = S.fields;
  const doc = n.document;
  const rows = [
    [F.given_name, n.given_name],
    [F.family_name, n.family_name],
    [F.gender, label(S.genders, n.gender)],
    [F.category, label(S.categories, n.category)],
    [F.mode, label(S.modes, n.mode)],
    [F.email, n.email],
    [F.phone, n.phone],
    [F.nationality, n.nationality ? countryName(n.nationality, S.locale) : ''],
    [F.date_of_birth, n.date_of_birth ? day(n.date_of_birth) : ''],
    [F['document.type'], doc ? label(S.documentTypes, doc.type) : ''],
    [F['document.number'], doc ? doc.number : ''],
    [F['document.expires_on'], doc && doc.expires_on ? day(doc.expires_on) : ''],
    [F.sessions, n.sessions && n.sessions.length ? sessionList(ev, n, sessions) : S.sessionsNone],
    [F.remarks, n.remarks],
  ].filter(([, v]) => v);
  return el('section', { class: 'details', 'aria-labelledby': 'details-h' },
    el('h2', { id: 'details-h' }, S.details),
    el('dl', { class: 'facts' }, rows.map(([k, v]) => [el('dt', null, k), el('dd', null, v)])));
}

async function withdraw(ctx, code, n) {
  const name = fullName(n);
  const values = await confirm({
    title: S.withdrawTitle,
    message: S.withdrawMessage(name),
    ok: S.withdrawConfirm,
    cancel: S.cancel,
    danger: true,
    body: field(S.withdrawReason, el('textarea', { name: 'reason', rows: 3, maxLength: 1000 })),
  });
  if (!values) return;
  try {
    const reason = (values.reason || '').trim();
    await ctx.api.post(path`/events/${code}/nominations/${n.id}/withdraw`, reason ? { reason } : {});
    ctx.refresh(S.withdrawn(name));
  } catch (err) {
    if (err.code === 'invalid_transition') ctx.refresh(problemText(err), 'error');
    else ctx.status.show(problemText(err), 'error');
  }
}

function sessionList(ev, n, sessions) {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  return el('ul', { class: 'plain' }, n.sessions.map((id) => {
    const s = byId.get(id);
    return el('li', null, s ? sessionText(s, ev.timezone) : id);
  }));
}
