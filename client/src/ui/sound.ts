import { signal } from '@preact/signals';

const soundKey = 'cercle.sound';

/**
 * The audible signals (the warning before a phase ends, TM-8, and zero) are opt-in: eight laptops beeping
 * at once in a call is a nuisance.
 */
export const soundEnabled = signal(readSetting());

function readSetting(): boolean {
  try {
    return localStorage.getItem(soundKey) === 'on';
  } catch {
    return false;
  }
}

let audio: AudioContext | null = null;

export function setSound(on: boolean): void {
  soundEnabled.value = on;
  try {
    localStorage.setItem(soundKey, on ? 'on' : 'off');
  } catch {
    // lasts for this page
  }
  // Browsers allow audio only after a gesture: this click is it.
  if (on) {
    audio ??= new AudioContext();
    void audio.resume();
  }
}

/** Three short soft tones, made on the spot (no audio file to load). */
export function chime(): void {
  tones([660, 660, 880]);
}

/** TM-8: one soft low tone a few minutes before a phase ends (unlike the chime at zero). */
export function cue(): void {
  tones([440]);
}

function tones(frequencies: number[]): void {
  if (!soundEnabled.value) return;
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    frequencies.forEach((frequency, i) => {
      const offset = i * 0.35;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, ctx.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + offset + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.32);
    });
  } catch {
    // no audio device: the visual signal remains
  }
}
