import { Empty } from 'antd';
import { useI18n } from '../../shared/i18n.js';

/** Shown when the server has no such endpoint yet: another module that is not installed. */
export function NotEnabled({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <Empty
      data-testid="not-enabled"
      description={
        <>
          <div style={{ fontWeight: 600 }}>{t('console.notEnabled')}</div>
          <div style={{ color: '#4b5563' }}>{t('console.notEnabledHint', { path })}</div>
        </>
      }
    />
  );
}
