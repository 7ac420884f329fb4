import { describe, expect, it } from 'vitest';
import type { Actor, Grant } from '../../platform/policy/actor.js';
import type { Role } from '../../platform/policy/roles.js';
import { canUnmask, fieldAccess, type Mandate } from './registry.policy.js';

const STREET = '/city/street/';
const XISHAN = '/city/street/xishan/';
const GRID01 = '/city/street/xishan/grid01/';
const DWELLING = '/city/street/xishan/grid01/b1/u1/d101/';
const DONGSHAN_DWELLING = '/city/street/dongshan/g/b/u/d/';

const mandates = new Map<string, Mandate>([
  ['civil', { tags: ['低保'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] }],
  ['social-security', { tags: ['低保'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'tags'] }],
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

const fieldsOf = (a: ReturnType<typeof fieldAccess>) => (a === null ? null : a.all ? 'all' : [...a.fields].sort());

describe('registry field access', () => {
  const cases: [string, Actor, string, ReturnType<typeof fieldsOf>][] = [
    ['community staff on their community', actor(['community_staff', XISHAN]), DWELLING, 'all'],
    ['a grid worker inside their grid', actor(['grid_worker', GRID01]), DWELLING, 'all'],
    ['a grid worker outside their grid', actor(['grid_worker', GRID01]), DONGSHAN_DWELLING, null],
    ['the street dispatcher', actor(['dispatcher', STREET]), DONGSHAN_DWELLING, 'all'],
    ['a resident', actor(['resident', GRID01]), DWELLING, null],
    ['a civil affairs officer', actor(['department_officer', STREET, 'civil']), DWELLING, ['address', 'birthDate', 'gender', 'idNumber', 'name', 'phone', 'tags']],
    ['a social security officer', actor(['department_officer', STREET, 'social-security']), DWELLING, ['birthDate', 'gender', 'idNumber', 'name', 'tags']],
    ['an officer of an unknown department', actor(['department_officer', STREET, 'nosuch']), DWELLING, []],
    ['an officer who is also community staff', actor(['department_officer', STREET, 'social-security'], ['community_staff', XISHAN]), DWELLING, 'all'],
    ['… outside the community where only the mandate applies', actor(['department_officer', STREET, 'social-security'], ['community_staff', XISHAN]), DONGSHAN_DWELLING, ['birthDate', 'gender', 'idNumber', 'name', 'tags']],
  ];
  it.each(cases)('%s', (_label, a, path, expected) => {
    expect(fieldsOf(fieldAccess(a, path, mandates))).toEqual(expected);
  });

  it('lets only pii.unmask holders unmask, inside their subtree', () => {
    expect(canUnmask(actor(['grid_worker', GRID01]), DWELLING)).toBe(true);
    expect(canUnmask(actor(['grid_worker', GRID01]), DONGSHAN_DWELLING)).toBe(false);
    expect(canUnmask(actor(['dispatcher', STREET]), DWELLING)).toBe(false);
  });
});
