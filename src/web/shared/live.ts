/**
 * Live notifications for open pages: one EventSource on /api/v1/live per tab while someone is
 * logged in (src/platform/notify/inbox.routes.ts). Pages subscribe to hear that something
 * arrived and read the unread count; the browser reconnects by itself after a network drop.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { getSession, subscribeSession } from './session.js';

export interface LiveNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
}

interface LiveState {
  connected: boolean;
  unread: number | null;
  latest: LiveNotification | null;
  /** Bumped on every arrival, so effects can depend on it. */
  arrivals: number;
}

let state: LiveState = { connected: false, unread: null, latest: null, arrivals: 0 };
const listeners = new Set<() => void>();
const arrivalHandlers = new Set<(n: LiveNotification) => void>();
let source: EventSource | null = null;
let sourceUser: string | null = null;

function set(next: Partial<LiveState>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

function sync() {
  const session = getSession();
  const user = session.status === 'ready' ? session.me.id : null;
  if (user === sourceUser) return;
  source?.close();
  source = null;
  sourceUser = user;
  set({ connected: false, unread: null, latest: null });
  if (!user || typeof EventSource === 'undefined') return;
  const es = new EventSource('/api/v1/live');
  source = es;
  es.addEventListener('open', () => set({ connected: true }));
  es.addEventListener('error', () => set({ connected: false }));
  es.addEventListener('hello', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { unread: number };
    set({ unread: data.unread, connected: true });
  });
  es.addEventListener('notification', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { unread: number; latest: LiveNotification | null };
    set({ unread: data.unread, latest: data.latest, arrivals: state.arrivals + 1 });
    if (data.latest) for (const h of arrivalHandlers) h(data.latest);
  });
}

let started = false;
function start() {
  if (started) return;
  started = true;
  subscribeSession(sync);
  sync();
}

function subscribe(listener: () => void) {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The live state: unread count (null until known) and how many notifications arrived. */
export function useLive(): LiveState {
  return useSyncExternalStore(subscribe, () => state);
}

/** Calls `handler` for each notification that arrives while the component is mounted. */
export function useArrivals(handler: (n: LiveNotification) => void) {
  useEffect(() => {
    start();
    arrivalHandlers.add(handler);
    return () => {
      arrivalHandlers.delete(handler);
    };
  }, [handler]);
}

/**
 * Live signals of one topic (`survey:<id>` …) from GET /api/v1/live/topics: calls `onSignal`
 * after each committed change while the component is mounted (and once on every (re)connect, so
 * a page that missed signals during a network drop catches up). No inbox row is involved.
 */
export function useTopic(topic: string | null, onSignal: () => void) {
  useEffect(() => {
    if (!topic || typeof EventSource === 'undefined') return;
    const es = new EventSource(`/api/v1/live/topics?topic=${encodeURIComponent(topic)}`);
    const fire = () => onSignal();
    es.addEventListener('hello', fire);
    es.addEventListener('signal', fire);
    return () => es.close();
  }, [topic, onSignal]);
}
