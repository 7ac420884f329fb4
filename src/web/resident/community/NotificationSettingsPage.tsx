import { useState } from 'react';
import Switch from 'antd-mobile/es/components/switch';
import List from 'antd-mobile/es/components/list';
import { api, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './messages.js';

interface Preferences {
  topics: { topic: string; name: string; nameEn: string }[];
  channels: { channel: string; name: string; nameEn: string }[];
  settings: { topic: string; channel: string; enabled: boolean }[];
}

/** 消息设置: per kind of message, whether it also comes by SMS or WeChat. */
export default function NotificationSettingsPage() {
  const { t, locale } = useI18n();
  const prefs = useApi((signal) => api.get<Preferences>('/api/v1/me/notification-preferences', undefined, signal), []);
  const [data, setData] = useState<Preferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const p = data ?? prefs.data;
  if (prefs.loading && !p) return <div className="r-loading">{t('common.loading')}</div>;
  if (prefs.error) return <InlineMessage kind="error">{prefs.error.message}</InlineMessage>;
  if (!p) return null;
  const name = (x: { name: string; nameEn: string }) => (locale === 'en' ? x.nameEn : x.name);
  const change = async (topic: string, channel: string, enabled: boolean) => {
    setError(null);
    setSaved(false);
    try {
      setData(await api.put<Preferences>('/api/v1/me/notification-preferences', { settings: [{ topic, channel, enabled }] }));
      setSaved(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="r-card" style={{ marginTop: 0 }}>
      <p className="r-muted">{t('prefs.hint')}</p>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      {saved && <InlineMessage kind="success">{t('prefs.saved')}</InlineMessage>}
      {p.topics.map((topic) => (
        <List key={topic.topic} header={name(topic)}>
          {p.channels.map((c) => {
            const on = p.settings.find((s) => s.topic === topic.topic && s.channel === c.channel)?.enabled ?? true;
            return (
              <List.Item key={c.channel} extra={<Switch checked={on} onChange={(v) => void change(topic.topic, c.channel, v)} aria-label={`${name(topic)} ${name(c)}`} />}>
                {name(c)}
              </List.Item>
            );
          })}
        </List>
      ))}
    </section>
  );
}
