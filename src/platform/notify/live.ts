import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Actor } from '../policy/actor.js';
import type { Executor } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';

/**
 * Live arrival of notifications on open pages (SSE, `GET /api/v1/live`), across processes.
 *
 * Signal after commit, never before: a page must not be told about a notification whose
 * transaction then rolls back.
 * - PostgreSQL: `notify()` calls `pg_notify` inside the caller's transaction; PostgreSQL delivers
 *   it at COMMIT (and drops it on rollback) to every process LISTENing, so several server
 *   processes behind a load balancer all hear it. Channel per schema (tests share a database).
 * - SQLite: one process owns the file; a poller reads notification ids past the last seen one
 *   (committed rows only) once a second while someone is listening. Ids are time-ordered and
 *   SQLite transactions of the process are serialised, so ids arrive in commit order.
 */

type Listener = () => void;

const PG_PAYLOAD_IDS = 400; // 16-char ids + commas stay under PostgreSQL's 8,000-byte payload

/** Called by `notify()` in the caller's transaction with the users who got a notification. */
export async function signalUsers(db: Executor, userIds: string[]): Promise<void> {
  if (userIds.length === 0 || dialectOf(db as unknown as Kysely<unknown>) !== 'postgres') return;
  for (let i = 0; i < userIds.length; i += PG_PAYLOAD_IDS) {
    const payload = userIds.slice(i, i + PG_PAYLOAD_IDS).join(',');
    await sql`select pg_notify('linli_live_' || current_schema(), ${payload})`.execute(db);
  }
}

/**
 * Topics: a page with something open (a survey's results: `survey:<id>`) hears that it changed,
 * without an inbox row. Same rule: signal after commit.
 * - PostgreSQL: `pg_notify` on `linli_topic_<schema>` in the writer's transaction (delivered at COMMIT).
 * - SQLite: one process; an in-memory emit, which the writer makes AFTER its transaction commits
 *   (`signalTopic` refuses a transaction there).
 */
const localTopicHooks = new WeakMap<object, Set<(topic: string) => void>>();

export async function signalTopic(db: Executor, topic: string): Promise<void> {
  if (dialectOf(db as unknown as Kysely<unknown>) === 'postgres') {
    await sql`select pg_notify('linli_topic_' || current_schema(), ${topic})`.execute(db);
    return;
  }
  if ((db as Kysely<unknown>).isTransaction) throw new Error('signalTopic on SQLite: call it after the transaction commits');
  for (const hook of localTopicHooks.get(db) ?? []) hook(topic);
}

/** Decides whether an actor may listen to the topics of a prefix (`survey` for `survey:<id>`); key is the rest. */
export type TopicReader = (ctx: PlatformContext, actor: Actor, key: string) => Promise<boolean>;
const topicReaders = new Map<string, TopicReader>();

export function registerTopicReader(prefix: string, reader: TopicReader): void {
  topicReaders.set(prefix, reader);
}

/** Whether the actor may listen to `topic`; unknown prefixes: no. */
export async function mayListenTopic(ctx: PlatformContext, actor: Actor, topic: string): Promise<boolean> {
  const cut = topic.indexOf(':');
  if (cut <= 0) return false;
  const reader = topicReaders.get(topic.slice(0, cut));
  return reader ? reader(ctx, actor, topic.slice(cut + 1)) : false;
}

