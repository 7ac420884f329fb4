import { Segmented } from 'antd';
import { useI18n, type Locale } from '../../shared/i18n.js';

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <Segmented<Locale>
      aria-label={t('lang.label')}
      size="small"
      value={locale}
      onChange={(v) => setLocale(v)}
      options={[
        { label: t('lang.zh-CN'), value: 'zh-CN' },
        { label: t('lang.en'), value: 'en' },
      ]}
      data-testid="lang-switch"
    />
  );
}
