import type { DemoSeedContext } from '../../platform/module.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { sha256 } from '../../platform/auth/tokens.js';
import { newId } from '../../platform/ids.js';
import { loadDemoRefs } from '../../demo/refs.js';
import * as repo from './clients.repository.js';
import * as subsRepo from './subscriptions.repository.js';
import { captureChanges } from './deliveries.job.js';

/** The demo keys (printed in the README; demo mode only, like the demo passwords). Only their hashes are stored. */
export const DEMO_EXCHANGE_KEYS = { civil: 'lx_demo_civil_2026', health: 'lx_demo_health_2026' } as const;
/**
 * The demo's webhook target. There is no outside network, so it never answers: its deliveries
 * are retried with back-off and end in the dead-letter list, which the console shows (and replays).
 */
export const DEMO_WEBHOOK_URL = 'http://receiver.exchange.invalid/linli/webhook';

const CLIENTS = [
  {
    code: 'civil' as const,
    name: '海宁市民政局社会救助系统',
    contact: '市民政局社会救助科 王科长 0573-87210000',
    lifeEvents: ['person.died'],
    legalBasis: '《社会救助暂行办法》第十一、十二条：低保对象家庭人口、收入与财产状况的动态管理',
    key: { name: '社会救助系统生产密钥', tags: ['低保', '特困', '残疾人'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'address', 'tags'], purpose: '低保、特困对象动态管理核查' },
    subscriptions: [
      { event: 'tag.gained' as const, tags: ['低保', '特困'], purpose: '低保、特困新增对象同步' },
      { event: 'tag.lost' as const, tags: ['低保', '特困'], purpose: '低保、特困退出对象同步' },
      { event: 'person.died' as const, tags: [], purpose: '死亡人员停发救助金' },
    ],
  },
  {
    code: 'health' as const,
    name: '海宁市卫健局妇幼与人口监测系统',
    contact: '市卫健局妇幼健康科 李医生 0573-87230000',
    lifeEvents: ['person.born', 'person.died'],
    legalBasis: '《中华人民共和国母婴保健法》及出生医学证明、死亡医学证明管理规定：出生、死亡人口信息核对',
    key: { name: '人口监测系统密钥', tags: ['育龄妇女', '高龄老人'], fields: ['name', 'gender', 'birthDate', 'address', 'tags'], purpose: '育龄妇女随访与高龄老人健康管理' },
    subscriptions: [
      { event: 'person.born' as const, tags: [], purpose: '新生儿建档与预防接种通知' },
      { event: 'person.died' as const, tags: [], purpose: '死亡人口核销' },
    ],
  },
];

export async function seedExchangeDemo({ ctx, log }: DemoSeedContext): Promise<void> {
  const created: { clientId: string; c: (typeof CLIENTS)[number] }[] = [];
  const db = ctx.db.kysely;
  const refs = await loadDemoRefs(ctx);
  const city = refs.node('city');
  const admin = refs.user('admin');
  const at = ctx.now().toISOString();
  for (const c of CLIENTS) {
    if (!(await repo.departmentRow(db, c.code))) continue;
    const clientId = newId();
    await db.transaction().execute(async (trx) => {
      await repo.insertClient(trx, { id: clientId, department_code: c.code, name: c.name, contact: c.contact, status: 'active', org_node_id: city.id, org_path: city.path, life_events: JSON.stringify(c.lifeEvents), legal_basis: c.legalBasis, created_by: admin.id, created_at: at, updated_at: at });
      const keyId = newId();
      const key = DEMO_EXCHANGE_KEYS[c.code];
      await repo.insertKey(trx, {
        id: keyId,
        client_id: clientId,
        name: c.key.name,
        prefix: key.slice(0, 11),
        key_hash: sha256(key),
        tags: JSON.stringify(c.key.tags),
        fields: JSON.stringify(c.key.fields),
        org_node_id: city.id,
        org_path: city.path,
        purpose: c.key.purpose,
        rate_per_minute: 120,
        created_by: admin.id,
        created_at: at,
        expires_at: null,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
        replaced_by: null,
        last_used_at: null,
      });
      await subsRepo.ensureCursor(trx, at);
      await appendAudit(ctx.db, { actorId: admin.id, actorName: 'admin', action: 'exchange.client.create', targetType: 'exchange_client', targetId: clientId, orgNodeId: city.id, details: { departmentCode: c.code, demo: true } }, trx);
    });
    created.push({ clientId, c });
  }
  // The seeded community is history, not news: capture it before any subscription exists.
  await captureChanges(ctx);
  await db.transaction().execute(async (trx) => {
    for (const { clientId, c } of created) {
      for (const s of c.subscriptions) {
        await subsRepo.insertSubscription(trx, {
          id: newId(),
          client_id: clientId,
          event: s.event,
          tags: JSON.stringify(s.tags),
          org_node_id: city.id,
          org_path: city.path,
          url: DEMO_WEBHOOK_URL,
          secret_enc: ctx.pii.encrypt(`whsec_demo_${c.code}`),
          purpose: s.purpose,
          status: 'active',
          created_by: admin.id,
          created_at: at,
        });
      }
    }
  });
  log('  数据共享交换：民政、卫健接入与演示密钥已就绪（见 src/modules/exchange/README.md）/ exchange demo clients ready');
}
