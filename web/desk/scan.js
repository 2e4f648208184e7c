// The scan screen: the "Badge code" field that always takes the scanner's
// keys, and the verdict a guard reads from a metre away.

import { $, setText } from "./dom.js";
import { text, category, reason } from "./strings.js";
import { request } from "./api.js";
import { state, checkpoint } from "./device.js";
import * as store from "./store.js";
import * as sound from "./sound.js";
import * as door from "./door.js";
import * as camera from "./camera.js";

const STALE_AFTER = 15000; // an old green must not pass for a new one
const MEASURE = "desk:verdict";

let field;
let verdictEl;
let seq = 0;
let enterAt = 0;
let staleTimer = null;
let photoURL = null;
let measures = 0;

export function mount() {
  field = $("#badge-code");
  verdictEl = $("#verdict");
  $("#scan-form").addEventListener("submit", onSubmit);
  field.addEventListener("keydown", (ev) => {
    sound.unlock();
    if (ev.key === "Enter") {
      enterAt = ev.timeStamp;
    }
  });
  // A scanner types wherever the focus is. Keys meant for text that land
  // outside a text field go to the badge-code field instead; Tab and the
  // arrows still move between the buttons for a keyboard user.
  document.addEventListener("keydown", (ev) => {
    if (!visible() || document.querySelector("dialog[open]") || ev.ctrlKey || ev.metaKey || ev.altKey) {
      return;
    }
    const t = ev.target;
    if (t === field || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type !== "checkbox" && t.type !== "radio")) {
      return;
    }
    if (ev.key.length === 1 && ev.key !== " ") {
      field.focus();
    }
  }, true);
  field.addEventListener("blur", (ev) => {
    if (!ev.relatedTarget) {
      setTimeout(focus, 0);
    }
  });
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("close", () => setTimeout(focus, 0));
  }
  addEventListener("focus", focus);
  camera.mount((value) => {
    field.value = value;
    enterAt = performance.now();
    $("#scan-form").requestSubmit();
  });
  idle();
}

function visible() {
  return !$("#desk").hidden;
}

export function focus() {
  if (visible() && !document.querySelector("dialog[open]") && document.activeElement !== field) {
    field.focus();
  }
}

async function onSubmit(ev) {
  ev.preventDefault();
  sound.unlock();
  const typed = field.value;
  const started = enterAt || performance.now();
  enterAt = 0;
  field.value = "";
  field.focus();
  if (!typed.trim()) {
    return;
  }
  if (!checkpoint()) {
    document.dispatchEvent(new CustomEvent("desk:need-checkpoint"));
    return;
  }
  const mine = ++seq;
  checking(mine);
  let verdict;
  try {
    verdict = await door.scan(typed);
  } catch (err) {
    verdict = { problem: String(err?.message ?? err) };
  }
  if (mine !== seq) {
    return; // a later scan's verdict is already on its way: show that one
  }
  if (verdict.problem) {
    showProblem(verdict.problem);
    idle();
    return;
  }
  show(verdict, mine);
  measure(started, verdict.source);
  sound.play(verdict.result === "rejected" ? "rejected" : verdict.repeat ? "repeat" : "accepted");
}

// measure records the time from Enter to the verdict on the page, for
// docs/performance.md; the browser's own user-timing buffer holds it.
function measure(started, source) {
  if (++measures > 1000) {
    performance.clearMeasures(MEASURE);
    measures = 1;
  }
  performance.measure(MEASURE, { start: started, end: performance.now(), detail: { source } });
}

function checking(mine) {
  clearTimeout(staleTimer);
  $("#scan-problem").hidden = true;
  Object.assign(verdictEl.dataset, { result: "", reason: "", repeat: "false", source: "", seq: String(mine), stale: "false", state: "checking" });
  setText($("#verdict-icon"), "");
  setText($("#verdict-word"), text.checking);
  setText($("#verdict-reason"), "");
  setText($("#verdict-source"), "");
  $("#verdict-notes").replaceChildren();
  $("#holder").hidden = true;
}

function idle() {
  Object.assign(verdictEl.dataset, { state: "idle" });
  setText($("#verdict-icon"), "");
  setText($("#verdict-word"), text.ready);
  setText($("#verdict-reason"), "");
  setText($("#verdict-source"), "");
  $("#verdict-notes").replaceChildren();
  $("#holder").hidden = true;
}

export function clear() {
  seq++;
  verdictEl.dataset.result = "";
  verdictEl.dataset.seq = String(seq);
  dropPhoto();
  idle();
}

function showProblem(message) {
  const p = $("#scan-problem");
  setText(p, text.scanProblem(message));
  p.hidden = false;
}

function show(v, mine) {
  const outcome = v.result === "rejected" ? "rejected" : v.repeat ? "repeat" : "accepted";
  setText($("#verdict-icon"), { accepted: text.iconAccepted, repeat: text.iconRepeat, rejected: text.iconRejected }[outcome]);
  setText($("#verdict-word"), text[outcome]);
  setText($("#verdict-reason"), v.result === "rejected" ? reason(v.reason) : v.repeat ? text.repeatDetail : "");
  setText($("#verdict-source"), v.source === "device" ? text.judgedOnDevice : "");
  $("#verdict-notes").replaceChildren(...v.notes.map((n) => Object.assign(document.createElement("li"), { textContent: text.notes[n] ?? n })));
  showHolder(v.holder, mine);
  // The attributes last: a reader of the page (a test, a screen reader's
  // live region) sees the verdict complete.
  Object.assign(verdictEl.dataset, {
    result: v.result, reason: v.reason ?? "", repeat: String(!!v.repeat), source: v.source,
    outcome, seq: String(mine), state: "verdict", stale: "false",
  });
  staleTimer = setTimeout(() => {
    verdictEl.dataset.stale = "true";
  }, STALE_AFTER);
}

function showHolder(holder, mine) {
  const box = $("#holder");
  const img = $("#holder-photo");
  dropPhoto();
  img.hidden = true;
  if (!holder) {
    box.hidden = true;
    return;
  }
  setText($("#holder-name"), holder.name);
  setText($("#holder-delegation"), holder.delegation);
  const cat = $("#holder-category");
  setText(cat, category(holder.category));
  cat.dataset.category = holder.category;
  box.hidden = false;
  if (holder.photo) {
    loadPhoto(holder, mine).catch(() => {});
  }
}

function dropPhoto() {
  if (photoURL) {
    URL.revokeObjectURL(photoURL);
    photoURL = null;
  }
}

// loadPhoto shows the stored thumbnail when the device holds the roster,
// else fetches the photo with the device's token (an <img src> could not
// send it). The verdict is already on screen; the photo follows.
async function loadPhoto(holder, mine) {
  let blob = null;
  if (holder.badgeId && state.photos.has(holder.badgeId)) {
    blob = (await store.get("photos", holder.badgeId))?.blob ?? null;
  }
  if (!blob && holder.photo !== "stored" && holder.photo.startsWith("/v1/")) {
    // The thumbnail (at most 240 px high) is all the verdict needs.
    const url = holder.photo.includes("size=") ? holder.photo : `${holder.photo}${holder.photo.includes("?") ? "&" : "?"}size=thumb`;
    blob = await request("GET", url, { as: "blob", timeout: 5000 });
  }
  if (!blob || mine !== seq) {
    return;
  }
  dropPhoto();
  photoURL = URL.createObjectURL(blob);
  const img = $("#holder-photo");
  img.src = photoURL;
  img.alt = text.photoOf(holder.name);
  img.hidden = false;
}
