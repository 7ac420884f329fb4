import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import type { Actor, Grant } from '../../platform/policy/actor.js';
import type { Role } from '../../platform/policy/roles.js';
import type { Mandate } from './registry.policy.js';
import { accessTo, departmentScopeOf, filterableFields, filterableTags, narrowTo, needsPurpose, reaches, readScopeOf, scopePathsOf } from './scope.js';

const STREET = '/city/street/';
const XISHAN = '/city/street/xishan/';
const GRID01 = '/city/street/xishan/grid01/';
const DWELLING = '/city/street/xishan/grid01/b1/u1/d101/';
const DONGSHAN = '/city/street/dongshan/';
const DONGSHAN_DWELLING = '/city/street/dongshan/g/b/u/d/';

const mandates = new Map<string, Mandate>([
  ['civil', { tags: ['低保', '特困'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] }],
  ['social-security', { tags: ['低保', '退役军人'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'tags'] }],
  ['empty', { tags: [], fields: ['name'] }],
]);

function actor(...grants: [Role, string, string?][]): Actor {
  return {
    userId: 'u',
    username: 'u',
    displayName: 'u',
    personId: null,
    via: 'session',
    grants: grants.map(([role, orgPath, departmentCode]): Grant => ({ role, orgPath, orgNodeId: orgPath, departmentCode: departmentCode ?? null })),
  };
}

type Seen = null | 'all' | { fields: string[]; tags: string[]; departments: string[] };

function seen(a: Actor, path: string, tags: string[]): Seen {
  const access = accessTo(readScopeOf(a, mandates), path, tags);
  if (!access) return null;
  if (access.fields.all) return 'all';
  return { fields: [...access.fields.fields].sort(), tags: access.tags.sort(), departments: access.departmentCodes.sort() };
}

const CIVIL_FIELDS = ['address', 'birthDate', 'gender', 'idNumber', 'name', 'phone', 'tags'];
const SOCIAL_FIELDS = ['birthDate', 'gender', 'idNumber', 'name', 'tags'];

