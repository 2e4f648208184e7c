// Settings: which checkpoint this lane is and which way it scans, among
// those the event offers, and whether the desk makes sounds. Also the
// header line that names the lane, and the sign-out confirmation.

import { $, h, setText, openDialog } from "./dom.js";
import { text } from "./strings.js";
import { state, events, changed, checkpoint } from "./device.js";
import * as store from "./store.js";
import * as sound from "./sound.js";

export function mount({ onSignOut }) {
  const dialog = $("#settings");
  $("#open-settings").addEventListener("click", () => open());
  $("#settings-checkpoint").addEventListener("change", () => renderDirections($("#settings-checkpoint").value));
  const signout = $("#signout");
  // Signing out sits in the settings, away from the buttons a guard uses
  // in a queue, and asks once more.
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "save") {
      save().catch(() => {});
    } else if (dialog.returnValue === "signout") {
      const warn = $("#signout-pending");
      warn.hidden = state.pending === 0;
      setText(warn, text.signOutPending(state.pending));
      signout.returnValue = "";
      openDialog(signout);
    }
  });
  signout.addEventListener("close", () => {
    if (signout.returnValue === "signout") {
      onSignOut();
    }
  });
  events.addEventListener("change", (ev) => {
    if (ev.detail === "device" || ev.detail === "data") {
      renderLane();
    }
  });
}

// open shows the settings; need says the lane has no usable checkpoint
// yet and must get one before scanning.
export function open(need = false) {
  const dialog = $("#settings");
  setText($("#settings-device"), state.device?.name ?? "");
  setText($("#settings-event"), state.event ? `${state.event.title} (${state.event.code})` : state.device?.event ?? "");
  const choose = $("#settings-choose");
  choose.hidden = !need && state.checkpoints.length > 0;
  setText(choose, state.checkpoints.length === 0 ? text.noCheckpoints : text.chooseCheckpoint);
  const select = $("#settings-checkpoint");
  const current = checkpoint()?.code ?? state.checkpoints[0]?.code ?? "";
  select.replaceChildren(...state.checkpoints.map((c) =>
    h("option", { value: c.code, selected: c.code === current }, `${c.name} (${c.code})`)));
  select.value = current;
  renderDirections(current);
  $("#settings-sounds").checked = state.sounds;
  setText($("#settings-roster"), state.roster.size > 0 ? text.rosterOn(state.roster.size) : text.rosterOff);
  $("#settings-save").disabled = state.checkpoints.length === 0;
  dialog.returnValue = "";
  openDialog(dialog);
}

function renderDirections(code) {
  const cp = state.checkpoints.find((c) => c.code === code);
  const allowed = !cp ? [] : cp.direction === "both" ? ["in", "out"] : [cp.direction];
  const chosen = allowed.includes(state.device?.direction) ? state.device.direction : allowed[0];
  for (const radio of document.querySelectorAll("#settings-direction input[name=direction]")) {
    radio.disabled = !allowed.includes(radio.value);
    radio.checked = radio.value === chosen;
    radio.closest("label").hidden = radio.disabled;
  }
}

async function save() {
  const code = $("#settings-checkpoint").value;
  const dir = document.querySelector("#settings-direction input[name=direction]:checked")?.value;
  state.sounds = $("#settings-sounds").checked;
  sound.setEnabled(state.sounds);
  if (code) {
    state.device = { ...state.device, checkpoint: code, direction: dir ?? state.device.direction };
  }
  await store.kv.set("device", state.device);
  await store.kv.set("sounds", state.sounds);
  changed("device");
}

// fixLane makes the stored lane one the event offers: the enrolment may
// have named none, or a checkpoint may have changed its direction. It
// answers whether the guard must choose.
export async function fixLane() {
  let cp = checkpoint();
  if (!cp && state.checkpoints.length === 1) {
    cp = state.checkpoints[0];
  }
  if (!cp) {
    return true;
  }
  const allowed = cp.direction === "both" ? ["in", "out"] : [cp.direction];
  const direction = allowed.includes(state.device.direction) ? state.device.direction : allowed[0];
  if (cp.code !== state.device.checkpoint || direction !== state.device.direction) {
    state.device = { ...state.device, checkpoint: cp.code, direction };
    await store.kv.set("device", state.device);
    changed("device");
  }
  return false;
}

export function renderLane() {
  setText($("#event-title"), state.event?.title ?? state.device?.event ?? "");
  const cp = checkpoint();
  $("#lane").hidden = !cp;
  if (cp) {
    setText($("#lane-checkpoint"), cp.name);
    const dir = $("#lane-direction");
    dir.dataset.direction = state.device.direction;
    setText(dir, state.device.direction === "out" ? text.directionOut : text.directionIn);
  }
}
