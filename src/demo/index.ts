/** What other modules' demo seeds and the benchmark may use from the demo community. */
export { DEMO_ACCOUNTS, DEMO_DEPARTMENTS, DEMO_PASSWORD, type DemoAccount, type DemoNodeKey } from './accounts.js';
export { seedDemoIfEmpty, DEMO_SEED } from './seed.js';
export { loadDemoRefs, type DemoRefs, type DemoNode, type DemoPerson } from './refs.js';
export { buildCommunity, gridCode, RESIDENTS_PER_DWELLING, type CommunityPlan, type CommunityResult } from './community.js';
export { PeopleGenerator, REFERENCE_DATE, type GeneratedHousehold, type GeneratedPerson } from './people.js';
export { mulberry32, seedFrom, type Random } from './random.js';