export class LiveHub {
  private listeners = new Map<string, Set<Listener>>();
  private topicListeners = new Map<string, Set<Listener>>();
  private localHook: ((topic: string) => void) | null = null;
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastId: string | null = null;
  private closed = false;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly pollMs = 1000,
  ) {}

  /** Calls `listener` whenever `userId` gets a notification; returns the unsubscribe. */
  async subscribe(userId: string, listener: Listener): Promise<() => void> {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    await this.start();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  /** Calls `listener` whenever `topic` is signalled (after commit); returns the unsubscribe. */
  async subscribeTopic(topic: string, listener: Listener): Promise<() => void> {
    let set = this.topicListeners.get(topic);
    if (!set) this.topicListeners.set(topic, (set = new Set()));
    set.add(listener);
    if (this.ctx.db.dialect === 'postgres') await this.start();
    else if (!this.localHook && !this.closed) {
      const key = this.ctx.db.kysely as object;
      let hooks = localTopicHooks.get(key);
      if (!hooks) localTopicHooks.set(key, (hooks = new Set()));
      this.localHook = (t) => this.fireTopic(t);
      hooks.add(this.localHook);
    }
    return () => {
      set.delete(listener);
      if (set.size === 0) this.topicListeners.delete(topic);
    };
  }

  private fireTopic(topic: string) {
    for (const l of this.topicListeners.get(topic) ?? []) {
      try {
        l();
      } catch {
        // a broken page must not stop the others
      }
    }
  }

  get subscriberCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private fire(userId: string) {
    for (const l of this.listeners.get(userId) ?? []) {
      try {
        l();
      } catch {
        // a broken page must not stop the others
      }
    }
  }

  private start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.ctx.db.dialect === 'postgres') {
      this.connecting ??= this.listen().catch((err) => {
        this.connecting = null;
        throw err;
      });
      return this.connecting;
    }
    if (!this.timer) {
      this.connecting ??= this.startPolling();
      return this.connecting;
    }
    return Promise.resolve();
  }

  private async listen() {
    const schema = this.ctx.db.schema;
    const client = new pg.Client({ connectionString: this.ctx.config.databaseUrl, options: schema ? `-c search_path=${schema}` : undefined });
    await client.connect();
    const { rows } = await client.query<{ s: string }>('select current_schema() as s');
    const channel = `linli_live_${rows[0]!.s}`;
    const topicChannel = `linli_topic_${rows[0]!.s}`;
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      if (msg.channel === topicChannel) return this.fireTopic(msg.payload);
      if (msg.channel !== channel) return;
      for (const id of msg.payload.split(',')) this.fire(id);
    });
    // A dropped connection loses signals; reconnect on next subscribe rather than crash.
    client.on('error', () => {
      if (this.client === client) {
        this.client = null;
        this.connecting = null;
      }
    });
    await client.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    await client.query(`LISTEN "${topicChannel.replace(/"/g, '')}"`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private async startPolling() {
    const db = this.ctx.db.kysely;
    const last = await db.selectFrom('notification').select(sql<string | null>`max(id)`.as('id')).executeTakeFirst();
    this.lastId = last?.id ?? '';
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** One query a second for the whole process, and only while pages are listening. */
  private async poll() {
    if (this.listeners.size === 0 || this.closed) return;
    try {
      const rows = await this.ctx.db.kysely
        .selectFrom('notification')
        .select(['user_id', sql<string>`max(id)`.as('id')])
        .where('id', '>', this.lastId ?? '')
        .groupBy('user_id')
        .execute();
      for (const r of rows) {
        if (r.id > (this.lastId ?? '')) this.lastId = r.id;
        this.fire(r.user_id);
      }
    } catch {
      // the database closing under us at shutdown
    }
  }

  async close() {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
    this.topicListeners.clear();
    if (this.localHook) localTopicHooks.get(this.ctx.db.kysely as object)?.delete(this.localHook);
    this.localHook = null;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}

const hubs = new WeakMap<PlatformContext, LiveHub>();

/** The process's hub for this platform (one LISTEN connection or one poller). */
export function liveHub(ctx: PlatformContext): LiveHub {
  let hub = hubs.get(ctx);
  if (!hub) hubs.set(ctx, (hub = new LiveHub(ctx)));
  return hub;
}

export async function closeLiveHub(ctx: PlatformContext) {
  const hub = hubs.get(ctx);
  hubs.delete(ctx);
  if (hub) await hub.close();
}
