// The nomination form, for a new delegate, for changes to one, and for a
// substitute. Every field of a nomination (api/openapi.yaml); the in-person ones are required only
// when the mode is in person. The server judges: its problems appear next
// to their fields, conflicts are explained in words, and a new nomination
// carries an Idempotency-Key so that a double click or a retry never
// creates two.

import { path, newKey } from '/lib/api.js';
import { el, field, select } from '/lib/dom.js';
import { showErrors, clearErrors } from '/lib/form.js';
import { S } from './strings.js';
import { day, fullName, label, modesOf, registration, sessionText } from './format.js';
import { countryOptions } from './countries.js';
import { heading, ownQuota, problemText, trail } from './parts.js';

export async function renderNew(ctx, code) {
  const [ev, sessions] = await load(ctx, code);
  const modes = modesOf(ev);
  return screen(ctx, { ev, sessions, kind: 'new', start: { mode: modes.length === 1 ? modes[0] : '' } });
}

export async function renderEdit(ctx, code, id) {
  const [ev, sessions] = await load(ctx, code);
  const n = await ctx.api.get(path`/events/${code}/nominations/${id}`);
  return screen(ctx, { ev, sessions, kind: 'edit', start: n, old: n });
}

export async function renderSubstitute(ctx, code, id) {
  const [ev, sessions] = await load(ctx, code);
  const old = await ctx.api.get(path`/events/${code}/nominations/${id}`);
  return screen(ctx, { ev, sessions, kind: 'substitute', old, start: { mode: old.mode, sessions: old.sessions, category: old.category } });
}

function load(ctx, code) {
  return Promise.all([ctx.event(code), ctx.api.all(path`/events/${code}/sessions`).catch(() => [])]);
}

const TITLES = {
  new: () => S.newTitle,
  edit: (old) => S.editTitle(fullName(old)),
  substitute: (old) => S.substituteTitle(fullName(old)),
};

function screen(ctx, { ev, sessions, kind, start, old }) {
  const code = ev.code;
  const eventHash = `/events/${encodeURIComponent(code)}`;
  const title = TITLES[kind](old);
  const steps = [[S.eventsTitle, '/events'], [ev.title, eventHash]];
  if (old) steps.push([fullName(old), `${eventHash}/nominations/${encodeURIComponent(old.id)}`]);
  const reg = registration(ev);
  const form = buildForm(ev, sessions, start, kind);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(ctx, form, { ev, kind, old });
  });
  return el('section', { class: 'nominate' },
    trail(...steps, title),
    heading(title),
    kind === 'substitute' ? el('p', { class: 'notice' }, S.substituteIntro(fullName(old))) : null,
    reg.state !== 'open' ? el('p', { class: 'notice error' }, S.problems.registration_closed) : null,
    form);
}

// --- building the form ------------------------------------------------------

