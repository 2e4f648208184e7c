// The token list shared by the focal points' screen and the door
// devices': without secrets, with when each was last seen, and Revoke.

import { el, table, confirm, fmtDateTime } from '/lib/dom.js';
import { path } from '/lib/api.js';
import { T, label } from './strings.js';
import { problemText } from './common.js';

const A = T.access;

export function tokenState(t) {
  if (t.revoked_at) return 'revoked';
  if (t.expires_at && new Date(t.expires_at) < new Date()) return 'expired';
  return 'active';
}

// tokenTable lists tokens; keep(t) chooses which; onChange redraws after
// a revocation.
export async function tokenTable(ctx, { keep, columns: extra = [], empty, onChange }) {
  const all = await ctx.api.all('/tokens');
  const rows = all.filter(keep).sort((a, b) => (tokenState(a) === 'active' ? 0 : 1) - (tokenState(b) === 'active' ? 0 : 1));
  return table({
    className: 'tokens',
    columns: [
      { label: A.tokenName, header: true, cell: (t) => t.name },
      ...extra,
      { label: A.lastSeen, cell: (t) => (t.last_seen_at ? fmtDateTime(t.last_seen_at) : A.never) },
      { label: A.expiresAt, cell: (t) => (t.expires_at ? fmtDateTime(t.expires_at) : T.none) },
      { label: A.state, cell: (t) => el('span', { class: 'chip token-state', dataset: { state: tokenState(t) } }, A[tokenState(t)]) },
      {
        label: '', cell: (t) => (tokenState(t) === 'revoked' ? '' : el('button', {
          type: 'button', class: 'danger', 'aria-label': A.revokeNamed(t.name),
          onclick: () => revoke(ctx, t, onChange),
        }, A.revoke)),
      },
    ],
    rows, empty,
    rowAttrs: (t) => ({ dataset: { tokenId: t.id, state: tokenState(t) } }),
  });
}

async function revoke(ctx, t, onChange) {
  const ok = await confirm({ title: A.revokeTitle(t.name), message: A.revokeText, ok: A.revoke, danger: true });
  if (!ok) return;
  try {
    await ctx.api.del(path`/tokens/${t.id}`);
    await onChange();
    ctx.status.show(A.revokedOk(t.name), 'ok');
  } catch (err) {
    ctx.status.show(problemText(err), 'error');
  }
}

export function roleLabel(r) { return label('role', r); }

// copyButton copies an input's value: the clipboard API where the page is
// a secure context, else the selection (plain http on a LAN address).
export function copyButton(ctx, input, text) {
  return el('button', {
    type: 'button', class: 'primary',
    onclick: async () => {
      try {
        if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(input.value);
        else {
          input.select();
          if (!document.execCommand('copy')) throw new Error('copy');
        }
        ctx.status.show(A.copied, 'ok');
      } catch {
        input.select();
        ctx.status.show(A.copyFailed, 'error');
      }
    },
  }, text);
}
