// The one way the desk talks to the server: every request goes through
// request(), which adds the device's token, gives up after a timeout, turns
// problem+json answers into messages, and signs the device out on a 401.

import { text } from "./strings.js";

// Unreachable means the server gave no usable answer: no connection, no
// answer in time, or a 5xx (the server or its database is down). A scan
// then is judged on the device; nothing is lost by trying again later.
export class Unreachable extends Error {
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }
}

// Problem is a 4xx answer: the server understood and refused.
export class Problem extends Error {
  constructor(status, code, message, fields = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

let token = "";
let onUnauthorized = () => {};
// One controller for everything in flight, so that signing out stops every
// request at once and none of them writes to a store that is being wiped.
let inFlight = new AbortController();

export function configure(options) {
  token = options.token ?? "";
  onUnauthorized = options.onUnauthorized ?? (() => {});
}

export function abortAll() {
  inFlight.abort();
  inFlight = new AbortController();
}

// request sends method to path (under the same origin). Options: body (sent
// as JSON), timeout in ms (default 10 s), auth (default true; false for
// enrolment, where a 401 is a bad code, not a revoked device), as "json"
// (default) or "blob".
export async function request(method, path, options = {}) {
  const { body, timeout = 10000, auth = true, as = "json" } = options;
  const headers = { Accept: as === "json" ? "application/json" : "*/*" };
  if (auth) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const signal = AbortSignal.any([inFlight.signal, AbortSignal.timeout(timeout)]);
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, cache: "no-store", credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new Unreachable(err?.name === "TimeoutError" ? text.errors.timeout : text.errors.network);
  }
  if (res.ok) {
    try {
      return as === "blob" ? await res.blob() : res.status === 204 ? null : await res.json();
    } catch (err) {
      // The body broke off mid-way: as good as no answer.
      throw new Unreachable(err?.name === "TimeoutError" ? text.errors.timeout : text.errors.network);
    }
  }
  if (res.status >= 500) {
    throw new Unreachable(text.errors.server(res.status), res.status);
  }
  const problem = await readProblem(res);
  if (res.status === 401 && auth) {
    onUnauthorized();
  }
  throw problem;
}

async function readProblem(res) {
  let p = {};
  try {
    p = await res.json();
  } catch {
    // not problem+json: the status line is all there is
  }
  let message = p.detail || p.title || `HTTP ${res.status}`;
  if (res.status === 429) {
    message = text.errors.rateLimited(Number(res.headers.get("Retry-After")) || 60);
  }
  const fields = Array.isArray(p.errors) ? p.errors.map((e) => `${e.field}: ${e.message}`) : [];
  if (fields.length > 0) {
    message = `${message} (${fields.join("; ")})`;
  }
  return new Problem(res.status, p.code ?? "", message, fields);
}

// all follows next_cursor through every page of a list.
export async function all(path, options = {}) {
  const items = [];
  let cursor = "";
  const sep = path.includes("?") ? "&" : "?";
  for (;;) {
    const page = await request("GET", `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, options);
    items.push(...page.items);
    if (!page.next_cursor) {
      return items;
    }
    cursor = page.next_cursor;
  }
}

export function eventPath(event, rest = "") {
  return `/v1/events/${encodeURIComponent(event)}${rest}`;
}
