import { AppError } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';
import { isRegionCode } from './id-number.js';

/**
 * Grid codes of CJ/T 349-2010 (数字社区管理与服务 网格划分与编码规则), 20 digits:
 *
 *   positions  1–6   管理或服务对象代码 (CJ/T 348; a main class ends in 00)
 *              7–12  县级及以上行政区划代码 (GB/T 2260)
 *             13–15  街道（乡镇）代码 (GB/T 10114)
 *             16–18  社区代码 (CJ/T 213; merged communities count from 601)
 *             19–20  专业网格顺序码 (00 when the community is not subdivided)
 *
 * Positions 7–18 are the community's own 12-digit code (330481001003), so a grid's code
 * must carry the code of the community it lies in.
 */

export interface GridCodeParts {
  objectCode: string;
  region: string;
  street: string;
  community: string;
  sequence: string;
}

export type GridCodeProblem = 'format' | 'object_code' | 'region' | 'street' | 'community' | 'community_mismatch';

export type GridCodeResult = { ok: true; parts: GridCodeParts } | { ok: false; problem: GridCodeProblem };

addMessages({
  'error.GRID_CODE_INVALID': {
    'zh-CN': '网格编码不符合 CJ/T 349 规则（{problem}）',
    en: 'The grid code does not follow CJ/T 349 ({problem})',
  },
});

export function parseGridCode(input: string): GridCodeResult {
  const code = input.trim();
  if (!/^\d{20}$/.test(code)) return { ok: false, problem: 'format' };
  const parts: GridCodeParts = {
    objectCode: code.slice(0, 6),
    region: code.slice(6, 12),
    street: code.slice(12, 15),
    community: code.slice(15, 18),
    sequence: code.slice(18, 20),
  };
  if (parts.objectCode.startsWith('00')) return { ok: false, problem: 'object_code' };
  // A grid lies under a county-level division; residence-permit regions (81/82/83) name no county.
  if (!isRegionCode(parts.region) || /^8[123]/.test(parts.region)) return { ok: false, problem: 'region' };
  if (parts.street === '000') return { ok: false, problem: 'street' };
  if (parts.community === '000') return { ok: false, problem: 'community' };
  return { ok: true, parts };
}

/**
 * Null when `code` is a valid grid code (and, given the community's 12-digit code, carries it);
 * otherwise what is wrong with it.
 */
export function gridCodeProblem(code: string, opts: { communityCode?: string | null } = {}): GridCodeProblem | null {
  const r = parseGridCode(code);
  if (!r.ok) return r.problem;
  const community = opts.communityCode?.trim();
  if (community && /^\d{12}$/.test(community)) {
    const carried = r.parts.region + r.parts.street + r.parts.community;
    if (carried !== community) return 'community_mismatch';
  }
  return null;
}

export function isGridCode(code: string): boolean {
  return parseGridCode(code).ok;
}

/** Throws 400 GRID_CODE_INVALID (details name the problem) unless the code is valid for the community. */
export function assertGridCode(code: string, opts: { communityCode?: string | null } = {}): void {
  const problem = gridCodeProblem(code, opts);
  if (problem) throw new AppError(400, 'GRID_CODE_INVALID', { problem }, [{ field: 'code', code: 'GRID_CODE_INVALID', problem }]);
}

/** The code of grid number `sequence` (1–99; 0 = the community undivided) of a community with a 12-digit code. */
export function composeGridCode(objectCode: string, communityCode: string, sequence: number): string {
  if (!/^\d{6}$/.test(objectCode)) throw new Error('composeGridCode needs a 6-digit object code');
  if (!/^\d{12}$/.test(communityCode)) throw new Error('composeGridCode needs the 12-digit community code');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 99) throw new Error('grid sequence must be 0–99');
  return objectCode + communityCode + String(sequence).padStart(2, '0');
}
