import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { RELATION_TO_HEAD, codeName } from '../../platform/cn/codes.js';
import { notFound } from '../../platform/errors.js';
import type { Actor } from '../../platform/policy/actor.js';
import * as correctionsRepo from './corrections.repository.js';
import * as householdsRepo from './households.repository.js';
import * as peopleRepo from './people.repository.js';
import { audit, placeLabel } from './people.write.js';
import { maskedIdNumber, maskedPhone } from './registry.service.js';

function ownPersonId(actor: Actor): string {
  if (!actor.personId) throw notFound('NO_PERSON_RECORD');
  return actor.personId;
}

/** The resident's own record (numbers masked, as on any screen) and their household: names and relations only. */
export async function myRecord(ctx: PlatformContext, actor: Actor, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const person = await peopleRepo.getPerson(db, ownPersonId(actor));
  if (!person) throw notFound('NO_PERSON_RECORD');
  const household = person.household_id ? await householdsRepo.getHousehold(db, person.household_id) : undefined;
  const members = household ? await householdsRepo.activeMembers(db, household.id) : [];
  await audit(ctx, undefined, actor, 'registry.me.read', meta, { targetId: person.id });
  return {
    person: {
      id: person.id,
      name: person.name,
      gender: person.gender,
      birthDate: person.birth_date,
      idType: person.id_type,
      idNumber: maskedIdNumber(person),
      phone: maskedPhone(person),
      ethnicity: person.ethnicity,
      politicalStatus: person.political_status,
      education: person.education,
      maritalStatus: person.marital_status,
      hukouAddress: person.hukou_address,
      residenceType: person.residence_type,
      householdResidenceStatus: person.household_residence_status,
      occupation: person.occupation,
      relationToHead: person.relation_to_head,
      relationToHeadName: codeName(RELATION_TO_HEAD, person.relation_to_head),
      address: await placeLabel(db, person.org_path),
      status: person.status,
      updatedAt: person.updated_at,
    },
    household: household
      ? {
          id: household.id,
          number: household.number,
          members: members.map((m) => ({
            name: m.name,
            relationToHead: m.relation_to_head,
            relationToHeadName: codeName(RELATION_TO_HEAD, m.relation_to_head),
            isHead: m.id === household.head_person_id,
            isSelf: m.id === person.id,
          })),
        }
      : null,
  };
}

/** Who looked at the resident's data, for which department and why (PIPL right to know), newest first. */
export async function myAccessLog(ctx: PlatformContext, actor: Actor, page: { page: number; pageSize: number }) {
  const personId = ownPersonId(actor);
  const db = ctx.db.kysely;
  const [rows, total] = await Promise.all([correctionsRepo.accessLog(db, personId, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize }), correctionsRepo.countAccessLog(db, personId)]);
  return {
    items: rows.map((r) => ({ id: r.id, at: r.at, actorName: r.actor_name, departmentCode: r.department_code, departmentName: r.department_name ?? null, kind: r.kind, purpose: r.purpose })),
    total,
    page: page.page,
    pageSize: page.pageSize,
  };
}
