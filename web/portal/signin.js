// Signing in by pasting a token, for a focal point whose link was split
// by an email program or typed from a letter.

import { el, field, uid } from '/lib/dom.js';
import { S } from './strings.js';

// render shows the form; onToken(token) answers '' when signed in, else
// the problem to show.
export function render({ message, kind = 'error', onToken }) {
  const input = el('input', {
    type: 'text', name: 'token', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', required: true,
  });
  const problem = el('p', { class: ['notice', kind], id: uid('signin'), role: kind === 'error' ? 'alert' : 'status' }, message || '');
  problem.hidden = !message;
  const button = el('button', { type: 'submit', class: 'primary' }, S.signIn);
  const form = el('form', { class: 'signin', novalidate: true },
    el('h1', null, S.signInTitle),
    el('p', null, S.signInIntro),
    problem,
    field(S.tokenLabel, input, { hint: S.tokenHint }),
    el('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    // The whole sign-in link pasted is as good as the token in it.
    const raw = input.value.replace(/\s+/g, '');
    const m = /[#&?]token=([^&]+)/.exec(raw);
    let token = raw;
    if (m) { try { token = decodeURIComponent(m[1]); } catch { token = m[1]; } }
    const say = (text) => {
      problem.textContent = text;
      problem.className = 'notice error';
      problem.setAttribute('role', 'alert');
      problem.hidden = !text;
      if (text) input.setAttribute('aria-invalid', 'true');
    };
    if (!token) {
      say(S.tokenMissing);
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = S.signInChecking;
    const failed = await onToken(token);
    if (failed && form.isConnected) {
      say(failed);
      button.disabled = false;
      button.textContent = S.signIn;
      input.focus();
    }
  });
  return el('section', { class: 'narrow' }, form);
}
