/**
 * Who is logged in, shared by both apps. The session cookie is httpOnly, so a small hint in
 * localStorage says whether asking /auth/me is worth it: an anonymous visit then makes no
 * request that is bound to fail (and no 401 in the browser console).
 */
import { useSyncExternalStore } from 'react';
import { api, ApiError, setCsrfToken, setSessionLostHandler } from './api.js';
import type { Me } from './types.js';

const HINT_KEY = 'linli.session';

export type SessionState =
  | { status: 'loading'; me: null }
  | { status: 'anonymous'; me: null; reason?: 'expired' }
  | { status: 'ready'; me: Me };

let state: SessionState = { status: 'loading', me: null };
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

function hint(on: boolean) {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1');
    else localStorage.removeItem(HINT_KEY);
  } catch {
    // without storage we just ask the server every time
  }
}

function hasHint(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true;
  }
}

setSessionLostHandler(() => {
  if (state.status !== 'ready') return;
  hint(false);
  setCsrfToken(null);
  set({ status: 'anonymous', me: null, reason: 'expired' });
});

function accept(me: Me) {
  setCsrfToken(me.csrfToken);
  hint(true);
  set({ status: 'ready', me });
  return me;
}

let loading: Promise<void> | null = null;

/** Finds out once who is logged in. */
export function loadSession(): Promise<void> {
  loading ??= (async () => {
    if (!hasHint()) return set({ status: 'anonymous', me: null });
    try {
      accept(await api.get<Me>('/api/v1/auth/me'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) hint(false);
      set({ status: 'anonymous', me: null });
    }
  })();
  return loading;
}

export async function refreshMe(): Promise<Me> {
  return accept(await api.get<Me>('/api/v1/auth/me'));
}

export async function login(input: { username: string; password: string; totp?: string }): Promise<Me> {
  return accept(await api.post<Me>('/api/v1/auth/login', input));
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/v1/auth/logout');
  } catch {
    // the local state is cleared whatever the server said
  }
  hint(false);
  setCsrfToken(null);
  set({ status: 'anonymous', me: null });
}

export function getSession(): SessionState {
  return state;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}
