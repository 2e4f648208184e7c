// A distinct sound per outcome, made with WebAudio so that the desk needs
// no audio files: a guard looking at the queue, not the screen, still
// knows what happened. Rising two-tone: accepted. Two equal mid tones:
// accepted again (repeat). Low buzz: rejected.

let ctx = null;
let enabled = true;

const TUNES = {
  accepted: [{ f: 880, t: 0, d: 0.09, type: "sine" }, { f: 1320, t: 0.1, d: 0.14, type: "sine" }],
  repeat: [{ f: 660, t: 0, d: 0.12, type: "triangle" }, { f: 660, t: 0.2, d: 0.12, type: "triangle" }],
  rejected: [{ f: 180, t: 0, d: 0.5, type: "square" }],
};

export function setEnabled(on) {
  enabled = on;
}

// unlock creates the audio context inside a user gesture (a key press or a
// click), which browsers require before any sound plays.
export function unlock() {
  if (ctx || typeof AudioContext === "undefined") {
    return;
  }
  try {
    ctx = new AudioContext();
  } catch {
    ctx = null;
  }
}

export function play(outcome) {
  if (!enabled || !ctx) {
    return;
  }
  if (ctx.state === "suspended") {
    ctx.resume().catch(() => {});
  }
  const start = ctx.currentTime + 0.01;
  for (const note of TUNES[outcome] ?? []) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = note.type;
    osc.frequency.value = note.f;
    // A short fade in and out: a hard edge clicks in the speaker.
    gain.gain.setValueAtTime(0, start + note.t);
    gain.gain.linearRampToValueAtTime(0.25, start + note.t + 0.01);
    gain.gain.setValueAtTime(0.25, start + note.t + note.d - 0.02);
    gain.gain.linearRampToValueAtTime(0, start + note.t + note.d);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + note.t);
    osc.stop(start + note.t + note.d + 0.01);
  }
}
