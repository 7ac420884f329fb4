import { useState } from 'react';
import { Alert, Button, Flex, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { Merchant, MerchantCategoryList, MerchantOffer, MerchantPage } from '../../../shared/services-more.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { beijingToday } from './appointments.js';
import './more.messages.js';

const BASE = '/api/v1/merchants';
type Hours = Merchant['openingHours'];

/** `1-5 07:00-21:00` per line ⇄ opening periods. Days: ranges and lists of 1–7 (Monday = 1). */
export function hoursToText(h: Hours): string {
  const days = (d: number[]) => {
    const s = [...d].sort((a, b) => a - b);
    const contiguous = s.every((x, i) => i === 0 || x === s[i - 1]! + 1);
    return contiguous && s.length > 2 ? `${s[0]}-${s[s.length - 1]}` : s.join(',');
  };
  return h.periods.map((p) => `${days(p.days)} ${p.open}-${p.close}`).join('\n');
}

export function textToHours(text: string): { periods: Hours['periods'] } | { badLine: number; line: string } {
  const periods: Hours['periods'] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const m = /^([1-7](?:\s*[-,，]\s*[1-7])*)\s+(\d{2}:\d{2})\s*[-–~]\s*(\d{2}:\d{2})$/.exec(line);
    if (!m) return { badLine: i + 1, line };
    const days = new Set<number>();
    for (const part of m[1]!.split(/[,，]/)) {
      const [a, b] = part.split('-').map((x) => Number(x.trim()));
      for (let d = a!; d <= (b ?? a!); d++) days.add(d);
    }
    periods.push({ days: [...days], open: m[2]!, close: m[3]! });
  }
  return { periods };
}

interface MerchantValues {
  orgNodeId: string;
  name: string;
  category: string;
  address: string;
  phone?: string;
  hoursText: string;
  hoursNote?: string;
  description?: string;
  sort?: number;
  active?: boolean;
}

