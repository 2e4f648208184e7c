// One nomination: photo, person, document, remarks, sessions, status
// with its reason, badge; the actions its status allows; its history
// from the audit log; and the substitution form.

import { el, field, select, photo, confirm, table, blobLink, fmtDateTime } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { readForm, showErrors, clearErrors } from '/lib/form.js';
import { T, label } from './strings.js';
import { eventHeader, categoryChip, statusChip, fullName, delegations, delegationName, problemText, busy, section } from './common.js';
import { askReason } from './review.js';

const N = T.nomination;

export async function render(ctx) {
  const { api, main, params } = ctx;
  const code = params.event;
  const id = params.id;
  const [ev, n, sessions, dels] = await Promise.all([
    api.get(path`/events/${code}`), api.get(path`/events/${code}/nominations/${id}`),
    api.all(path`/events/${code}/sessions`), delegations(api)]);
  const name = fullName(n);
  const pic = n.has_photo
    ? photo(api, path`/events/${code}/nominations/${id}/photo`, { alt: N.photoAlt(name), className: 'portrait', eager: true })
    : el('div', { class: 'portrait no-photo' }, N.noPhoto);
  const back = `#/events/${encodeURIComponent(code)}/review`;
  const nomHref = (x) => `#/events/${encodeURIComponent(code)}/nominations/${encodeURIComponent(x)}`;
  const sessionTitles = (n.sessions || []).map((s) => (sessions.find((x) => x.id === s) || { title: s }).title);
  const doc = n.document || {};
  const pdfBox = el('div', { class: 'print-result' });

  main.replaceChildren(
    eventHeader(ev, 'review'),
    el('p', null, el('a', { href: back }, `← ${N.back}`)),
    el('article', { class: 'nomination' },
      el('div', { class: 'nom-head' }, pic,
        el('div', null,
          el('h2', null, name),
          el('p', null, categoryChip(n.category), ' ', statusChip(n.status), ' ', label('mode', n.mode)),
          el('p', null, delegationName(dels, n.delegation), n.function ? ` · ${n.function}` : ''),
          n.status_reason ? el('p', { class: 'reason' }, el('strong', null, `${N.reason}: `), n.status_reason) : null,
          actions(ctx, ev, n, pdfBox),
          pdfBox)),
      el('div', { class: 'facts' },
        facts(N.personal, [
          [N.honorific, n.honorific], [N.givenName, n.given_name], [N.familyName, n.family_name],
          [N.gender, label('gender', n.gender)], [N.function, n.function], [N.organization, n.organization],
          [N.nationality, n.nationality], [N.email, n.email], [N.phone, n.phone], [N.dateOfBirth, n.date_of_birth]]),
        facts(N.documentTitle, [
          [N.documentType, doc.type ? label('document', doc.type) : ''], [N.documentNumber, doc.number],
          [N.documentExpires, doc.expires_on]]),
        facts(N.registration, [
          [N.delegation, `${delegationName(dels, n.delegation)} (${n.delegation})`],
          [N.category, label('category', n.category)], [N.mode, label('mode', n.mode)],
          [N.sessions, sessionTitles.join(', ')], [N.remarks, n.remarks],
          [N.submittedAt, fmtDateTime(n.created_at)],
          [N.decided, n.decided_at ? fmtDateTime(n.decided_at) : ''],
          [N.replaces, n.replaces ? el('a', { href: nomHref(n.replaces) }, N.replaces) : ''],
          [N.replacedBy, n.replaced_by ? el('a', { href: nomHref(n.replaced_by) }, N.replacedBy) : ''],
          [N.badge, n.badge ? N.badgeLine(n.badge) : N.noBadge]]))),
    await history(api, code, n));
}

function facts(title, pairs) {
  const dl = el('dl');
  for (const [k, v] of pairs) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('dt', null, k), el('dd', null, v));
  }
  return el('section', { class: 'fact-group' }, el('h3', null, title), dl);
}

// actions offers what the status machine (README, How it works) allows from here.
function actions(ctx, ev, n, pdfBox) {
  const base = path`/events/${ev.code}/nominations/${n.id}`;
  const again = () => render(ctx);
  const act = (text, cls, run) => el('button', {
    type: 'button', class: cls,
    onclick: async (e) => {
      try {
        const done = await busy(e.currentTarget, run);
        if (done === undefined) return;
        await again();
        if (done && done.message) ctx.status.show(done.message, 'ok');
        else if (done && done.status) ctx.status.show(N.done(label('status', done.status)), 'ok');
      } catch (err) {
        ctx.status.show(problemText(err), 'error');
      }
    },
  }, text);
  const withReason = (action, title, required, common) => async () => {
    const reason = await askReason(title, title, { required, common });
    if (reason === null) return undefined;
    return ctx.api.post(`${base}/${action}`, reason ? { reason } : {});
  };
  const list = [];
  if (n.status === 'submitted') {
    list.push(act(N.approve, 'primary', () => ctx.api.post(`${base}/approve`, {})));
    list.push(act(N.reject, 'danger', withReason('reject', N.reject.replace('…', ''), true, true)));
  }
  if (n.status === 'approved') list.push(act(N.revoke, 'danger', withReason('revoke', N.revokeTitle, true, false)));
  if (['submitted', 'waitlisted', 'approved'].includes(n.status)) {
    list.push(act(N.withdraw, '', withReason('withdraw', N.withdrawTitle, false, false)));
  }
  if (['submitted', 'approved'].includes(n.status)) {
    list.push(el('button', { type: 'button', onclick: () => substitute(ctx, ev, n) }, N.substitute));
  }
  if (n.badge && n.badge.status === 'active') {
    list.push(act(N.reissue, '', async () => {
      const ok = await confirm({ title: N.reissueTitle, message: N.reissueText, ok: N.reissue });
      if (!ok) return undefined;
      const b = await ctx.api.post(path`/events/${ev.code}/badges/${n.badge.id}/reissue`, {});
      return { message: N.reissued(b.serial) };
    }));
    list.push(el('button', {
      type: 'button',
      onclick: async (e) => {
        try {
          const pdf = await busy(e.currentTarget, () => ctx.api.blob(path`/events/${ev.code}/badges/${n.badge.id}/badge.pdf`));
          pdfBox.replaceChildren(el('div', { class: 'callout pdf-ready' }, el('p', null, T.print.ready(1)),
            el('div', { class: 'actions' },
              blobLink(pdf, T.print.open, { newTab: true, className: 'button primary' }),
              blobLink(pdf, T.print.download, { filename: `badge-${n.family_name}-${n.badge.serial}.pdf`, className: 'button' }))));
        } catch (err) {
          ctx.status.show(problemText(err), 'error');
        }
      },
    }, N.badgePdf));
  }
  return list.length ? el('div', { class: 'actions', role: 'group', 'aria-label': N.actions }, list) : null;
}

