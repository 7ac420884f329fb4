import { composeIdNumber, type Gender } from '../platform/cn/id-number.js';
import type { IdType, ResidenceType } from '../modules/registry/registry.table.js';
import { pickGivenName, pickSurname } from './names.js';
import { chance, intBetween, pick, weighted, type Random } from './random.js';

/**
 * Ages are counted to this fixed day, not to the clock, so the same seed gives the same birth
 * dates (and so the same ID numbers) whenever the demo is seeded.
 */
export const REFERENCE_DATE = '2025-12-31';
const REFERENCE_YEAR = Number(REFERENCE_DATE.slice(0, 4));
const DAY_MS = 86_400_000;

export interface GeneratedPerson {
  surname: string;
  givenName: string;
  gender: Gender;
  birthDate: string;
  idType: IdType;
  idNumber: string;
  phone: string | null;
  ethnicity: string | null;
  residenceType: ResidenceType;
}

export interface GeneratedHousehold {
  /** Owner-occupiers (自住) or tenants (出租); the head comes first. */
  kind: 'owner' | 'tenant';
  members: GeneratedPerson[];
}

/** Other places in Zhejiang that Haining residents were first registered in. */
const ZHEJIANG_REGIONS = ['330482', '330483', '330424', '330421', '330402', '330411', '330106', '330110', '330521', '330602', '330381'];
/** Home counties of migrant workers in Jiaxing: northern Anhui, eastern Henan, Sichuan, Guizhou, Hunan, Jiangxi, Guangxi. */
const MIGRANT_REGIONS = weighted<string>([
  ['341221', 10], ['341222', 8], ['341226', 7], ['341321', 5], ['341623', 5], ['411627', 5], ['411628', 4], ['411421', 3],
  ['511321', 4], ['511725', 4], ['522425', 4], ['522422', 3], ['430523', 3], ['433101', 2], ['362330', 4], ['450922', 2],
  ['320721', 2], ['372928', 2], ['421127', 3], ['360731', 2],
]);
/** Residence permits of Hong Kong, Macao and Taiwan residents carry these "regions". */
const PERMIT_REGIONS = ['810000', '820000', '830000'];
const MINORITIES_LOCAL = ['畲族', '回族', '满族', '土家族'];
const MINORITIES_MIGRANT = ['土家族', '苗族', '布依族', '壮族', '回族', '彝族', '侗族'];

const PHONE_PREFIXES = weighted<string>([
  ['130', 3], ['131', 3], ['132', 3], ['133', 2], ['134', 3], ['135', 5], ['136', 5], ['137', 5], ['138', 6], ['139', 6],
  ['150', 4], ['151', 4], ['152', 3], ['153', 2], ['155', 2], ['157', 3], ['158', 5], ['159', 5], ['166', 2], ['173', 1],
  ['177', 2], ['180', 2], ['181', 2], ['182', 2], ['183', 2], ['187', 3], ['188', 2], ['189', 3], ['191', 1], ['198', 2], ['199', 2],
]);

/** Ages of people of 60 and over: most in their sixties and seventies, a tail past ninety. */
const elderlyAge = weighted<[number, number]>([
  [[60, 64], 26], [[65, 69], 24], [[70, 74], 19], [[75, 79], 14], [[80, 84], 10], [[85, 89], 5], [[90, 98], 1.5],
]);
const ownerSize = weighted<number>([[1, 14], [2, 29], [3, 27], [4, 15], [5, 10], [6, 5]]);
const tenantSize = weighted<number>([[1, 35], [2, 40], [3, 25]]);

interface Draft {
  surname: string;
  gender: Gender;
  age: number;
  /** Where the number was first issued: home (户籍) region, a migrant county or a permit region. */
  region: string;
}

/**
 * Draws households and the people in them. Numbers are unique across one generator: reuse
 * the same instance for a whole city.
 */
export class PeopleGenerator {
  private readonly usedIds = new Set<string>();
  private readonly usedPhones = new Set<string>();

  constructor(
    private readonly rnd: Random,
    /** The county the community belongs to (330481 for Haining). */
    private readonly homeRegion = '330481',
  ) {}

  household(kind: 'owner' | 'tenant'): GeneratedHousehold {
    return kind === 'owner' ? this.ownerHousehold() : this.tenantHousehold();
  }

