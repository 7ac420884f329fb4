import { Readable } from 'node:stream';
import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { storeAttachment } from '../../platform/files/files.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { peopleHoldingTag } from '../registry/registry.facts.js';
import { ingestOpinion } from './opinion.service.js';
import * as visits from './visits.service.js';

/**
 * The demo's 舆情: the demo's suggestions, events and visits are read into the weekly trends at
 * seed time, on the seed's clock. Two more visits of grid01 make the visit-note path show: one
 * with a typed-up note uploaded as a .txt file (its words count like the findings), one whose
 * findings carry a watch word (家暴), so the dashboard has an open alert.
 */

const DAY = 86_400_000;

const UPLOADED_NOTE = [
  '走访记录（手写整理）',
  '老人反映：3幢电梯上周又停了两次，物业维修不及时，上下楼只能靠邻居搀扶。',
  '楼上卫生间漏水，厨房天花板渗水发霉，已联系过物业两次没有回音。',
  '希望社区协调电梯维修和漏水问题，另外晚上楼道灯不亮。',
].join('\n');

export async function seedOpinionDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const grid01 = (await loadActor(ctx.db.kysely, refs.user('grid01').id))!;
  const now = ctx.now().getTime();
  const at = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const day = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
  // Two elders of 第一网格 (the first two the registry lists: deterministic for the seed).
  const elders = (await peopleHoldingTag(ctx.db.kysely, [refs.node('grid01').path], '独居老人', day)).slice(0, 2);
  if (elders.length === 2) {
    const note = await storeAttachment(at(now - 2 * DAY), grid01, { stream: Readable.from([Buffer.from(UPLOADED_NOTE, 'utf8')]), originalName: '走访记录.txt', purpose: visits.VISIT_FILE_PURPOSE, orgNodeId: refs.node('grid01').id }, meta);
    await visits.recordVisit(at(now - 2 * DAY), grid01, { personId: elders[0]!.personId, kind: 'home', findings: '入户走访，老人精神尚可，详细情况见上传的走访记录。', needs: [{ kind: '维修', note: '电梯和楼道灯' }], attachmentIds: [note.id] }, meta);
    await visits.recordVisit(at(now - DAY), grid01, { personId: elders[1]!.personId, kind: 'home', findings: '老人反映隔壁夫妻经常吵架，昨晚听到打骂声，担心有家暴，孩子哭了很久。', needs: [], attachmentIds: [] }, meta);
  }
  // Everything the seed wrote is older than now: no need to wait for it to settle.
  const summary = await ingestOpinion(ctx, ctx.now(), { settleMs: 0 });
  seed.log(`opinion: ${summary.items} texts read (${summary.sources.map((s) => `${s.source} ${s.items}`).join(', ')}), ${summary.alerts} alert(s)`);
}
