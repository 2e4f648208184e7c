// Dates, deadlines and names as a focal point reads them: times in the
// event's own time zone (a deadline in Vienna is a Vienna hour, wherever
// the ministry is) and relative ("closes in 3 days").

import { S } from './strings.js';

const MINUTE = 60e3;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// when shows an RFC 3339 time in the time zone tz with the zone's name.
export function when(iso, tz) {
  if (!iso) return '';
  const d = new Date(iso);
  const opts = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(S.locale, { ...opts, timeZone: tz || undefined }).format(d);
  } catch {
    return new Intl.DateTimeFormat(S.locale, opts).format(d); // an unknown zone: the reader's own
  }
}

// day shows a YYYY-MM-DD date as written, without any time zone shift.
export function day(ymd) {
  if (!ymd) return '';
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return new Intl.DateTimeFormat(S.locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}

// days shows an event's dates as one range ("12–14 March 2027").
export function days(from, to) {
  const a = new Date(`${from}T00:00:00Z`);
  const b = new Date(`${to || from}T00:00:00Z`);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return [from, to].filter(Boolean).join(' – ');
  const f = new Intl.DateTimeFormat(S.locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  return f.formatRange ? f.formatRange(a, b) : `${f.format(a)} – ${f.format(b)}`;
}

// relative says how far iso is from now: "in 3 days", "tomorrow",
// "in 5 hours", "2 days ago".
export function relative(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat(S.locale, { numeric: 'auto' });
  const abs = Math.abs(ms);
  if (abs < HOUR) return rtf.format(Math.round(ms / MINUTE), 'minute');
  if (abs < 2 * DAY) return rtf.format(Math.round(ms / HOUR), 'hour');
  return rtf.format(Math.round(ms / DAY), 'day');
}

// registration says where an event's registration stands: state (open,
// not_yet, closed), a sentence with the deadline in the event's zone, and
// the relative part.
export function registration(ev, now = Date.now()) {
  const opens = ev.registration_opens_at && new Date(ev.registration_opens_at).getTime();
  const closes = ev.registration_closes_at && new Date(ev.registration_closes_at).getTime();
  if (ev.status !== 'open') {
    return { state: 'closed', text: closes && closes < now ? S.regClosedOn(when(ev.registration_closes_at, ev.timezone)) : S.regClosed, rel: '' };
  }
  if (opens && now < opens) {
    return { state: 'not_yet', text: S.regOpensOn(when(ev.registration_opens_at, ev.timezone)), rel: S.regOpensRel(relative(ev.registration_opens_at, now)) };
  }
  if (closes && now >= closes) {
    return { state: 'closed', text: S.regClosedOn(when(ev.registration_closes_at, ev.timezone)), rel: '' };
  }
  if (!closes) return { state: 'open', text: S.regOpenNoDeadline, rel: '' };
  return { state: 'open', text: S.regOpenUntil(when(ev.registration_closes_at, ev.timezone)), rel: S.regClosesRel(relative(ev.registration_closes_at, now)) };
}

// modesOf are the participation modes an event offers.
export function modesOf(ev) {
  if (ev.format === 'in_person') return ['in_person'];
  if (ev.format === 'online') return ['online'];
  return ['in_person', 'online'];
}

// fullName is how a nomination is named on screen: title and names.
export function fullName(n) {
  return [n.honorific, n.given_name, n.family_name].filter(Boolean).join(' ');
}

// label names a code with the strings' word for it, or the code itself.
export function label(table, code) {
  return (table && table[code]) || code || S.none;
}

// reasonText turns a status reason into words where the server's is a code.
export function reasonText(reason) {
  return S.reasons[reason] || reason;
}

// sessionText names an agenda item with its time in the event's zone and
// its room.
export function sessionText(s, tz) {
  let t = '';
  try {
    const f = new Intl.DateTimeFormat(S.locale, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: tz || undefined });
    t = f.formatRange ? f.formatRange(new Date(s.starts_at), new Date(s.ends_at)) : f.format(new Date(s.starts_at));
  } catch {
    t = s.starts_at;
  }
  return `${s.title} — ${S.sessionWhen(t, s.room)}`;
}