  private ownerHousehold(): GeneratedHousehold {
    const rnd = this.rnd;
    const surname = pickSurname(rnd);
    const size = ownerSize(rnd);
    const drafts: Draft[] = [];
    const local = () => this.ownerRegion();
    const elderly = () => this.age(elderlyAge(rnd));
    const couple = (husbandAge: number) => {
      drafts.push({ surname, gender: '男', age: husbandAge, region: local() });
      drafts.push({ surname: pickSurname(rnd), gender: '女', age: Math.max(20, husbandAge - intBetween(rnd, -1, 4)), region: local() });
    };
    const child = (motherAge: number, min = 0) => {
      const age = Math.max(min, motherAge - intBetween(rnd, 23, 35));
      drafts.push({ surname: chance(rnd, 0.95) ? surname : pickSurname(rnd), gender: chance(rnd, 0.51) ? '男' : '女', age, region: this.homeRegion });
      return age;
    };
    const grandparents = (parentAge: number, both: boolean) => {
      const age = parentAge + intBetween(rnd, 24, 32);
      if (both) drafts.push({ surname, gender: '男', age, region: local() });
      drafts.push({ surname: pickSurname(rnd), gender: '女', age: age - intBetween(rnd, 0, 4), region: local() });
    };
    const motherAge = () => drafts[drafts.length - 1].age;

    switch (size) {
      case 1:
        if (chance(rnd, 0.55)) drafts.push({ surname, gender: chance(rnd, 0.65) ? '女' : '男', age: elderly(), region: local() });
        else drafts.push({ surname, gender: chance(rnd, 0.5) ? '男' : '女', age: intBetween(rnd, 23, 59), region: local() });
        break;
      case 2: {
        const r = rnd();
        if (r < 0.45) couple(elderly());
        else if (r < 0.7) couple(intBetween(rnd, 45, 64));
        else if (r < 0.85) couple(intBetween(rnd, 25, 40));
        else {
          const parent = intBetween(rnd, 35, 58);
          drafts.push({ surname, gender: chance(rnd, 0.4) ? '男' : '女', age: parent, region: local() });
          child(parent, 3);
        }
        break;
      }
      case 3: {
        const r = rnd();
        if (r < 0.6) {
          couple(intBetween(rnd, 29, 55));
          child(motherAge());
        } else if (r < 0.8) {
          const adultChild = intBetween(rnd, 25, 40);
          couple(Math.min(95, adultChild + intBetween(rnd, 24, 32)));
          drafts.push({ surname, gender: chance(rnd, 0.55) ? '男' : '女', age: adultChild, region: this.homeRegion });
        } else {
          couple(intBetween(rnd, 26, 36));
          child(motherAge(), 0);
          drafts[drafts.length - 1].age = intBetween(rnd, 0, 6);
        }
        break;
      }
      case 4: {
        const r = rnd();
        if (r < 0.4) {
          couple(intBetween(rnd, 32, 50));
          const m = motherAge();
          child(m);
          child(m);
        } else if (r < 0.75) {
          const husband = intBetween(rnd, 28, 45);
          grandparents(husband, false);
          couple(husband);
          child(motherAge());
          drafts.push(drafts.shift()!); // the couple heads the household, the grandparent lives with them
        } else {
          const parent = intBetween(rnd, 28, 42);
          grandparents(parent, true);
          drafts.push({ surname, gender: '男', age: parent, region: this.homeRegion });
          child(parent - intBetween(rnd, -2, 3));
        }
        break;
      }
      default: {
        const husband = intBetween(rnd, 28, 45);
        grandparents(husband, true);
        couple(husband);
        const m = motherAge();
        child(m);
        if (size === 6) child(m);
      }
    }
    return { kind: 'owner', members: this.people(drafts, '户籍人口') };
  }

