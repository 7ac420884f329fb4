/**
 * 长辈模式 (适老化) following the MIIT rules for apps and sites: main text at least 18 px and
 * adjustable to at least 30 px, line height at least 1.3, a high-contrast palette, touch
 * targets at least 60×60 px, no pop-ups. Remembered in localStorage and applied to <html>
 * by the entry module before React renders anything (the CSP forbids an inline script).
 */
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'linli.elderly';
/** The A-/A+ steps, in CSS px. The first is the rules' minimum for main text. */
export const ELDERLY_SIZES = [18, 20, 22, 24, 27, 30, 33] as const;
export const ELDERLY_DEFAULT_SIZE = 20;

export interface ElderlyState {
  on: boolean;
  size: number;
}

function read(): ElderlyState {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const v = JSON.parse(raw) as Partial<ElderlyState>;
      const size = ELDERLY_SIZES.includes(v.size as never) ? (v.size as number) : ELDERLY_DEFAULT_SIZE;
      return { on: v.on === true, size };
    }
  } catch {
    // a broken or blocked store means the standard mode
  }
  return { on: false, size: ELDERLY_DEFAULT_SIZE };
}

let state: ElderlyState = read();
const listeners = new Set<() => void>();

export function applyElderly(s: ElderlyState = state): void {
  const html = document.documentElement;
  html.classList.toggle('elderly', s.on);
  html.style.setProperty('--elder-size', `${s.size}px`);
}

function commit(next: ElderlyState) {
  state = next;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // still applied for this visit
  }
  applyElderly(next);
  for (const l of listeners) l();
}

export function getElderly(): ElderlyState {
  return state;
}

export function setElderly(on: boolean): void {
  commit({ ...state, on });
}

/** One step larger (+1) or smaller (-1) along ELDERLY_SIZES. */
export function stepElderlySize(direction: 1 | -1): void {
  const i = ELDERLY_SIZES.indexOf(state.size as never);
  const next = ELDERLY_SIZES[Math.min(ELDERLY_SIZES.length - 1, Math.max(0, (i < 0 ? 1 : i) + direction))]!;
  commit({ ...state, size: next });
}

export function useElderly(): ElderlyState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getElderly,
    getElderly,
  );
}
