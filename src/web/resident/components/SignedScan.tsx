import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { InlineMessage } from './InlineMessage.js';

/**
 * Where a scan of a rotating signed code lands (`…?t=<token>`; src/platform/qr/signed-link.ts):
 * the token goes to the server at once, which records the scan once and says so; a forged code,
 * an expired one (a screenshot passed on) or someone not expected gets the server's own message.
 * Not logged in: log in first, then scan again.
 */
export function SignedScan<T>({
  url,
  texts,
  back,
  testId,
  children,
}: {
  /** The endpoint taking `{ token }`. */
  url: string;
  texts: { noToken: string; loginFirst: string; working: string };
  back: { href: string; label: string };
  /** `${testId}-error` on the refusal. */
  testId: string;
  children: (result: T) => ReactNode;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const token = new URLSearchParams(useSearch()).get('t') ?? '';
  const [result, setResult] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sent = useRef(false);

  useEffect(() => {
    if (session.status !== 'ready' || !token || sent.current) return;
    sent.current = true;
    api.post<T>(url, { token }).then(setResult, (e: unknown) => setError(errorMessage(e)));
  }, [session.status, token, url]);

  if (!token) return <InlineMessage kind="info">{texts.noToken}</InlineMessage>;
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{texts.loginFirst}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  if (error)
    return (
      <section className="r-card" data-testid={`${testId}-error`}>
        <InlineMessage kind="error">{error}</InlineMessage>
        <Link href={back.href} className="r-nav-link">
          <span>{back.label}</span>
          <span aria-hidden="true">›</span>
        </Link>
      </section>
    );
  if (!result) return <div className="r-loading">{texts.working}</div>;
  return <>{children(result)}</>;
}
