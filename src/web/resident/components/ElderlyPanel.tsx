import Button from 'antd-mobile/es/components/button';
import { useI18n } from '../../shared/i18n.js';
import { ELDERLY_SIZES, setElderly, stepElderlySize, useElderly } from '../elderly.js';

/** Turns 长辈模式 on and off and, once on, steps the text size with A- / A+. */
export function ElderlyPanel({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const { t, locale } = useI18n();
  const { on, size } = useElderly();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const min = ELDERLY_SIZES[0];
  const max = ELDERLY_SIZES[ELDERLY_SIZES.length - 1];
  return (
    <section className="r-card r-elderly-entry" aria-labelledby="elderly-title" data-testid="elderly-entry">
      <div className="r-elderly-entry-head">
        <span className="r-elderly-badge" aria-hidden="true">
          {locale === 'en' ? 'A' : '长'}
        </span>
        <div>
          <Heading id="elderly-title" className="r-elderly-title">
            {t('elderly.title')}
          </Heading>
          <div className="r-muted">{on ? `✓ ${t('elderly.isOn')}` : t('elderly.subtitle')}</div>
        </div>
      </div>
      {on && (
        <>
          <div className="r-font-steps" role="group" aria-label={t('elderly.fontSize')}>
            <Button aria-label={t('elderly.smaller')} disabled={size <= min} onClick={() => stepElderlySize(-1)} data-testid="font-smaller">
              A-
            </Button>
            <span className="r-font-current" aria-live="polite" data-testid="font-current">
              {t('elderly.current', { size })}
            </span>
            <Button aria-label={t('elderly.larger')} disabled={size >= max} onClick={() => stepElderlySize(1)} data-testid="font-larger">
              A+
            </Button>
          </div>
          <p className="r-sample">{t('elderly.sample')}</p>
        </>
      )}
      <Button block color={on ? 'default' : 'primary'} size="large" aria-pressed={on} onClick={() => setElderly(!on)} data-testid="elderly-toggle">
        {on ? t('elderly.turnOff') : t('elderly.turnOn')}
      </Button>
    </section>
  );
}
