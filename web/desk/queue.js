// The queue and sync status: whether the server answers, how many scans
// wait for upload, when the device last heard from the server, how many
// uploaded scans the server judged differently, and how many people are
// inside now.

import { $, setText } from "./dom.js";
import { text, time, clock } from "./strings.js";
import { state, events, online } from "./device.js";

export function mount() {
  events.addEventListener("change", render);
  render();
}

export function render() {
  const on = online();
  const conn = $("#connection");
  conn.dataset.online = String(on);
  setText($("#connection-text"), on ? text.online : text.offline);
  // The count stays in view in the header, whatever the verdict pushes down.
  setText($("#connection-pending"), state.pending > 0 ? text.connectionPending(state.pending) : "");
  document.body.dataset.online = String(on);

  const pending = $("#pending");
  pending.dataset.pending = String(state.pending);
  setText(pending, text.pending(state.pending));

  const sync = $("#last-sync");
  sync.dataset.lastSync = state.lastSync ?? "";
  if (state.lastSync) {
    sync.dateTime = state.lastSync;
    setText(sync, time(new Date(state.lastSync)));
  } else {
    sync.removeAttribute("datetime");
    setText(sync, text.never);
  }

  const conflicts = $("#conflicts");
  conflicts.dataset.conflicts = String(state.conflicts);
  conflicts.hidden = state.conflicts === 0;
  setText(conflicts, text.conflicts(state.conflicts));

  const problem = $("#sync-problem");
  problem.hidden = !state.syncProblem;
  setText(problem, state.syncProblem ? text.syncProblem(state.syncProblem) : "");

  const inside = $("#inside");
  const total = state.presence?.total;
  inside.dataset.total = total === undefined ? "" : String(total);
  setText(inside, total === undefined ? text.insideUnknown : String(total));
  // The count is the server's; offline it is as old as the last answer.
  setText($("#inside-as-of"), state.presenceAt && !on ? `(${text.asOf(clock(new Date(state.presenceAt)))})` : "");
}
