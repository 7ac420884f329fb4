import type { Actor } from '../policy/actor.js';
import { ROLES, type Role } from '../policy/roles.js';

/**
 * A workflow is data in code: states, the steps between them, who may take each step and what
 * it requires, and how long a case may stay in a state (in working hours). The engine
 * (workflow.service.ts) runs every definition the same way, so a module only describes its loop.
 *
 * @example
 * const gridEvent = defineWorkflow({
 *   name: 'events.grid-event',
 *   states: { reported: { deadline: { workingHours: 2 } }, accepted: {}, closed: {} },
 *   initial: 'reported',
 *   terminal: ['closed'],
 *   transitions: [{ name: 'accept', from: ['reported'], to: 'accepted', roles: ['community_staff'] }],
 * });
 */

export interface Label {
  'zh-CN': string;
  en: string;
}

export interface StateSpec {
  label?: Label;
  /** Entering the state starts a time limit of this many working hours (times the case's factor). */
  deadline?: { workingHours: number };
  /** `paused` for suspended states (挂起): the time limit stops here and resumes with what was left. */
  clock?: 'paused';
}

export interface GuardInput {
  actor: Actor | 'system';
  instance: { id: string; state: string; orgNodeId: string; orgPath: string; subjectType: string; subjectId: string };
  /** The step's data; undefined when only asking which steps are available. */
  data?: Record<string, unknown>;
}

export interface TransitionSpec<S extends string = string> {
  /** Verb in the domain's words: `accept`, `dispatch`, `reject` … (`start` is reserved). */
  name: string;
  label?: Label;
  from: readonly S[];
  to: S;
  /** Who may take the step: a grant of one of these roles on the case's node or above it. */
  roles: readonly Role[];
  /** The scheduler (escalation, auto-close) may take this step as `'system'`. */
  bySystem?: boolean;
  /** A reason or opinion is required (退回, 挂起, 核查不通过). */
  requires?: { comment?: boolean };
  /**
   * The time limit after the step. `restart` (the default) starts the target state's limit,
   * or none; `keep` leaves the running limit alone; `resume` (the default when leaving a
   * suspended state) adds back the working time that was left when the clock stopped.
   */
  deadline?: 'restart' | 'keep' | 'resume';
  /** A module's own rule beyond roles, e.g. only the department the case was dispatched to. */
  guard?: (input: GuardInput) => boolean;
}

export interface WorkflowDefinition<S extends string = string> {
  /** Module-prefixed, e.g. `events.grid-event`; stored on every instance. */
  name: string;
  label?: Label;
  states: Record<S, StateSpec>;
  initial: S;
  terminal: readonly S[];
  transitions: readonly TransitionSpec<S>[];
}

const registry = new Map<string, WorkflowDefinition>();

/**
 * Checks a definition once, when the module loads, and registers it by name so stored
 * instances find their rules. State names are inferred from `states` alone, so a typo in a
 * step's `from` or `to` is a type error.
 */
export function defineWorkflow<const S extends string>(def: {
  name: string;
  label?: Label;
  states: Record<S, StateSpec>;
  initial: NoInfer<S>;
  terminal: readonly NoInfer<S>[];
  transitions: readonly TransitionSpec<NoInfer<S>>[];
}): WorkflowDefinition<S> {
  validateDefinition(def as WorkflowDefinition);
  const existing = registry.get(def.name);
  if (existing && existing !== def) throw new Error(`workflow ${def.name} is defined twice`);
  registry.set(def.name, def as WorkflowDefinition);
  return def;
}

export function getDefinition(name: string): WorkflowDefinition | undefined {
  return registry.get(name);
}

export function validateDefinition(def: WorkflowDefinition): void {
  const fail = (why: string) => {
    throw new Error(`workflow ${def.name}: ${why}`);
  };
  const states = new Set(Object.keys(def.states));
  if (!states.has(def.initial)) fail(`initial state ${def.initial} is not a state`);
  for (const s of def.terminal) if (!states.has(s)) fail(`terminal state ${s} is not a state`);
  for (const [name, spec] of Object.entries<StateSpec>(def.states)) {
    if (spec.deadline && !(spec.deadline.workingHours > 0)) fail(`state ${name}: a time limit must be positive`);
    if (spec.deadline && spec.clock === 'paused') fail(`state ${name}: a suspended state cannot have a time limit`);
    if (spec.clock === 'paused' && def.terminal.includes(name)) fail(`state ${name}: a terminal state cannot be suspended`);
  }
  const names = new Set<string>();
  for (const t of def.transitions) {
    if (t.name === 'start') fail('the step name "start" is reserved for the start of a case');
    if (names.has(t.name)) fail(`step ${t.name} is defined twice`);
    names.add(t.name);
    if (!states.has(t.to)) fail(`step ${t.name}: target ${t.to} is not a state`);
    if (t.from.length === 0) fail(`step ${t.name}: no source state`);
    for (const f of t.from) {
      if (!states.has(f)) fail(`step ${t.name}: source ${f} is not a state`);
      if (def.terminal.includes(f)) fail(`step ${t.name}: leaves terminal state ${f}`);
    }
    if (t.roles.length === 0 && !t.bySystem) fail(`step ${t.name}: nobody may take it`);
    for (const r of t.roles) if (!(ROLES as readonly string[]).includes(r)) fail(`step ${t.name}: unknown role ${r}`);
  }
}
