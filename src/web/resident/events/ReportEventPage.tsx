import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import type { CategoryAttribute, PublicAreas, PublicCategoryTree, ReportedEvent, ReportEventBody } from '../../shared/events.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { AreaShapes, areaPositions, fitTo, type Pick } from './areas.js';
import './common.js';

const MAX_PHOTOS = 9;
const COMMUNITY_KEY = 'linli.rev.community';

interface Photo {
  id: string;
  url: string;
  name: string;
}

interface Position {
  lat: number;
  lng: number;
  accuracy: number;
}

function remembered(): string {
  try {
    return localStorage.getItem(COMMUNITY_KEY) ?? '';
  } catch {
    return '';
  }
}

/** 3 → 3幢, 2 → 2单元, 301 → 301室: residents often type the bare number. */
function withSuffix(v: string, suffix: string) {
  const s = v.trim();
  return /^\d+$/.test(s) ? `${s}${suffix}` : s;
}

/** 西山社区北门3幢2单元301室: community first, the room last, as the server reads it. */
export function composeAddress(p: { community: string; place: string; building: string; unit: string; room: string }) {
  return [p.community.trim(), p.place.trim(), withSuffix(p.building, '幢'), withSuffix(p.unit, '单元'), withSuffix(p.room, '室')].join('');
}

function AttributeInput({ a, value, onChange }: { a: CategoryAttribute; value: string | string[] | undefined; onChange: (v: string | string[]) => void }) {
  const { t, locale } = useI18n();
  const label = `${locale === 'en' && a.labelEn ? a.labelEn : a.label}${a.required ? '' : t('rev.optional')}`;
  const id = `attr-${a.code}`;
  if (a.datatype === 'multivaluelist') {
    const list = Array.isArray(value) ? value : [];
    return (
      <fieldset className="r-field" style={{ border: 0, padding: 0, margin: '0 0 12px' }} data-testid={id}>
        <legend style={{ fontWeight: 600, padding: 0 }}>{label}</legend>
        {(a.values ?? []).map((v) => (
          <label key={v.key} className="rev-check">
            <input type="checkbox" checked={list.includes(v.key)} onChange={(e) => onChange(e.target.checked ? [...list, v.key] : list.filter((x) => x !== v.key))} />
            {v.name}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div className="r-field">
      <label htmlFor={id}>{label}</label>
      {a.datatype === 'singlevaluelist' ? (
        <select id={id} className="r-select" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} data-testid={id}>
          <option value="">—</option>
          {(a.values ?? []).map((v) => (
            <option key={v.key} value={v.key}>
              {v.name}
            </option>
          ))}
        </select>
      ) : a.datatype === 'text' ? (
        <textarea id={id} className="rev-textinput" rows={3} maxLength={2000} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} data-testid={id} />
      ) : (
        <input
          id={id}
          className="rev-textinput"
          type={a.datatype === 'number' ? 'number' : a.datatype === 'datetime' ? 'datetime-local' : 'text'}
          inputMode={a.datatype === 'number' ? 'numeric' : undefined}
          maxLength={200}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value)}
          data-testid={id}
        />
      )}
      {a.description && <div className="r-muted">{a.description}</div>}
    </div>
  );
}

const MAP_W = 360;
const MAP_H = 280;

/**
 * 在地图上选: the community's grids as outlines; a tap inside a grid marks the spot (sent as
 * lat/lng, which the server locates to that grid). The community is the resident's own when
 * their account names one, else the one typed before, else the first.
 */