describe('registry read scope', () => {
  const cases: [string, Actor, string, string[], Seen][] = [
    ['community staff, a person of their community', actor(['community_staff', XISHAN]), DWELLING, [], 'all'],
    ['a grid worker inside their grid', actor(['grid_worker', GRID01]), DWELLING, ['低保'], 'all'],
    ['a grid worker, a person of another community', actor(['grid_worker', GRID01]), DONGSHAN_DWELLING, [], null],
    ['the street dispatcher', actor(['dispatcher', STREET]), DONGSHAN_DWELLING, [], 'all'],
    ['a resident', actor(['resident', GRID01]), DWELLING, ['低保'], null],
    ['民政, a 低保 person', actor(['department_officer', STREET, 'civil']), DWELLING, ['低保', '党员'], { fields: CIVIL_FIELDS, tags: ['低保'], departments: ['civil'] }],
    ['民政, a person with no tag of its mandate', actor(['department_officer', STREET, 'civil']), DWELLING, ['党员', '重点人员'], null],
    ['民政, a person with no tag at all', actor(['department_officer', STREET, 'civil']), DWELLING, [], null],
    ['民政 granted on 西山社区, a 低保 person of 东山社区', actor(['department_officer', XISHAN, 'civil']), DONGSHAN_DWELLING, ['低保'], null],
    ['人社 (no phone, no address)', actor(['department_officer', STREET, 'social-security']), DWELLING, ['低保'], { fields: SOCIAL_FIELDS, tags: ['低保'], departments: ['social-security'] }],
    [
      '民政 and 人社 both reaching a 低保 特困 person: fields and tags of both',
      actor(['department_officer', STREET, 'social-security'], ['department_officer', STREET, 'civil']),
      DWELLING,
      ['低保', '特困'],
      { fields: CIVIL_FIELDS, tags: ['低保', '特困'], departments: ['civil', 'social-security'] },
    ],
    [
      '… a 特困-only person: only 民政 reaches them',
      actor(['department_officer', STREET, 'social-security'], ['department_officer', STREET, 'civil']),
      DWELLING,
      ['特困'],
      { fields: CIVIL_FIELDS, tags: ['特困'], departments: ['civil'] },
    ],
    ['an officer of an unknown department', actor(['department_officer', STREET, 'nosuch']), DWELLING, ['低保'], null],
    ['an officer of a department whose mandate names no tag', actor(['department_officer', STREET, 'empty']), DWELLING, ['低保'], null],
    ['an officer without a department code', actor(['department_officer', STREET]), DWELLING, ['低保'], null],
    ['an officer who is also community staff, inside the community', actor(['department_officer', STREET, 'social-security'], ['community_staff', XISHAN]), DWELLING, [], 'all'],
    [
      '… outside the community, where only the mandate applies',
      actor(['department_officer', STREET, 'social-security'], ['community_staff', XISHAN]),
      DONGSHAN_DWELLING,
      ['低保'],
      { fields: SOCIAL_FIELDS, tags: ['低保'], departments: ['social-security'] },
    ],
  ];
  it.each(cases)('%s', (_label, a, path, tags, expected) => {
    expect(seen(a, path, tags)).toEqual(expected);
  });

  const purposeCases: [string, Actor, string | null, boolean][] = [
    ['staff never', actor(['community_staff', XISHAN]), null, false],
    ['a department officer always', actor(['department_officer', STREET, 'civil']), null, true],
    ['an officer and staff, over the street', actor(['department_officer', STREET, 'civil'], ['community_staff', XISHAN]), null, true],
    ['… narrowed to their own community', actor(['department_officer', STREET, 'civil'], ['community_staff', XISHAN]), XISHAN, false],
    ['… narrowed to a grid inside it', actor(['department_officer', STREET, 'civil'], ['community_staff', XISHAN]), GRID01, false],
    ['… narrowed to the other community', actor(['department_officer', STREET, 'civil'], ['community_staff', XISHAN]), DONGSHAN, true],
    ['an officer granted inside their staff subtree', actor(['department_officer', GRID01, 'civil'], ['community_staff', XISHAN]), null, false],
  ];
  it.each(purposeCases)('needs a purpose: %s', (_label, a, narrowedTo, expected) => {
    const scope = readScopeOf(a, mandates);
    expect(needsPurpose(narrowedTo ? narrowTo(scope, narrowedTo) : scope)).toBe(expected);
  });

  it('narrows reaches above a node down to it, keeps those below, drops the rest', () => {
    const scope = readScopeOf(actor(['department_officer', STREET, 'civil'], ['grid_worker', GRID01]), mandates);
    expect(scopePathsOf(scope)).toEqual([STREET]);
    expect(reaches(scope, DONGSHAN)).toBe(true);
    expect(reaches(scope, '/city/')).toBe(false);
    const toXishan = narrowTo(scope, XISHAN);
    expect(toXishan.staffPaths).toEqual([GRID01]);
    expect(toXishan.departments.map((d) => [d.departmentCode, d.path])).toEqual([['civil', XISHAN]]);
    const toDongshan = narrowTo(scope, DONGSHAN);
    expect(toDongshan.staffPaths).toEqual([]);
    expect(toDongshan.departments.map((d) => d.path)).toEqual([DONGSHAN]);
  });

  it('drops a department grant nested in another of the same department', () => {
    const scope = readScopeOf(actor(['department_officer', XISHAN, 'civil'], ['department_officer', STREET, 'civil']), mandates);
    expect(scope.departments.map((d) => d.path)).toEqual([STREET]);
  });

  it('lets lists be filtered only by fields and tags every mandate in the scope covers', () => {
    expect(filterableFields(readScopeOf(actor(['community_staff', XISHAN]), mandates))).toEqual({ all: true });
    expect(filterableTags(readScopeOf(actor(['community_staff', XISHAN]), mandates))).toBe('all');
    const both = readScopeOf(actor(['department_officer', STREET, 'social-security'], ['department_officer', STREET, 'civil']), mandates);
    const fields = filterableFields(both);
    expect(fields.all ? 'all' : [...fields.fields].sort()).toEqual(SOCIAL_FIELDS);
    expect([...(filterableTags(both) as Set<string>)]).toEqual(['低保']);
  });
});

describe(`departmentScopeOf reads the mandates (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fx: Fixture;
  beforeAll(async () => {
    platform = await createTestPlatform();
    fx = await seedFixture(platform.ctx);
  });
  afterAll(async () => {
    await platform.close();
  });

  it('gives 民政 its demo mandate over the street', async () => {
    const civil = actor(['department_officer', fx.nodes.street.path, 'civil']);
    const scope = await departmentScopeOf(platform.ctx, civil);
    expect(scope.staffPaths).toEqual([]);
    expect(scope.departments).toHaveLength(1);
    expect(scope.departments[0]).toMatchObject({ departmentCode: 'civil', path: fx.nodes.street.path, tags: expect.arrayContaining(['低保', '特困', '残疾人']) });
    expect([...scope.departments[0]!.fields].sort()).toEqual(CIVIL_FIELDS);
  });

  it('gives staff their subtrees and no departments', async () => {
    const scope = await departmentScopeOf(platform.ctx, actor(['grid_worker', fx.nodes.grid01.path], ['grid_worker', fx.nodes.grid02.path]));
    expect(scope).toEqual({ staffPaths: [fx.nodes.grid01.path, fx.nodes.grid02.path].sort(), departments: [] });
  });
});
