import Button from 'antd-mobile/es/components/button';
import { LOCALES, useI18n } from '../../shared/i18n.js';

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="r-lang" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((l) => (
        <Button key={l} color={locale === l ? 'primary' : 'default'} aria-pressed={locale === l} onClick={() => setLocale(l)} data-testid={`lang-${l}`}>
          {locale === l ? '✓ ' : ''}
          {t(`lang.${l}`)}
        </Button>
      ))}
    </div>
  );
}
