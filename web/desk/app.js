// The desk's entry: enrol or start from what the device stored, show the
// right screen, and sign the device out — wiping everything it stored —
// when asked to or when the server says its token is no longer good.

import { $ } from "./dom.js";
import { text, fill } from "./strings.js";
import * as api from "./api.js";
import * as store from "./store.js";
import { state, load, forget, events } from "./device.js";
import * as sync from "./sync.js";
import * as sound from "./sound.js";
import * as enrolScreen from "./enrol.js";
import * as scanScreen from "./scan.js";
import * as queueScreen from "./queue.js";
import * as evacuation from "./evacuation.js";
import * as settings from "./settings.js";

let wiping = null;

function screen(name) {
  document.body.dataset.screen = name;
  $("#loading").hidden = name !== "loading";
  $("#enrol").hidden = name !== "enrol";
  $("#desk").hidden = name !== "desk";
  for (const id of ["#actions", "#connection"]) {
    $(id).hidden = name !== "desk";
  }
  if (name !== "desk") {
    $("#lane").hidden = true;
    $("#event-title").textContent = "";
  }
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install takes the page over silently; a later one means
    // new files: offer a reload rather than reload under a guard's hands.
    if (hadController) {
      $("#update-ready").hidden = false;
    }
  });
  $("#update-ready").addEventListener("click", () => location.reload());
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {});
}

async function main() {
  document.title = text.documentTitle;
  fill(document);
  registerWorker();
  enrolScreen.mount((code) => enrolWith(code));
  scanScreen.mount();
  queueScreen.mount();
  evacuation.mount();
  settings.mount({ onSignOut: () => signOut(text.signedOut) });
  $("#sync-now").addEventListener("click", syncNow);
  document.addEventListener("desk:need-checkpoint", () => settings.open(true));
  events.addEventListener("change", (ev) => {
    if (ev.detail === "device") {
      settings.renderLane();
    }
  });

  const code = enrolScreen.takeCode();
  let enrolled = false;
  try {
    enrolled = await load();
  } catch {
    enrolled = false;
  }
  if (code && enrolled && state.pending > 0) {
    // Enrolling again would drop scans not yet uploaded: the guard decides.
    showEnrol({ pendingCode: code });
    return;
  }
  if (code) {
    await enrolWith(code);
  } else if (enrolled) {
    await startDesk();
  } else {
    showEnrol();
  }
}

function showEnrol(options) {
  screen("enrol");
  enrolScreen.show(options);
  enrolScreen.focus();
}

async function enrolWith(code) {
  if (document.body.dataset.screen !== "enrol") {
    showEnrol();
  }
  const answer = await enrolScreen.enrol(code);
  if (!answer) {
    enrolScreen.focus();
    return;
  }
  if (state.device) {
    await wipe();
  }
  state.device = {
    token: answer.token, token_id: answer.token_id, name: answer.name, event: answer.event,
    checkpoint: answer.checkpoint ?? "", direction: answer.direction ?? "in",
  };
  await store.kv.set("device", state.device);
  await startDesk();
}

async function startDesk() {
  api.configure({ token: state.device.token, onUnauthorized: () => signOut(text.signedOutRevoked) });
  sound.setEnabled(state.sounds);
  if (!state.event || state.keys.size === 0) {
    // Never loaded yet: nothing to judge with. Wait for the server.
    screen("loading");
    try {
      await sync.refreshAll();
    } catch {
      if (!state.device) {
        return; // signed out meanwhile
      }
      $("#loading").textContent = text.loadFailed;
      sync.start();
      const retry = (ev) => {
        if (ev.detail === "data") {
          events.removeEventListener("change", retry);
          startDesk();
        }
      };
      events.addEventListener("change", retry);
      return;
    }
  } else {
    // Start from what the device holds; fresh data follows.
    sync.refreshAll().catch(() => {});
  }
  if (!state.device) {
    return;
  }
  const needLane = await settings.fixLane();
  screen("desk");
  settings.renderLane();
  queueScreen.render();
  scanScreen.focus();
  sync.start();
  if (needLane) {
    settings.open(true);
  }
}

async function syncNow() {
  const button = $("#sync-now");
  button.disabled = true;
  try {
    await sync.syncNow();
  } catch {
    // the status line says what is wrong
  } finally {
    button.disabled = false;
    // The scanner types wherever the focus is: back to the field.
    scanScreen.focus();
  }
}

// wipe forgets everything: token, data, queue, roster, photos and the
// cached files. Several 401s at once wipe once.
function wipe() {
  wiping ??= (async () => {
    sync.stop();
    api.abortAll();
    scanScreen.clear();
    for (const d of document.querySelectorAll("dialog[open]")) {
      d.close();
    }
    forget();
    await store.wipe();
    if ("caches" in globalThis) {
      for (const key of await caches.keys()) {
        await caches.delete(key);
      }
    }
  })().finally(() => {
    wiping = null;
  });
  return wiping;
}

async function signOut(notice) {
  if (!state.device && !wiping) {
    return;
  }
  const lost = state.pending;
  await wipe();
  showEnrol({ notice: lost > 0 ? `${notice} ${text.signedOutLost(lost)}` : notice });
  document.body.dataset.signedOut = "true";
}

main();
