import { useEffect, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { Button, Card, Descriptions, Flex, Form, Input, Result, Spin, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { dayLabel, type Appointment } from '../../../shared/services-more.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import './more.messages.js';

type Outcome = { kind: 'ok'; a: Appointment } | { kind: 'error'; error: Error } | { kind: 'busy' };

/** Tokens already posted in this tab: StrictMode mounts twice, and a second post would answer 409. */
const posted = new Map<string, Promise<Appointment>>();

function checkIn(body: { token: string } | { code: string }): Promise<Appointment> {
  const key = 'token' in body ? `t:${body.token}` : `c:${body.code}`;
  let p = posted.get(key);
  if (!p) {
    p = api.post<Appointment>('/api/v1/appointments/check-in', body);
    posted.set(key, p);
    // A failure may be retried (e.g. after logging in again); a success is final.
    p.catch(() => posted.delete(key));
  }
  return p;
}

function Booking({ a }: { a: Appointment }) {
  const { t, locale } = useI18n();
  return (
    <Descriptions
      column={1}
      bordered
      size="middle"
      styles={{ label: { fontSize: 18, width: 120 }, content: { fontSize: 22, fontWeight: 600 } }}
      items={[
        { key: 'p', label: t('svb.ci.person'), children: <span data-testid="checkin-person">{a.holderName}</span> },
        { key: 's', label: t('svb.ci.slot'), children: <span data-testid="checkin-slot">{`${dayLabel(a.slot.date, locale)} ${a.slot.startTime}–${a.slot.endTime}`}</span> },
        { key: 'w', label: t('svb.ci.window'), children: `${a.window.name}（${a.window.code}）` },
        ...(a.matterName ? [{ key: 'm', label: t('svb.ci.matter'), children: a.matterName }] : []),
        { key: 'c', label: t('svb.a.code'), children: a.code },
        ...(a.checkedInAt ? [{ key: 'at', label: t('svb.ci.at'), children: formatDateTime(a.checkedInAt) }] : []),
      ]}
    />
  );
}

/**
 * 预约签到 /console/services/check-in?t=<token>: the booking's QR code opens this page (a phone
 * camera is enough); it posts the token at once and shows who, when and the result in large type.
 * Staff may also type the number the person reads out.
 */
export default function CheckInPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.ci.title') }]);
  const token = new URLSearchParams(useSearch()).get('t');
  const [, navigate] = useLocation();
  const [outcome, setOutcome] = useState<Outcome | null>(token ? { kind: 'busy' } : null);
  const [form] = Form.useForm<{ code: string }>();

  useEffect(() => {
    if (!token) return;
    let live = true;
    setOutcome({ kind: 'busy' });
    checkIn({ token }).then(
      (a) => live && setOutcome({ kind: 'ok', a }),
      (e: unknown) => live && setOutcome({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) }),
    );
    return () => {
      live = false;
    };
  }, [token]);

  const byCode = async ({ code }: { code: string }) => {
    if (token) navigate('/services/check-in', { replace: true });
    setOutcome({ kind: 'busy' });
    try {
      setOutcome({ kind: 'ok', a: await checkIn({ code: code.trim().toUpperCase() }) });
      form.resetFields();
    } catch (e) {
      setOutcome({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) });
    }
  };

  return (
    <Flex vertical gap={16} style={{ maxWidth: 720 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('svb.ci.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('svb.ci.hint')}</Typography.Text>
      {outcome?.kind === 'busy' && (
        <Card>
          <Flex align="center" gap={12}>
            <Spin /> {t('svb.ci.checking')}
          </Flex>
        </Card>
      )}
      {outcome?.kind === 'ok' && (
        <Card data-testid="checkin-result" data-result="ok">
          <Result status="success" title={<span style={{ fontSize: 36, fontWeight: 700 }} data-testid="checkin-ok">{t('svb.ci.ok')}</span>} style={{ padding: '8px 0 16px' }} />
          <Booking a={outcome.a} />
        </Card>
      )}
      {outcome?.kind === 'error' && (
        <Card data-testid="checkin-result" data-result="error">
          <Result
            status="error"
            title={<span style={{ fontSize: 30, fontWeight: 700 }}>{t('svb.ci.failed')}</span>}
            subTitle={<span style={{ fontSize: 20 }} data-testid="checkin-error">{errorMessage(outcome.error)}</span>}
            style={{ padding: '8px 0' }}
          />
        </Card>
      )}
      <Card title={t('svb.ci.code')}>
        <Form form={form} layout="inline" onFinish={(v) => void byCode(v)} style={{ rowGap: 8 }}>
          <Form.Item name="code" rules={[{ required: true, pattern: /^\s*YY\d{8}-\d{4,}\s*$/i, message: t('svb.ci.codePlaceholder') }]}>
            <Input size="large" placeholder={t('svb.ci.codePlaceholder')} aria-label={t('svb.ci.code')} style={{ width: 260 }} data-testid="checkin-code" />
          </Form.Item>
          <Button size="large" type="primary" htmlType="submit" data-testid="checkin-submit">
            {t('svb.ci.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