function MapPicker({ picked, onPick, communityName }: { picked: Pick | null; onPick: (p: Pick) => void; communityName: string }) {
  const { t } = useI18n();
  const session = useSession();
  const areas = useApi((signal) => api.get<PublicAreas>('/api/v1/public/event-map/areas', undefined, signal), []);
  const all = areas.data?.items ?? [];
  const communities = all.filter((a) => a.kind === 'community');
  const mine = (session.status === 'ready' ? session.me.roles : [])
    .map((r) => all.find((a) => a.id === r.orgNodeId))
    .map((a) => (a?.kind === 'grid' ? a.parentId : a?.id))
    .find((id) => communities.some((c) => c.id === id));
  const [chosen, setChosen] = useState<string | null>(null);
  const communityId = chosen ?? mine ?? communities.find((c) => communityName && c.name.includes(communityName.trim()))?.id ?? communities[0]?.id ?? null;
  const shown = useMemo(() => all.filter((a) => a.id === communityId || a.parentId === communityId), [all, communityId]);
  const fit = useMemo(() => fitTo(areaPositions(shown), MAP_W, MAP_H), [shown]);
  if (areas.error) return <InlineMessage kind="error">{areas.error.message}</InlineMessage>;
  if (areas.loading && !areas.data) return <p className="r-muted">{t('common.loading')}</p>;
  if (!fit || !shown.some((a) => a.kind === 'grid')) return <InlineMessage kind="error">{t('rev.mapNone')}</InlineMessage>;
  const marker = picked ? fit.project([picked.lng, picked.lat]) : null;
  return (
    <div style={{ marginTop: 8 }} data-testid="report-map">
      {communities.length > 1 && (
        <div className="r-field">
          <label htmlFor="rev-map-community">{t('rev.community')}</label>
          <select id="rev-map-community" className="r-select" value={communityId ?? ''} onChange={(e) => setChosen(e.target.value)} data-testid="report-map-community">
            {communities.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <p className="r-muted">{t('rev.pickHint')}</p>
      <div className="rev-map">
        <svg viewBox={`0 0 ${MAP_W} ${MAP_H}`} role="group" aria-label={t('rev.whereMap')}>
          <AreaShapes areas={shown} fit={fit} selectedId={picked?.gridId ?? null} onPick={onPick} />
          {marker && (
            <g pointerEvents="none" data-testid="report-map-pin">
              <circle cx={marker[0]} cy={marker[1]} r={8} fill="#c25e00" stroke="#ffffff" strokeWidth={2} />
              <circle cx={marker[0]} cy={marker[1]} r={2} fill="#ffffff" />
            </g>
          )}
        </svg>
      </div>
      <div role="status" data-testid="report-map-picked">
        {picked ? <InlineMessage kind="success">{t('rev.mapPicked', { grid: picked.gridName })}</InlineMessage> : null}
      </div>
    </div>
  );
}

function ReportForm() {
  const { t, locale } = useI18n();
  const tree = useApi((signal) => api.get<PublicCategoryTree>('/api/v1/public/event-categories', undefined, signal), []);
  const [groupCode, setGroupCode] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [attrs, setAttrs] = useState<Record<string, string | string[]>>({});
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [uploading, setUploading] = useState(0);
  const [where, setWhere] = useState<'here' | 'map' | 'address'>('address');
  const [picked, setPicked] = useState<Pick | null>(null);
  const [position, setPosition] = useState<Position | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateError, setLocateError] = useState(false);
  const [addr, setAddr] = useState({ community: remembered(), place: '', building: '', unit: '', room: '' });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [created, setCreated] = useState<ReportedEvent | null>(null);
  const photosRef = useRef(photos);
  photosRef.current = photos;
  // Object URLs of the previews are freed when the page goes.
  useEffect(() => () => photosRef.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const groups = tree.data?.items ?? [];
  const group = groups.find((g) => g.code === groupCode);
  const category = group?.children.find((c) => c.id === categoryId);
  const attributes = [...(category?.attributes ?? [])].sort((a, b) => a.order - b.order);
  const name = (x: { name: string; nameEn: string | null }) => (locale === 'en' && x.nameEn ? x.nameEn : x.name);
  const address = composeAddress(addr);

  const locate = () => {
    setWhere('here');
    setLocateError(false);
    if (!('geolocation' in navigator)) return setLocateError(true);
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setPosition({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: Math.round(p.coords.accuracy) });
      },
      () => {
        setLocating(false);
        setPosition(null);
        setLocateError(true);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const addPhotos = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])].slice(0, MAX_PHOTOS - photos.length);
    e.target.value = '';
    setMessage(null);
    for (const file of files) {
      setUploading((n) => n + 1);
      try {
        const form = new FormData();
        form.append('file', file, file.name);
        const att = await api.upload<{ id: string }>('/api/v1/files', form, { purpose: 'event.photo' });
        setPhotos((list) => [...list, { id: att.id, url: URL.createObjectURL(file), name: file.name }]);
      } catch (err) {
        setMessage({ kind: 'error', text: errorMessage(err) });
      } finally {
        setUploading((n) => n - 1);
      }
    }
  };

  const removePhoto = (id: string) =>
    setPhotos((list) => {
      const gone = list.find((p) => p.id === id);
      if (gone) URL.revokeObjectURL(gone.url);
      return list.filter((p) => p.id !== id);
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (!category) return setMessage({ kind: 'error', text: t('rev.needCategory') });
    if (!description.trim()) return setMessage({ kind: 'error', text: t('rev.needDescription') });
    const missing = attributes.find((a) => a.required && !(Array.isArray(attrs[a.code]) ? (attrs[a.code] as string[]).length : String(attrs[a.code] ?? '').trim()));
    if (missing) return setMessage({ kind: 'error', text: t('rev.needAttribute', { label: missing.label }) });
    const here = where === 'here' && position;
    const onMap = where === 'map' ? picked : null;
    if (where === 'map' && !onMap) return setMessage({ kind: 'error', text: t('rev.needMapPick') });
    if (!here && !onMap && (!addr.community.trim() || address === addr.community.trim())) return setMessage({ kind: 'error', text: t('rev.needWhere') });
    const attributeValues: Record<string, string | string[]> = {};
    for (const a of attributes) {
      const v = attrs[a.code];
      if (v === undefined || (Array.isArray(v) ? v.length === 0 : !v.trim())) continue;
      attributeValues[a.code] = Array.isArray(v) ? v : a.datatype === 'datetime' ? `${v}:00+08:00` : v.trim();
    }
    const body: ReportEventBody = {
      channel: 'resident_app',
      categoryId: category.id,
      description: description.trim(),
      attributes: Object.keys(attributeValues).length ? attributeValues : undefined,
      attachmentIds: photos.length ? photos.map((p) => p.id) : undefined,
      ...(here ? { lat: position.lat, lng: position.lng } : onMap ? { lat: onMap.lat, lng: onMap.lng } : { address }),
    };
    setBusy(true);
    try {
      const done = await api.post<ReportedEvent>('/api/v1/events', body);
      try {
        localStorage.setItem(COMMUNITY_KEY, addr.community.trim());
      } catch {
        // only a convenience
      }
      setCreated(done);
      window.scrollTo(0, 0);
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <section className="r-card" aria-labelledby="rev-done" data-testid="report-done">
        <h2 id="rev-done">{t('rev.title.report')}</h2>
        <InlineMessage kind="success">{t('rev.submitted', { code: created.code })}</InlineMessage>
        <Link href={`/me/events/${created.id}`} className="r-nav-link" data-testid="report-view">
          <strong>{t('rev.viewIt')}</strong>
          <span aria-hidden="true">›</span>
        </Link>
        <Button
          block
          size="large"
          style={{ marginTop: 12 }}
          onClick={() => {
            setCreated(null);
            setCategoryId('');
            setGroupCode('');
            setAttrs({});
            setDescription('');
            setPhotos([]);
            setPicked(null);
          }}
        >
          {t('rev.another')}
        </Button>
      </section>
    );
  }

  return (
    <form className="r-card" onSubmit={submit} noValidate aria-labelledby="rev-title" data-testid="report-form">
      <h2 id="rev-title">{t('rev.title.report')}</h2>
      <p className="r-muted">{t('rev.privacy')}</p>
      {tree.error && <InlineMessage kind="error">{tree.error.message}</InlineMessage>}

      <div className="r-field">
        <label htmlFor="rev-group">{t('rev.category')}</label>
        <select
          id="rev-group"
          className="r-select"
          value={groupCode}
          onChange={(e) => {
            setGroupCode(e.target.value);
            setCategoryId('');
            setAttrs({});
          }}
          data-testid="report-group"
        >
          <option value="">{t('rev.chooseGroup')}</option>
          {groups.map((g) => (
            <option key={g.code} value={g.code}>
              {name(g)}
            </option>
          ))}
        </select>
      </div>
      {group && (
        <div className="r-field">
          <label htmlFor="rev-leaf">{t('rev.leaf')}</label>
          <select
            id="rev-leaf"
            className="r-select"
            value={categoryId}
            onChange={(e) => {
              setCategoryId(e.target.value);
              setAttrs({});
            }}
            data-testid="report-category"
          >
            <option value="">{t('rev.chooseLeaf')}</option>
            {group.children.map((c) => (
              <option key={c.id} value={c.id}>
                {name(c)}
              </option>
            ))}
          </select>
          {category?.description && <div className="r-muted">{category.description}</div>}
        </div>
      )}
      {attributes.map((a) => (
        <AttributeInput key={a.code} a={a} value={attrs[a.code]} onChange={(v) => setAttrs((old) => ({ ...old, [a.code]: v }))} />
      ))}

      <div className="r-field">
        <label htmlFor="rev-description">{t('rev.description')}</label>
        <div className="r-input">
          <TextArea
            id="rev-description"
            value={description}
            onChange={setDescription}
            maxLength={2000}
            rows={3}
            autoSize={{ minRows: 3, maxRows: 8 }}
            placeholder={t('rev.descriptionPlaceholder')}
            data-testid="report-description"
          />
        </div>
      </div>

      <div className="r-field">
        <span style={{ display: 'block', fontWeight: 600, marginBottom: 4 }}>{t('rev.photos')}</span>
        {photos.length > 0 && (
          <ul className="rev-photos" aria-label={t('rev.photoCount', { n: photos.length })} data-testid="report-photos">
            {photos.map((p, i) => (
              <li key={p.id} className="rev-photo">
                <img src={p.url} alt={p.name} />
                <button type="button" onClick={() => removePhoto(p.id)} aria-label={t('rev.removePhoto', { n: i + 1 })}>
                  {t('rev.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        {uploading > 0 && <p className="r-muted" role="status">{t('rev.uploading')}</p>}
        {photos.length < MAX_PHOTOS && (
          <label className="rev-file">
            <span aria-hidden="true">＋</span>
            {t('rev.takePhoto')}
            <input type="file" accept="image/*" capture="environment" multiple onChange={(e) => void addPhotos(e)} data-testid="report-photo-input" />
          </label>
        )}
      </div>

      <fieldset className="r-field" style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
        <legend style={{ fontWeight: 600, padding: 0, marginBottom: 4 }}>{t('rev.where')}</legend>
        <div className="rev-choices rev-choices-3">
          <button type="button" className="rev-choice" aria-pressed={where === 'here'} onClick={locate} data-testid="report-where-here">
            {where === 'here' ? '✓ ' : ''}
            {t('rev.whereHere')}
          </button>
          <button type="button" className="rev-choice" aria-pressed={where === 'map'} onClick={() => setWhere('map')} data-testid="report-where-map">
            {where === 'map' ? '✓ ' : ''}
            {t('rev.whereMap')}
          </button>
          <button type="button" className="rev-choice" aria-pressed={where === 'address'} onClick={() => setWhere('address')} data-testid="report-where-address">
            {where === 'address' ? '✓ ' : ''}
            {t('rev.whereAddress')}
          </button>
        </div>
        {where === 'here' && (
          <div role="status" data-testid="report-position">
            {locating ? (
              <p className="r-muted">{t('rev.locating')}</p>
            ) : position ? (
              <InlineMessage kind="success">{t('rev.located', { accuracy: position.accuracy })}</InlineMessage>
            ) : locateError ? (
              <InlineMessage kind="error">{t('rev.locateFailed')}</InlineMessage>
            ) : null}
            {!locating && (
              <Button size="small" fill="outline" onClick={locate}>
                {t('rev.locateAgain')}
              </Button>
            )}
          </div>
        )}
        {where === 'map' && <MapPicker picked={picked} onPick={setPicked} communityName={addr.community} />}
        {where === 'address' && (
          <div style={{ marginTop: 8 }}>
            <div className="r-field">
              <label htmlFor="rev-community">{t('rev.community')}</label>
              <input
                id="rev-community"
                className="rev-textinput"
                value={addr.community}
                onChange={(e) => setAddr({ ...addr, community: e.target.value })}
                placeholder={t('rev.communityPlaceholder')}
                maxLength={40}
                data-testid="report-community"
              />
            </div>
            <div className="rev-row">
              {(['building', 'unit', 'room'] as const).map((k) => (
                <div className="r-field" key={k}>
                  <label htmlFor={`rev-${k}`}>{t(`rev.${k}`)}</label>
                  <input
                    id={`rev-${k}`}
                    className="rev-textinput"
                    value={addr[k]}
                    onChange={(e) => setAddr({ ...addr, [k]: e.target.value })}
                    placeholder={k === 'building' ? '3幢' : k === 'unit' ? '2单元' : '301室'}
                    maxLength={20}
                    data-testid={`report-${k}`}
                  />
                </div>
              ))}
            </div>
            <div className="r-field">
              <label htmlFor="rev-place">{t('rev.place')}</label>
              <input
                id="rev-place"
                className="rev-textinput"
                value={addr.place}
                onChange={(e) => setAddr({ ...addr, place: e.target.value })}
                placeholder={t('rev.placePlaceholder')}
                maxLength={60}
              />
            </div>
            {address && <p className="r-muted" data-testid="report-address-preview">{t('rev.addressPreview', { address })}</p>}
          </div>
        )}
      </fieldset>

      {message && <InlineMessage kind={message.kind}>{message.text}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} disabled={uploading > 0} data-testid="report-submit">
        {t('rev.submit')}
      </Button>
    </form>
  );
}

export default function ReportEventPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') {
    return (
      <section className="r-card">
        <h2>{t('rev.title.report')}</h2>
        <p className="r-muted">{t('rev.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  }
  return <ReportForm />;
}
