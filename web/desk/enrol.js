// Enrolment: the device exchanges the one-time code of the lane's QR for
// its own security token (POST /v1/enrol). The code arrives in the
// address's fragment, which never reaches a server or its logs, and is
// removed from the address at once.

import { $, setText } from "./dom.js";
import { text } from "./strings.js";
import { request, Problem } from "./api.js";
import { state } from "./device.js";

let enrolHandler = null;

export function mount(onEnrol) {
  enrolHandler = onEnrol;
  $("#enrol-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const code = $("#enrol-code").value.trim().toUpperCase();
    if (code) {
      enrolHandler(code);
    }
  });
}

// takeCode reads #enrol=CODE and leaves the address without it, so that
// it is neither bookmarked nor shown to the next person at the desk.
export function takeCode() {
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get("enrol");
  if (code !== null) {
    history.replaceState(null, "", location.pathname + location.search);
  }
  return code ? code.trim().toUpperCase() : "";
}

// show presents the enrolment screen; notice is why the device is here
// (signed out, revoked); pendingCode prefills a code that needs the
// guard's confirmation (enrolling again would drop queued scans).
export function show({ notice = "", pendingCode = "" } = {}) {
  const n = $("#enrol-notice");
  setText(n, notice);
  n.hidden = !notice;
  $("#enrol-problem").hidden = true;
  $("#enrol-code").value = pendingCode;
  const replace = $("#enrol-replace");
  replace.hidden = !(state.pending > 0 && state.device);
  setText(replace, text.enrolReplace(state.pending));
  $("#enrol-submit").disabled = false;
  setText($("#enrol-submit"), text.enrol);
}

export function focus() {
  $("#enrol-code").focus();
}

// enrol asks the server for the device's token.
export async function enrol(code) {
  const button = $("#enrol-submit");
  button.disabled = true;
  setText(button, text.enrolling);
  $("#enrol-problem").hidden = true;
  try {
    return await request("POST", "/v1/enrol", { body: { code }, auth: false });
  } catch (err) {
    const p = $("#enrol-problem");
    setText(p, err instanceof Problem && err.status === 401 ? text.enrolFailed : err.message);
    p.hidden = false;
    return null;
  } finally {
    button.disabled = false;
    setText(button, text.enrol);
  }
}
