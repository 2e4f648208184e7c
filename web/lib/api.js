// The one way the browser apps talk to the server: every request carries
// the bearer token and a timeout, and every failure — a problem+json
// answer, a timeout, no network — arrives as an ApiError the screens can
// show field by field or row by row.

const JSON_TYPE = 'application/json';

// apiTexts are the details of failures that have no answer to quote; an
// app sets them from its strings module.
export const apiTexts = {
  timeout: (seconds) => `no answer within ${seconds} s`,
  offline: 'the server cannot be reached',
};

// ApiError is a failed call. `code` is the problem's machine-readable code
// (api/openapi.yaml, Errors), `network` when no answer came; `fields` maps a JSON field
// path (`document.number`) to its message; `rows` lists an import's
// problems as {row, field, code, message}.
export class ApiError extends Error {
  constructor({ status = 0, code = 'network', title = '', detail = '', errors = [] } = {}) {
    super(detail || title || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail || title;
    this.fields = new Map();
    this.rows = [];
    for (const e of errors || []) {
      if (e.row) this.rows.push({ row: e.row, field: e.field || '', code: e.code || '', message: e.message || '' });
      else if (e.field && !this.fields.has(e.field)) this.fields.set(e.field, e.message || e.code || '');
    }
  }
}

// path builds an API path from a template, encoding each interpolated
// value: path`/events/${code}/nominations/${id}`.
export function path(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

// newKey is an Idempotency-Key. crypto.randomUUID exists only in secure
// contexts; a console opened over plain http on a LAN address is not one.
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Api {
  // token: the bearer token; onUnauthorized(error) is called on any 401
  // (the app signs out); timeout in milliseconds for ordinary calls.
  constructor(token, { base = '/v1', timeout = 20000, onUnauthorized = null } = {}) {
    this.token = token;
    this.base = base;
    this.timeout = timeout;
    this.onUnauthorized = onUnauthorized;
  }

  url(p, query) {
    let u = /^(https?:|\/v1\/)/.test(p) ? p : this.base + p;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query || {})) {
      if (v === undefined || v === null || v === '') continue;
      for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
    }
    const s = q.toString();
    if (s) u += (u.includes('?') ? '&' : '?') + s;
    return u;
  }

  // request is the one fetch. as: 'json' (default; null for 204), 'blob', 'response'.
  async request(method, p, { query, body, type, headers = {}, idempotencyKey, timeout, as = 'json' } = {}) {
    const h = new Headers(headers);
    h.set('Authorization', `Bearer ${this.token}`);
    if (as === 'json') h.set('Accept', `${JSON_TYPE}, application/problem+json`);
    let payload = body;
    if (body !== undefined && !(body instanceof Blob) && !(body instanceof FormData)) {
      payload = JSON.stringify(body);
      h.set('Content-Type', JSON_TYPE);
    } else if (body instanceof Blob) {
      h.set('Content-Type', type || body.type || 'application/octet-stream');
    }
    if (idempotencyKey) h.set('Idempotency-Key', idempotencyKey);
    const ctrl = new AbortController();
    const ms = timeout || this.timeout;
    const timer = setTimeout(() => ctrl.abort(), ms);
    let res;
    try {
      res = await fetch(this.url(p, query), { method, headers: h, body: payload, signal: ctrl.signal, cache: 'no-store' });
      if (!res.ok) throw await problemOf(res);
      if (as === 'response') return res;
      if (as === 'blob') return await res.blob();
      if (res.status === 204) return null;
      const text = await res.text();
      return text ? JSON.parse(text) : null;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError({
        code: 'network',
        detail: ctrl.signal.aborted ? apiTexts.timeout(Math.round(ms / 1000)) : apiTexts.offline,
      });
      if (e.status === 401 && this.onUnauthorized) this.onUnauthorized(e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  get(p, query, opts) { return this.request('GET', p, { ...opts, query }); }
  post(p, body = {}, opts) { return this.request('POST', p, { ...opts, body }); }
  patch(p, body, opts) { return this.request('PATCH', p, { ...opts, body }); }
  put(p, body, opts) { return this.request('PUT', p, { ...opts, body }); }
  del(p, opts) { return this.request('DELETE', p, opts); }

  // upload sends a file as the raw body with the file's own type.
  upload(p, file, { method = 'PUT', query, timeout = 120000 } = {}) {
    return this.request(method, p, { body: file, type: file.type, query, timeout });
  }

  // blob fetches a PDF, CSV, XLSX or PNG; a batch print may take a while.
  blob(p, query, { method = 'GET', body, timeout = 180000 } = {}) {
    return this.request(method, p, { query, body, timeout, as: 'blob' });
  }

  // pages walks a list page by page: for await (const page of api.pages(…)).
  // Each page is {items, next_cursor}; it stops after the last one.
  async *pages(p, query = {}) {
    let cursor = '';
    do {
      const page = await this.get(p, { ...query, cursor });
      yield page;
      cursor = page.next_cursor || '';
    } while (cursor);
  }

  // all gathers every item of a short list (delegations, checkpoints).
  async all(p, query = {}) {
    const out = [];
    for await (const page of this.pages(p, { limit: 500, ...query })) out.push(...(page.items || []));
    return out;
  }
}

async function problemOf(res) {
  let body = {};
  try {
    const text = await res.text();
    if (/json/.test(res.headers.get('Content-Type') || '')) body = JSON.parse(text);
    else if (text) body = { detail: text.slice(0, 200) };
  } catch { /* not JSON: keep the status alone */ }
  return new ApiError({
    status: res.status,
    code: body.code || `http_${res.status}`,
    title: body.title || res.statusText,
    detail: body.detail || '',
    errors: body.errors,
  });
}
