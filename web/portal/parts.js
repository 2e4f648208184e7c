// Pieces several screens share: a status in words, the quota table, the
// trail of links back, what a nomination allows now, problems in words
// and the badge download.

import { path } from '/lib/api.js';
import { el, table, saveBlob } from '/lib/dom.js';
import { S } from './strings.js';
import { fullName, label, modesOf, reasonText } from './format.js';

// problemText says what went wrong in the focal point's words; the
// server's detail follows where ours is general.
export function problemText(err) {
  if (!err || typeof err !== 'object') return S.problems.internal;
  const ours = S.problems[err.code];
  if (err.code === 'network') return S.problems.network;
  if (ours && err.code !== 'validation_failed' && err.code !== 'conflict' && err.code !== 'not_found') return ours;
  if (ours) return S.problemWithDetail(ours, err.detail);
  return err.detail || err.message || S.problems.internal;
}

// statusPill is a nomination's status as a word in a coloured frame; the
// word, not the colour, carries the meaning.
export function statusPill(status) {
  return el('span', { class: ['status', `status-${status}`], dataset: { status } }, label(S.statuses, status));
}

// statusBlock is the status with what it means and the reason given.
export function statusBlock(n) {
  return el('div', { class: ['status-block', `status-${n.status}`] },
    el('p', { class: 'status-line' }, statusPill(n.status), ' ', el('span', null, S.statusMeaning[n.status] || '')),
    n.status_reason ? el('p', { class: 'status-reason' }, el('strong', null, `${S.reason}: `), reasonText(n.status_reason)) : null);
}

// quotaTable shows used, left and limit for each mode the event offers;
// q is the delegation's item of GET …/quotas.
export function quotaTable(ev, q) {
  const rows = modesOf(ev).map((mode) => ({ mode, ...(q && q[mode] ? q[mode] : { limit: null, used: 0, remaining: null }) }));
  const left = (r) => {
    if (r.limit === null || r.limit === undefined) return S.unlimited;
    if (r.remaining === 0) return el('span', { class: 'none-left' }, S.noneLeft);
    return String(r.remaining);
  };
  return table({
    className: 'quota',
    caption: S.quotaCaption,
    columns: [
      { label: S.quotaMode, header: true, cell: (r) => label(S.modes, r.mode) },
      { label: S.quotaUsed, cell: (r) => String(r.used ?? 0), className: 'num' },
      { label: S.quotaLeft, cell: left, className: 'num' },
      { label: S.quotaLimit, cell: (r) => (r.limit === null || r.limit === undefined ? S.unlimited : String(r.limit)), className: 'num' },
    ],
    rows,
  });
}

// ownQuota finds the delegation's item in GET …/quotas.
export async function ownQuota(ctx, code) {
  try {
    const q = await ctx.api.get(path`/events/${code}/quotas`);
    return (q.items || []).find((i) => i.delegation === ctx.delegation.code) || (q.items || [])[0] || null;
  } catch {
    return null;
  }
}

// trail is the row of links back: [[text, hash], …, text of this page].
export function trail(...steps) {
  const items = steps.map((s, i) => {
    if (Array.isArray(s)) return el('li', null, el('a', { href: `#${s[1]}` }, s[0]));
    return el('li', { 'aria-current': i === steps.length - 1 ? 'page' : null }, s);
  });
  return el('nav', { class: 'trail', 'aria-label': S.breadcrumb }, el('ol', null, items));
}

// allowed says which actions a nomination offers now (the status
// machine of the README, and the registration window for changes by a delegation).
export function allowed(n, reg) {
  const open = reg.state === 'open';
  const undecided = n.status === 'submitted' || n.status === 'waitlisted';
  return {
    edit: open && undecided,
    photo: open && undecided,
    withdraw: undecided || n.status === 'approved',
    substitute: open && (n.status === 'submitted' || n.status === 'approved'),
    badge: Boolean(n.badge && n.badge.status === 'active'),
  };
}

// badgeButton downloads an approved delegate's badge as a PDF.
export function badgeButton(ctx, code, n, { compact = false } = {}) {
  const name = fullName(n);
  const b = el('button', {
    type: 'button',
    class: compact ? 'small' : null,
    'aria-label': compact ? S.downloadBadgeOf(name) : null,
  }, S.downloadBadge);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const blob = await ctx.api.blob(path`/events/${code}/badges/${n.badge.id}/badge.pdf`);
      saveBlob(blob, `badge-${code}-${n.family_name}-${n.badge.serial}.pdf`.replace(/[^\p{L}\p{N}._-]+/gu, '_'));
      ctx.status.show(S.badgeDownloaded(name), 'ok');
    } catch (err) {
      ctx.status.show(problemText(err), 'error');
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

// heading is a screen's title with an optional line under it.
export function heading(text, sub) {
  return el('header', { class: 'screen-head' }, el('h1', null, text), sub ? el('p', { class: 'sub' }, sub) : null);
}