  private tenantHousehold(): GeneratedHousehold {
    const rnd = this.rnd;
    const r = rnd();
    // Most tenants are migrant workers; some are locals renting, a few come from Hong Kong, Macao or Taiwan.
    const residenceType: ResidenceType = r < 0.015 ? '境外人员' : r < 0.17 ? '户籍人口' : '流动人口';
    const region = residenceType === '境外人员' ? pick(rnd, PERMIT_REGIONS) : residenceType === '户籍人口' ? this.ownerRegion() : MIGRANT_REGIONS(rnd);
    const surname = pickSurname(rnd);
    const size = tenantSize(rnd);
    const drafts: Draft[] = [];
    if (size === 1) {
      drafts.push({ surname, gender: chance(rnd, 0.6) ? '男' : '女', age: intBetween(rnd, 19, 52), region });
    } else if (size === 2 && chance(rnd, 0.2)) {
      const gender: Gender = chance(rnd, 0.6) ? '男' : '女';
      drafts.push({ surname, gender, age: intBetween(rnd, 19, 45), region });
      drafts.push({ surname: pickSurname(rnd), gender, age: intBetween(rnd, 19, 45), region: MIGRANT_REGIONS(rnd) });
    } else {
      const husband = intBetween(rnd, 22, 46);
      drafts.push({ surname, gender: '男', age: husband, region });
      drafts.push({ surname: pickSurname(rnd), gender: '女', age: Math.max(20, husband - intBetween(rnd, -1, 4)), region });
      if (size === 3) drafts.push({ surname, gender: chance(rnd, 0.52) ? '男' : '女', age: intBetween(rnd, 0, Math.min(14, Math.max(0, husband - 22))), region });
    }
    return { kind: 'tenant', members: this.people(drafts, residenceType) };
  }

  /** The members of one household; no two share a full name (a son is not named after his father here). */
  private people(drafts: Draft[], residenceType: ResidenceType): GeneratedPerson[] {
    const names = new Set<string>();
    return drafts.map((d) => {
      const p = this.person(d, residenceType);
      for (let i = 0; i < 10 && names.has(fullName(p)); i++) p.givenName = pickGivenName(this.rnd, p.gender, Number(p.birthDate.slice(0, 4)));
      names.add(fullName(p));
      return p;
    });
  }

  /** Where an owner-occupier was first registered: mostly here, some elsewhere in Zhejiang, a few married in from afar. */
  private ownerRegion(): string {
    const r = this.rnd();
    if (r < 0.8) return this.homeRegion;
    if (r < 0.92) return pick(this.rnd, ZHEJIANG_REGIONS);
    return MIGRANT_REGIONS(this.rnd);
  }

  private age([min, max]: [number, number]): number {
    return intBetween(this.rnd, min, max);
  }

  private person(d: Draft, residenceType: ResidenceType): GeneratedPerson {
    const rnd = this.rnd;
    const birthDate = birthDateFor(d.age, intBetween(rnd, 0, 364));
    const permit = PERMIT_REGIONS.includes(d.region);
    const minority = permit ? null : residenceType === '流动人口' ? (chance(rnd, 0.05) ? pick(rnd, MINORITIES_MIGRANT) : null) : chance(rnd, 0.005) ? pick(rnd, MINORITIES_LOCAL) : null;
    return {
      surname: d.surname,
      givenName: pickGivenName(rnd, d.gender, Number(birthDate.slice(0, 4))),
      gender: d.gender,
      birthDate,
      idType: permit ? '港澳台居民居住证' : '居民身份证',
      idNumber: this.idNumber(d.region, birthDate, d.gender),
      phone: this.phoneFor(d.age),
      ethnicity: permit ? null : (minority ?? '汉族'),
      residenceType,
    };
  }

  /** A unique valid number: a sequence of the right parity (odd for men), re-drawn on the rare clash. */
  idNumber(region: string, birthDate: string, gender: Gender): string {
    for (;;) {
      const seq = intBetween(this.rnd, 0, 498) * 2 + (gender === '男' ? 1 : 2);
      const id = composeIdNumber(region, birthDate, seq);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  private phoneFor(age: number): string | null {
    const p = age < 12 ? 0 : age < 75 ? 0.93 : age < 85 ? 0.7 : 0.4;
    if (!chance(this.rnd, p)) return null;
    for (;;) {
      const phone = PHONE_PREFIXES(this.rnd) + String(intBetween(this.rnd, 0, 99_999_999)).padStart(8, '0');
      if (!this.usedPhones.has(phone)) {
        this.usedPhones.add(phone);
        return phone;
      }
    }
  }
}

/** The birth date of someone `age` years old on REFERENCE_DATE, `daysEarlier` days before their birthday fell on it. */
export function birthDateFor(age: number, daysEarlier: number): string {
  const t = Date.UTC(REFERENCE_YEAR - age, 11, 31) - daysEarlier * DAY_MS;
  return new Date(t).toISOString().slice(0, 10);
}

export function fullName(p: Pick<GeneratedPerson, 'surname' | 'givenName'>): string {
  return p.surname + p.givenName;
}
