/** The page an anonymous visitor asked for, so login can take them there. */
let returnTo: string | null = null;

export function rememberReturnTo(path: string): void {
  if (path && path !== '/login' && path.startsWith('/')) returnTo = path;
}

export function takeReturnTo(): string {
  const to = returnTo ?? '/';
  returnTo = null;
  return to;
}