function MerchantModal({ merchant: m, categories, onClose, onSaved }: { merchant: Merchant | null; categories: { value: string; label: string }[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<MerchantValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: MerchantValues) => {
    const parsed = textToHours(v.hoursText ?? '');
    if ('badLine' in parsed) return setError(t('svb.m.hoursInvalid', { n: parsed.badLine, line: parsed.line }));
    const openingHours = { periods: parsed.periods, note: v.hoursNote?.trim() || undefined };
    setBusy(true);
    setError(null);
    try {
      if (m) {
        await api.patch(`${BASE}/${m.id}`, {
          expectedVersion: m.version,
          name: v.name,
          category: v.category,
          address: v.address,
          phone: v.phone?.trim() || null,
          openingHours,
          description: v.description?.trim() || null,
          sort: v.sort,
          active: v.active,
        });
      } else {
        await api.post(BASE, {
          orgNodeId: v.orgNodeId,
          name: v.name,
          category: v.category,
          address: v.address,
          phone: v.phone?.trim() || undefined,
          openingHours,
          description: v.description?.trim() || undefined,
          sort: v.sort ?? 0,
        });
      }
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open width={620} title={m ? m.name : t('svb.m.new')} okButtonProps={{ 'data-testid': 'merchant-save' }} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('svb.save')} cancelText={t('common.cancel')} destroyOnHidden>
      <Form<MerchantValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={
          m
            ? { ...m, phone: m.phone ?? undefined, description: m.description ?? undefined, hoursText: hoursToText(m.openingHours), hoursNote: m.openingHours.note }
            : { hoursText: '1-7 08:00-20:00', sort: 0 }
        }
      >
        {!m && (
          <Form.Item name="orgNodeId" label={t('svb.m.area')} rules={[{ required: true, message: t('svb.required') }]}>
            <OrgNodeSelect deepest="community" selectable={['community', 'street']} testId="merchant-area" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('svb.m.name')} rules={[{ required: true, min: 2, message: t('svb.required') }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="category" label={t('svb.m.category')} rules={[{ required: true, message: t('svb.required') }]}>
            <Select options={categories} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="phone" label={t('svb.m.phone')}>
            <Input maxLength={30} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="sort" label={t('svb.m.sort')}>
            <InputNumber min={0} max={10000} precision={0} />
          </Form.Item>
          {m && (
            <Form.Item name="active" label={t('svb.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="address" label={t('svb.m.address')} rules={[{ required: true, min: 2, message: t('svb.required') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="hoursText" label={t('svb.m.hours')} extra={t('svb.m.hoursHelp')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="hoursNote" label={t('svb.m.hoursNote')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="description" label={t('svb.m.description')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

function Offers({ m, onChanged }: { m: Merchant; onChanged: (error?: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ title: string; description?: string; startsOn: string; endsOn: string }>();
  const add = async (v: { title: string; description?: string; startsOn: string; endsOn: string }) => {
    try {
      await api.post(`${BASE}/${m.id}/offers`, { ...v, description: v.description?.trim() || undefined });
      form.resetFields();
      onChanged();
    } catch (e) {
      onChanged(errorMessage(e));
    }
  };
  const toggle = async (o: MerchantOffer) => {
    try {
      await api.patch(`${BASE}/${m.id}/offers/${o.id}`, { active: !o.active });
      onChanged();
    } catch (e) {
      onChanged(errorMessage(e));
    }
  };
  return (
    <Flex vertical gap={8}>
      {m.offers.map((o) => (
        <Flex key={o.id} gap={8} align="center" wrap>
          <Tag color={o.current ? 'red' : 'default'}>{o.current ? t('svb.m.current') : t('svb.m.notCurrent')}</Tag>
          <Typography.Text strong>{o.title}</Typography.Text>
          <Typography.Text type="secondary">
            {o.startsOn} ~ {o.endsOn}
            {o.description ? ` · ${o.description}` : ''}
          </Typography.Text>
          <Button size="small" onClick={() => void toggle(o)}>
            {o.active ? t('svb.m.withdraw') : t('svb.m.restore')}
          </Button>
        </Flex>
      ))}
      <Form form={form} layout="inline" onFinish={(v) => void add(v)} initialValues={{ startsOn: beijingToday(), endsOn: beijingToday(30) }} style={{ rowGap: 8 }}>
        <Form.Item name="title" rules={[{ required: true, min: 2, message: t('svb.required') }]}>
          <Input placeholder={t('svb.m.offerTitle')} maxLength={60} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="description">
          <Input placeholder={t('svb.m.offerDesc')} maxLength={500} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="startsOn" rules={[{ required: true }]}>
          <Input type="date" aria-label={t('svb.m.startsOn')} />
        </Form.Item>
        <Form.Item name="endsOn" rules={[{ required: true }]}>
          <Input type="date" aria-label={t('svb.m.endsOn')} />
        </Form.Item>
        <Button htmlType="submit" data-testid="offer-add">
          {t('svb.m.addOffer')}
        </Button>
      </Form>
    </Flex>
  );
}

/** 周边商户: the directory (inactive ones too), hours, offers. */
export default function MerchantsPage() {
  const { t, locale } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.menu.merchants') }]);
  const [category, setCategory] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [editing, setEditing] = useState<Merchant | 'new' | null>(null);
  const [note, setNote] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const cats = useApi((signal) => api.get<MerchantCategoryList>(`${BASE}/categories`, undefined, signal), []);
  const list = useApi((signal) => api.get<MerchantPage>(BASE, { includeInactive: 1, category, q: q || undefined, page, pageSize: 20 }, signal), [category, q, page, tick]);
  if (list.missing) return <NotEnabled path={BASE} />;
  const categories = (cats.data?.items ?? []).map((c) => ({ value: c.code, label: locale === 'en' ? c.nameEn : c.name }));
  const refresh = (error?: string) => {
    if (error) setNote({ kind: 'error', text: error });
    setTick((n) => n + 1);
  };
  const columns: ColumnsType<Merchant> = [
    { title: t('svb.m.name'), dataIndex: 'name', width: 200 },
    { title: t('svb.m.category'), dataIndex: 'categoryName', width: 110 },
    { title: t('svb.m.address'), dataIndex: 'address' },
    { title: t('svb.m.phone'), dataIndex: 'phone', width: 140, render: (v: string | null) => v ?? '—' },
    { title: t('svb.m.today'), key: 'today', width: 190, render: (_, m) => <Space size={4}>{m.openNow && <Tag color="green">{t('svb.m.openNow')}</Tag>}{m.todayHours}</Space> },
    { title: t('svb.m.offers'), key: 'offers', width: 80, render: (_, m) => m.offers.filter((o) => o.current).length },
    { title: t('svb.a.status'), dataIndex: 'active', width: 80, render: (a: boolean) => (a ? <Tag color="green">{t('svb.active')}</Tag> : <Tag>{t('svb.inactive')}</Tag>) },
    {
      title: t('svb.actions'),
      key: 'a',
      width: 90,
      render: (_, m) => (
        <Button size="small" onClick={() => setEditing(m)}>
          {t('svb.edit')}
        </Button>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" wrap gap={8}>
        <Space wrap>
          <Input.Search allowClear placeholder={t('svb.m.search')} aria-label={t('svb.m.search')} style={{ width: 220 }} onSearch={(v) => (setQ(v.trim()), setPage(1))} />
          <Select allowClear style={{ width: 160 }} value={category} onChange={(v) => (setCategory(v), setPage(1))} placeholder={t('svb.m.category')} aria-label={t('svb.m.category')} options={categories} />
        </Space>
        <Button type="primary" onClick={() => setEditing('new')} data-testid="merchant-new">
          {t('svb.m.new')}
        </Button>
      </Flex>
      {note && <Alert type={note.kind} showIcon title={note.text} closable={{ onClose: () => setNote(null) }} />}
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          expandable={{ expandedRowRender: (m) => <Offers m={m} onChanged={refresh} /> }}
          scroll={{ x: 1100 }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
        />
      )}
      {editing && (
        <MerchantModal
          merchant={editing === 'new' ? null : editing}
          categories={categories}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setNote({ kind: 'success', text: t('svb.saved') });
            refresh();
          }}
        />
      )}
    </Flex>
  );
}
