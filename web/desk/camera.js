// Scanning with the device's camera where the browser has a
// BarcodeDetector (Chromium on Android and macOS, Safari): a phone at a
// side door needs no handheld scanner. Elsewhere the button stays hidden.

import { $, setText, openDialog } from "./dom.js";
import { text } from "./strings.js";

let stream = null;
let looking = false;

export function available() {
  return typeof globalThis.BarcodeDetector === "function" && !!navigator.mediaDevices?.getUserMedia;
}

export function mount(onCode) {
  const button = $("#camera-open");
  const dialog = $("#camera");
  button.hidden = !available();
  button.addEventListener("click", () => open(onCode));
  $("#camera-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", stop);
}

async function open(onCode) {
  const dialog = $("#camera");
  const video = $("#camera-video");
  const problem = $("#camera-problem");
  problem.hidden = true;
  openDialog(dialog);
  try {
    const detector = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    video.srcObject = stream;
    await video.play();
    looking = true;
    while (looking) {
      const codes = await detector.detect(video);
      if (codes.length > 0 && looking) {
        dialog.close();
        onCode(codes[0].rawValue);
        return;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  } catch {
    setText(problem, text.cameraFailed);
    problem.hidden = false;
  }
}

function stop() {
  looking = false;
  for (const track of stream?.getTracks() ?? []) {
    track.stop();
  }
  stream = null;
  $("#camera-video").srcObject = null;
}
