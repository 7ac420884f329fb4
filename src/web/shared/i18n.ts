/**
 * The web app's own words, zh-CN first and English second. The choice is remembered in
 * localStorage and mirrored into a `lang` cookie so that the server's error messages follow it.
 */
import { useSyncExternalStore } from 'react';
import type { Locale } from './types.js';
import { baseMessages } from './messages.js';

export type { Locale };
export type Messages = Record<string, { 'zh-CN': string; en: string }>;

export const LOCALES: Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'linli.lang';
const COOKIE_MAX_AGE = 365 * 24 * 3600;

const dictionaries: Record<Locale, Record<string, string>> = { 'zh-CN': {}, en: {} };

/** Each part of the app adds its words; a key defined twice with other words is a bug. */
export function addMessages(messages: Messages): void {
  for (const [key, m] of Object.entries(messages)) {
    const existing = dictionaries['zh-CN'][key];
    if (existing !== undefined && existing !== m['zh-CN']) throw new Error(`i18n key ${key} defined twice`);
    dictionaries['zh-CN'][key] = m['zh-CN'];
    dictionaries.en[key] = m.en;
  }
}
addMessages(baseMessages);

function isLocale(v: unknown): v is Locale {
  return v === 'zh-CN' || v === 'en';
}

function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function readStored(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be disabled (private mode, policies)
  }
}

function writeCookie(locale: Locale) {
  if (typeof document === 'undefined') return;
  document.cookie = `lang=${locale}; path=/; max-age=${COOKIE_MAX_AGE}; SameSite=Lax`;
}

function initialLocale(): Locale {
  const stored = readStored();
  if (isLocale(stored)) return stored;
  const cookie = readCookie('lang');
  if (isLocale(cookie)) return cookie;
  return 'zh-CN';
}

let current: Locale = initialLocale();
const listeners = new Set<() => void>();

function applyToDocument(locale: Locale) {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = locale;
  // Keep the cookie in step even when only localStorage remembered the choice.
  if (readCookie('lang') !== locale) writeCookie(locale);
}
applyToDocument(current);

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  if (!isLocale(locale) || locale === current) return;
  current = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // the cookie alone still carries the choice
  }
  writeCookie(locale);
  applyToDocument(locale);
  for (const l of listeners) l();
}

export function subscribeLocale(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `t('org.children', { count: 3 })`: falls back to Chinese, then to the key itself. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = dictionaries[current][key] ?? dictionaries['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, p: string) => (params[p] !== undefined ? String(params[p]) : `{${p}}`));
}

export function hasMessage(key: string): boolean {
  return dictionaries['zh-CN'][key] !== undefined;
}

/** Re-renders the calling component when the language changes. */
export function useI18n() {
  const locale = useSyncExternalStore(subscribeLocale, getLocale, getLocale);
  return { locale, t, setLocale };
}