function buildForm(ev, sessions, start, kind) {
  const form = el('form', { class: 'nomination-form', novalidate: true });
  const inPerson = []; // {input, mark} of the fields required for in-person only
  const F = S.fields;
  const mark = (text) => el('span', { class: 'req', 'aria-hidden': 'true' }, ` (${text})`);

  const ctl = (name, input, { required = false, forInPerson = false } = {}) => {
    input.name = name;
    const hint = typeof S.hints[name] === 'function' ? S.hints[name](day(ev.ends_on)) : S.hints[name];
    const wrap = field(F[name], input, { hint });
    const lab = wrap.querySelector('label');
    if (required) {
      input.required = true;
      lab.append(mark(S.required));
    } else if (forInPerson) {
      const m = mark(S.requiredInPerson);
      lab.append(m);
      inPerson.push({ input, mark: m });
    }
    return wrap;
  };
  const text = (name, value, attrs = {}) => el('input', { type: 'text', value: value || '', autocomplete: 'off', ...attrs });
  const v = start || {};
  const doc = v.document || {};

  // The person.
  const person = el('fieldset', { class: 'group' }, el('legend', null, S.personLegend),
    el('div', { class: 'grid' },
      ctl('honorific', text('honorific', v.honorific, { maxLength: 40, class: 'short' })),
      ctl('given_name', text('given_name', v.given_name, { maxLength: 100 }), { required: true }),
      ctl('family_name', text('family_name', v.family_name, { maxLength: 100 }), { required: true }),
      ctl('gender', select({}, [['', S.choose], ...Object.entries(S.genders)], v.gender), { required: true }),
      ctl('function', text('function', v.function, { maxLength: 200 })),
      ctl('organization', text('organization', v.organization, { maxLength: 200 })),
      ctl('email', el('input', { type: 'email', value: v.email || '', maxLength: 254, autocomplete: 'off' }), { required: true }),
      ctl('phone', el('input', { type: 'tel', value: v.phone || '', maxLength: 40, autocomplete: 'off' }))));

  // Participation: mode, category, sessions, remarks.
  const modeGroup = el('fieldset', { class: 'field choice', name: 'mode', tabIndex: -1 },
    el('legend', null, F.mode, mark(S.required)),
    modesOf(ev).map((m) => field(S.modes[m], el('input', { type: 'radio', name: 'mode', value: m, checked: v.mode === m, required: true }))));
  const sessionGroup = sessions.length ? el('fieldset', { class: 'field choice', name: 'sessions', tabIndex: -1 },
    el('legend', null, F.sessions),
    el('p', { class: 'hint' }, S.sessionsHint),
    sessions.map((s) => field(sessionText(s, ev.timezone),
      el('input', { type: 'checkbox', name: 'session', value: s.id, checked: (v.sessions || []).includes(s.id) })))) : null;
  const participation = el('fieldset', { class: 'group' }, el('legend', null, S.participationLegend),
    modeGroup,
    el('div', { class: 'grid' },
      ctl('category', select({}, [['', S.choose], ...Object.entries(S.categories)], v.category), { required: true })),
    sessionGroup,
    ctl('remarks', el('textarea', { rows: 3, maxLength: 2000 }, v.remarks || '')));

  // In person: nationality, date of birth, document.
  const docGroup = el('fieldset', { class: 'field doc', name: 'document', tabIndex: -1 },
    el('legend', null, S.documentLegend),
    el('div', { class: 'grid' },
      ctl('document.type', select({}, [['', S.choose], ...Object.entries(S.documentTypes)], doc.type), { forInPerson: true }),
      ctl('document.number', text('document.number', doc.number, { maxLength: 40, class: 'mono' }), { forInPerson: true }),
      ctl('document.expires_on', el('input', { type: 'date', value: doc.expires_on || '', min: ev.ends_on }), { forInPerson: true })));
  const inPersonSet = el('fieldset', { class: 'group in-person' }, el('legend', null, S.inPersonLegend),
    el('p', { class: 'hint' }, S.inPersonNote),
    el('div', { class: 'grid' },
      ctl('nationality', select({}, [['', S.choose], ...countryOptions(S.locale)], v.nationality), { forInPerson: true }),
      ctl('date_of_birth', el('input', { type: 'date', value: v.date_of_birth || '', max: ev.starts_on }), { forInPerson: true })),
    docGroup);

  const submitText = { new: S.submitNew, edit: S.submitEdit, substitute: S.submitSubstitute }[kind];
  form.append(el('p', { class: 'intro' }, S.formIntro), person, participation, inPersonSet,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, submitText)));

  // The in-person fields follow the mode: hidden for online, required for
  // in person, marked "required for in-person" while no mode is chosen.
  const follow = () => {
    const mode = chosenMode(form);
    inPersonSet.hidden = mode === 'online';
    for (const f of inPerson) {
      f.input.required = mode === 'in_person';
      f.mark.textContent = ` (${mode === 'in_person' ? S.required : S.requiredInPerson})`;
    }
  };
  modeGroup.addEventListener('change', follow);
  follow();
  return form;
}

function chosenMode(form) {
  const r = form.querySelector('input[name="mode"]:checked');
  return r ? r.value : '';
}

// --- reading and sending ----------------------------------------------------

// bodyOf is the nomination as JSON. Empty text is sent as "" (which
// clears a field on edit); in-person fields are left out for online.
function bodyOf(form) {
  const val = (name) => {
    const c = form.querySelector(`[name="${name}"]:not(fieldset)`);
    return c ? c.value.trim() : '';
  };
  const mode = chosenMode(form);
  const body = {
    honorific: val('honorific'),
    given_name: val('given_name'),
    family_name: val('family_name'),
    gender: val('gender'),
    function: val('function'),
    organization: val('organization'),
    email: val('email'),
    phone: val('phone'),
    category: val('category'),
    mode,
    sessions: [...form.querySelectorAll('input[name="session"]:checked')].map((c) => c.value),
    remarks: val('remarks'),
  };
  if (mode !== 'online') {
    body.nationality = val('nationality');
    body.date_of_birth = val('date_of_birth');
    const doc = { type: val('document.type'), number: val('document.number'), expires_on: val('document.expires_on') };
    body.document = doc.type || doc.number || doc.expires_on ? doc : null;
  }
  return body;
}