// history reads the audit log for the nomination and for its badge (a
// reissue is recorded against the badge), newest first.
async function history(api, code, n) {
  const targets = [n.id, ...(n.badge ? [n.badge.id] : [])];
  const lists = await Promise.all(targets.map((t) => api.get('/audit', { event: code, target: t, limit: 100 }).then((p) => p.items)));
  const entries = lists.flat().sort((a, b) => b.id - a.id);
  return section(N.history, table({
    className: 'history',
    columns: [
      { label: N.at, cell: (e) => fmtDateTime(e.at) },
      { label: N.action, header: true, cell: (e) => T.auditAction[e.action] || e.action },
      { label: N.by, cell: (e) => [e.actor.name || T.none, ' ', el('span', { class: 'muted' }, `(${label('role', e.actor.role)})`)] },
      { label: N.details, cell: (e) => detailsText(e.details) },
    ],
    rows: entries, empty: N.historyEmpty,
  }));
}

function detailsText(d) {
  if (!d) return '';
  const parts = [];
  if (d.reason) parts.push(d.reason);
  for (const [k, v] of Object.entries(d)) {
    if (k === 'reason' || v === null || v === undefined || typeof v === 'object') continue;
    parts.push(`${k.replace(/_/g, ' ')}: ${v}`);
  }
  return parts.join(' · ');
}

// substitute asks for the new person; mode, category and sessions are
// kept unless changed.
async function substitute(ctx, ev, old) {
  const input = (name, attrs = {}) => el('input', { name, ...attrs });
  const form = el('form', { class: 'substitute', novalidate: true },
    el('p', null, N.substituteIntro),
    el('div', { class: 'grid' },
      field(N.honorific, input('honorific')),
      field(N.givenName, input('given_name', { required: true })),
      field(N.familyName, input('family_name', { required: true })),
      field(N.gender, select({ name: 'gender' }, Object.keys(T.gender).map((g) => [g, label('gender', g)]), 'undisclosed')),
      field(N.function, input('function', { value: old.function || '' })),
      field(N.organization, input('organization', { value: old.organization || '' })),
      field(N.email, input('email', { type: 'email', required: true })),
      field(N.phone, input('phone', { type: 'tel' })),
      field(N.nationality, input('nationality', { maxLength: 3, autocapitalize: 'characters', value: old.nationality || '' })),
      field(N.dateOfBirth, input('date_of_birth', { type: 'date' })),
      field(N.documentType, select({ name: 'document.type' }, [['', T.none], ...Object.keys(T.document).map((d) => [d, label('document', d)])], '')),
      field(N.documentNumber, input('document.number')),
      field(N.documentExpires, input('document.expires_on', { type: 'date' })),
      field(N.category, select({ name: 'category' }, Object.keys(T.category).map((c) => [c, label('category', c)]), old.category)),
      field(N.mode, select({ name: 'mode' }, Object.keys(T.mode).map((m) => [m, label('mode', m)]), old.mode)),
      field(N.remarks, el('textarea', { name: 'remarks', rows: 2 }))),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary' }, N.substituteSubmit),
      el('button', { type: 'button', onclick: () => dlg.close() }, T.cancel)));
  const heading = el('h2', { id: 'substitute-title' }, N.substituteTitle);
  const dlg = el('dialog', { class: 'dialog wide', 'aria-labelledby': heading.id }, heading, form);
  dlg.addEventListener('close', () => dlg.remove());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const b = readForm(form, { dropEmpty: true });
    if (b.document && !b.document.type && !b.document.number && !b.document.expires_on) delete b.document;
    try {
      const created = await busy(form.querySelector('[type=submit]'),
        () => ctx.api.post(path`/events/${ev.code}/nominations/${old.id}/substitute`, b));
      dlg.close();
      ctx.status.show(N.substituted, 'ok');
      ctx.status.carry();
      ctx.navigate(`#/events/${encodeURIComponent(ev.code)}/nominations/${encodeURIComponent(created.id)}`);
    } catch (err) {
      showErrors(form, err);
    }
  });
  document.body.append(dlg);
  dlg.showModal();
}
