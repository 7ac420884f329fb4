import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { answer, ask, assign, closeMine, followUp, registerProfessional } from './consultations.service.js';
import type { ConsultationKind } from './consultations.table.js';

/**
 * The demo's 咨询: the professionals of 西山社区 and a handful of questions in every state,
 * resident01's among them. The demo accounts have no lawyer or doctor of their own, so the
 * community's 人民调解员 (the `xishan` account) answers legal questions and the elderly-care
 * provider's health manager (`provider01`) medical ones; `lawyer01` / `doctor01` accounts are
 * registered too when a deployment has them.
 */

const HOUR = 3_600_000;

interface Thread {
  who: 'resident01' | 'volunteer01';
  kind: ConsultationKind;
  subject: string;
  question: string;
  daysAgo: number;
  /** Professional's answers and the asker's follow-ups, alternating from the professional. */
  replies: string[];
  end: 'closed' | 'answered' | 'assigned' | 'submitted';
  rating?: '满意' | '基本满意' | '不满意';
}

const THREADS: Thread[] = [
  {
    who: 'resident01',
    kind: 'legal',
    subject: '租房押金被扣怎么办',
    question: '我家在紫微苑出租了一套房，租客退租时说墙面钉孔要扣押金，双方各执一词。押金扣多少才合理？需要签什么协议避免以后再有纠纷？',
    daysAgo: 9,
    replies: [
      '押金用于担保租金和房屋损失。正常居住造成的轻微钉孔一般属于合理损耗，不宜全额扣除；若造成明显损坏，可按实际修复费用扣除并出示凭据。建议双方拍照确认房屋现状，协商不成可到社区人民调解室申请调解。今后出租时可在合同中写明交房标准和扣押金的情形，并附房屋物品清单。',
      '那调解需要带什么材料？',
      '带上租赁合同、押金收据、交房前后的照片或视频，以及双方身份证。调解不收费，工作日上午和下午都可以来。',
    ],
    end: 'closed',
    rating: '满意',
  },
  {
    who: 'resident01',
    kind: 'medical',
    subject: '父亲血压偏高需要注意什么',
    question: '父亲今年72岁，最近在家量血压在150/90左右，没有明显不舒服。需要去医院调药吗？饮食上要注意什么？',
    daysAgo: 1,
    replies: [],
    end: 'assigned',
  },
  {
    who: 'volunteer01',
    kind: 'medical',
    subject: '膝盖疼能不能参加广场舞',
    question: '我58岁，最近上下楼膝盖有点疼，还能继续每天跳广场舞吗？要不要去拍片子？',
    daysAgo: 4,
    replies: ['上下楼疼痛多见于髌股关节劳损或早期骨关节炎。建议先减少跳舞时间和屈膝动作，避免爬山、深蹲；疼痛超过两周或出现肿胀、卡住感，请到社区卫生服务站或医院骨科就诊，必要时拍片。平时可做直腿抬高练习增强大腿肌力。'],
    end: 'answered',
  },
  {
    who: 'volunteer01',
    kind: 'legal',
    subject: '老人想立遗嘱要办哪些手续',
    question: '邻居家老人想把房子留给小女儿，问我立遗嘱要去哪里办、要不要公证？我帮忙问一下。',
    daysAgo: 0,
    replies: [],
    end: 'submitted',
  },
];

export async function seedConsultationsDemo({ ctx, log }: DemoSeedContext): Promise<void> {
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const xishan = refs.node('xishan');
  const actorOf = async (username: string): Promise<Actor | null> => {
    try {
      return await loadActor(db, refs.user(username).id);
    } catch {
      return null;
    }
  };
  const staff = (await actorOf('xishan'))!;
  const anchor = ctx.now().getTime();
  let clock = anchor - 12 * 24 * HOUR;
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };

  const pros: { username: string; kind: ConsultationKind; title: string; organisation: string; intro: string }[] = [
    { username: 'xishan', kind: 'legal', title: '人民调解员', organisation: '西山社区人民调解委员会', intro: '邻里纠纷、租赁、婚姻家庭等常见法律问题；复杂问题转律师。' },
    { username: 'provider01', kind: 'medical', title: '健康管理师', organisation: '海宁市乐龄居家养老服务中心', intro: '老年人慢病管理、康复护理和用药咨询。' },
    { username: 'lawyer01', kind: 'legal', title: '执业律师', organisation: '一村（社）一法律顾问', intro: '每周三下午在社区党群服务中心驻点。' },
    { username: 'doctor01', kind: 'medical', title: '全科医生', organisation: '西山社区卫生服务站', intro: '家庭医生签约团队。' },
  ];
  const professionalOf: Partial<Record<ConsultationKind, string>> = {};
  for (const p of pros) {
    const user = await actorOf(p.username);
    if (!user) continue;
    await registerProfessional(sim, staff, { userId: user.userId, kind: p.kind, title: p.title, organisation: p.organisation, intro: p.intro, orgNodeId: xishan.id }, {});
    professionalOf[p.kind] ??= user.userId;
  }

  let count = 0;
  for (const t of THREADS) {
    const asker = await actorOf(t.who);
    const proId = professionalOf[t.kind];
    if (!asker || !proId) continue;
    const pro = (await loadActor(db, proId))!;
    clock = anchor - t.daysAgo * 24 * HOUR - 5 * HOUR;
    const c = await ask(sim, asker, { kind: t.kind, subject: t.subject, question: t.question }, {});
    count++;
    if (t.end === 'submitted') continue;
    clock += HOUR;
    await assign(sim, staff, c.id, { professionalUserId: proId }, {});
    for (const [i, text] of t.replies.entries()) {
      clock += 2 * HOUR;
      if (i % 2 === 0) await answer(sim, pro, c.id, text, {});
      else await followUp(sim, asker, c.id, text, {});
    }
    if (t.end === 'closed') {
      clock += 3 * HOUR;
      await closeMine(sim, asker, c.id, { rating: t.rating }, {});
    }
  }
  log(`  consultations: ${Object.keys(professionalOf).length} kinds of professional, ${count} consultations`);
}