let attempt = null; // {key, json}: one Idempotency-Key per distinct body

async function submit(ctx, form, { ev, kind, old }) {
  const button = form.querySelector('button[type="submit"]');
  if (button.disabled) return;
  const body = bodyOf(form);
  const code = ev.code;
  button.disabled = true;
  const label0 = button.textContent;
  button.textContent = S.working;
  form.setAttribute('aria-busy', 'true');
  try {
    let n;
    if (kind === 'new') {
      const json = JSON.stringify(body);
      if (!attempt || attempt.json !== json) attempt = { key: newKey(), json };
      n = await ctx.api.post(path`/events/${code}/nominations`, body, { idempotencyKey: attempt.key });
      attempt = null;
    } else if (kind === 'edit') {
      n = await ctx.api.patch(path`/events/${code}/nominations/${old.id}`, body);
    } else {
      n = await ctx.api.post(path`/events/${code}/nominations/${old.id}/substitute`, body);
    }
    clearErrors(form);
    done(ctx, code, kind, n, old);
  } catch (err) {
    // A substitute whose answer was lost finds the old nomination already
    // replaced when sent again: show the one that took its place.
    if (kind === 'substitute' && err.code === 'invalid_transition') {
      const now = await ctx.api.get(path`/events/${code}/nominations/${old.id}`).catch(() => null);
      if (now && now.replaced_by) {
        const n = await ctx.api.get(path`/events/${code}/nominations/${now.replaced_by}`).catch(() => null);
        if (n) { done(ctx, code, kind, n, old); return; }
      }
    }
    form.removeAttribute('aria-busy');
    button.disabled = false;
    button.textContent = label0;
    await explain(ctx, form, ev, body, err);
  }
}

function done(ctx, code, kind, n, old) {
  const name = fullName(n);
  const base = `/events/${encodeURIComponent(code)}/nominations/${encodeURIComponent(n.id)}`;
  let message = kind === 'edit' ? S.saved(name) : kind === 'substitute' ? S.substituted(fullName(old), name) : S.submitted(name);
  if (n.status === 'waitlisted') message = S.submittedWaitlisted(name);
  if (kind !== 'edit' && n.mode === 'in_person' && !n.has_photo) {
    ctx.go(`${base}/photo`, `${message} ${S.submittedAddPhoto}`);
    return;
  }
  ctx.go(base, message);
}

// explain shows a failed submission: field problems next to their
// fields, conflicts in words next to the field they concern.
async function explain(ctx, form, ev, body, err) {
  const fields = new Map();
  for (const [p, message] of err.fields || []) {
    // sessions[2] is the sessions group; document.type stays as it is.
    const key = p.replace(/\[\d+\]$/, '');
    if (!fields.has(key)) fields.set(key, message);
  }
  let detail = err.code === 'validation_failed' ? '' : problemText(err);
  switch (err.code) {
    case 'quota_exceeded': {
      const q = await ownQuota(ctx, ev.code);
      const text = S.quotaExceeded(label(S.modes, body.mode).toLowerCase(), q && q[body.mode]);
      fields.set('mode', text);
      detail = '';
      break;
    }
    case 'duplicate_head':
      fields.set('category', S.problems.duplicate_head);
      detail = '';
      break;
    case 'duplicate_person':
      fields.set('email', S.problems.duplicate_person);
      detail = '';
      break;
    default:
  }
  if (err.code === 'validation_failed' && body.mode === 'in_person') {
    // The server checks the in-person fields only once every field has the
    // right shape: say at once what the next round would say.
    for (const key of missingInPerson(body)) if (!fields.has(key)) fields.set(key, S.missingInPerson);
  }
  if (err.code === 'validation_failed' && !fields.size) detail = problemText(err);
  showErrors(form, { fields, rows: [], detail, message: detail }, {
    heading: S.summaryHeading,
    fieldLabel: (p) => S.fields[p] || '',
  });
  // A group's problem (mode, sessions, the document as a whole) reads
  // best under the group's name, not below its last field.
  for (const m of form.querySelectorAll('fieldset > .field-error')) {
    const legend = m.parentElement.querySelector(':scope > legend');
    if (legend) legend.after(m);
  }
}

// missingInPerson names the empty fields that in-person participation
// requires (api/openapi.yaml).
function missingInPerson(body) {
  const out = [];
  if (!body.nationality) out.push('nationality');
  if (!body.date_of_birth) out.push('date_of_birth');
  const d = body.document;
  if (!d) out.push('document');
  else for (const k of ['type', 'number', 'expires_on']) if (!d[k]) out.push(`document.${k}`);
  return out;
}
