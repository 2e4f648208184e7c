// Giving delegations access: a focal point's token, shown once as the
// portal's sign-in link, and the list of every token to revoke them.

import { el, field, select } from '/lib/dom.js';
import { readForm, showErrors, clearErrors } from '/lib/form.js';
import { T, label } from './strings.js';
import { delegations, delegationName, busy, section } from './common.js';
import { tokenTable, copyButton } from './tokens.js';

const A = T.access;

export async function render(ctx) {
  const { api, main } = ctx;
  const dels = await delegations(api);
  const sorted = [...dels].sort((a, b) => a.name.localeCompare(b.name));
  const result = el('div', { class: 'once' });
  const form = el('form', { novalidate: true },
    el('div', { class: 'grid' },
      field(A.name, el('input', { name: 'name', required: true, autocomplete: 'off' })),
      field(A.delegation, select({ name: 'delegation', required: true }, [['', '—'], ...sorted.map((d) => [d.code, `${d.name} (${d.code})`])], '')),
      field(A.expires, el('input', { name: 'expires_at', type: 'date' }), { hint: A.expiresHint })),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, A.submit)));
  const roleFilter = select({ name: 'role-filter' }, [['delegation', label('role', 'delegation')], ['security', label('role', 'security')],
    ['secretariat', label('role', 'secretariat')], ['', A.allRoles]], 'delegation');
  const listBox = el('div');
  const drawList = async () => {
    const role = roleFilter.value;
    listBox.replaceChildren(await tokenTable(ctx, {
      keep: (t) => !role || t.role === role,
      columns: [
        { label: A.role, cell: (t) => label('role', t.role) },
        { label: A.delegation, cell: (t) => (t.delegation ? delegationName(dels, t.delegation) : T.none) },
        { label: A.event, cell: (t) => t.event || T.none },
      ],
      empty: A.empty, onChange: drawList,
    }));
  };
  roleFilter.addEventListener('change', drawList);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const b = readForm(form, { dropEmpty: true });
    b.role = 'delegation';
    // The last moment of the chosen day, in the officer's time zone.
    if (b.expires_at) b.expires_at = new Date(`${b.expires_at}T23:59:59`).toISOString();
    try {
      const t = await busy(form.querySelector('[type=submit]'), () => api.post('/tokens', b));
      showLink(ctx, result, t, delegationName(dels, t.delegation));
      form.reset();
      await drawList();
    } catch (err) {
      showErrors(form, err);
    }
  });
  main.replaceChildren(
    el('h1', null, A.title),
    el('p', { class: 'lead' }, A.intro),
    section(A.create, form, result),
    section(A.tokens, field(A.roleFilter, roleFilter), listBox));
  await drawList();
}

// showLink shows the sign-in link once; leaving the screen forgets it.
function showLink(ctx, box, t, delegationName) {
  const link = `${location.origin}/portal/#token=${encodeURIComponent(t.token)}`;
  const input = el('input', { name: 'portal-link', readOnly: true, value: link, class: 'mono', spellcheck: 'false' });
  box.replaceChildren(el('div', { class: 'callout', role: 'group', 'aria-label': A.linkTitle(t.name) },
    el('h3', null, A.linkTitle(`${t.name} · ${delegationName}`)),
    field(A.linkLabel, input),
    el('p', { class: 'hint' }, A.linkOnce),
    el('div', { class: 'actions' }, copyButton(ctx, input, A.copy))));
  input.focus();
  input.select();
}
