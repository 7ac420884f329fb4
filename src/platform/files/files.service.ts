import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PlatformContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { appendAudit } from '../audit/audit.js';
import type { RequestMeta } from '../auth/auth.service.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';
import { newId } from '../ids.js';
import { getNode } from '../org/org.repository.js';
import type { Actor } from '../policy/actor.js';
import { canAt } from '../policy/actor.js';
import { cleanFileName, detectType, downloadName, TextSniffer } from './content-type.js';
import type { AttachmentTable } from './files.table.js';
import './files.table.js';

addMessages({
  'error.FILE_MISSING': { 'zh-CN': '请选择要上传的文件', en: 'Choose a file to upload' },
  'error.FILE_EMPTY': { 'zh-CN': '文件是空的', en: 'The file is empty' },
  'error.ATTACHMENT_NOT_FOUND': { 'zh-CN': '附件不存在或无权查看', en: 'No such attachment, or you may not open it' },
});

export type Attachment = AttachmentTable;

/**
 * Modules widen who may open an attachment of their purpose (e.g. the department officer
 * handling a service application may open its materials). The owner, and staff holding
 * `org.read` on the file's node, always may.
 */
/**
 * `'published'`: the file is part of something its module has published to this reader (a
 * forum post's picture, a disclosure's attachment): opening it is not a read of someone's
 * papers, so it is not audited (a forum page would write a row per thumbnail).
 */
export type AccessAnswer = boolean | 'published';
type AccessCheck = (ctx: PlatformContext, actor: Actor, attachment: Attachment) => Promise<AccessAnswer>;
const accessChecks = new Map<string, AccessCheck[]>();
/** Purposes whose files are someone else's personal data even to the uploader (staff uploading a resident's signed form). */
const ownerChecked = new Set<string>();

/**
 * `ownerChecked`: the uploader is checked like anyone else and their reads are audited too, so
 * staff who move elsewhere lose the files they uploaded for residents there.
 */
export function registerAttachmentAccess(purpose: string, check: AccessCheck, opts: { ownerChecked?: boolean } = {}): void {
  accessChecks.set(purpose, [...(accessChecks.get(purpose) ?? []), check]);
  if (opts.ownerChecked) ownerChecked.add(purpose);
}

/** Records that `owner` now uses exactly these attachments (replacing what it used before), in the caller's transaction. */
export async function useAttachments(db: Executor, ownerType: string, ownerId: string, attachmentIds: readonly string[]): Promise<void> {
  await db.deleteFrom('attachment_use').where('owner_type', '=', ownerType).where('owner_id', '=', ownerId).execute();
  const ids = [...new Set(attachmentIds)];
  if (ids.length) await db.insertInto('attachment_use').values(ids.map((id) => ({ attachment_id: id, owner_type: ownerType, owner_id: ownerId }))).execute();
}

/** The records of one type that use an attachment (for the module's access check). */
export async function attachmentOwners(db: Executor, attachmentId: string, ownerType: string): Promise<string[]> {
  const rows = await db.selectFrom('attachment_use').select('owner_id').where('attachment_id', '=', attachmentId).where('owner_type', '=', ownerType).execute();
  return rows.map((r) => r.owner_id);
}

function filesRoot(ctx: PlatformContext) {
  return path.join(ctx.config.dataDir, 'files');
}

/** Content-addressed: files/<first 2 hex of sha256>/<sha256>; equal uploads share one blob. */
export function blobPath(ctx: PlatformContext, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('bad sha256');
  return path.join(filesRoot(ctx), sha256.slice(0, 2), sha256);
}

export function presentAttachment(a: Attachment) {
  return {
    id: a.id,
    name: downloadName(a.original_name, a.mime),
    originalName: a.original_name,
    mime: a.mime,
    size: Number(a.size),
    sha256: a.sha256,
    purpose: a.purpose,
    orgNodeId: a.org_node_id,
    createdAt: a.created_at,
  };
}

export interface StoreInput {
  stream: Readable;
  originalName: string | undefined;
  purpose: string;
  orgNodeId?: string | null;
  /** Set by multipart when the stream was cut at its size limit. */
  truncated?: () => boolean;
}

/**
 * Stores an upload: streamed to a temp file while hashing, measuring and sniffing it; typed by
 * its content against the allow-list; moved into place by rename (never a half-written blob);
 * then recorded and audited in one transaction.
 */
export async function storeAttachment(ctx: PlatformContext, actor: Actor, input: StoreInput, meta: RequestMeta) {
  const limit = ctx.config.maxUploadBytes;
  const tmpDir = path.join(filesRoot(ctx), 'tmp');
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${newId()}-${randomBytes(4).toString('hex')}`);
  const hash = createHash('sha256');
  const sniffer = new TextSniffer();
  let size = 0;
  let tooLarge = false;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        done(new AppError(413, 'PAYLOAD_TOO_LARGE', {}, { limitBytes: limit }));
        return;
      }
      hash.update(chunk);
      sniffer.feed(chunk);
      done(null, chunk);
    },
  });
  try {
    try {
      await pipeline(input.stream, meter, fs.createWriteStream(tmp, { flags: 'wx' }));
    } catch (e) {
      if (tooLarge || (e as { statusCode?: number }).statusCode === 413) throw new AppError(413, 'PAYLOAD_TOO_LARGE', {}, { limitBytes: limit });
      throw e;
    }
    if (input.truncated?.()) throw new AppError(413, 'PAYLOAD_TOO_LARGE', {}, { limitBytes: limit });
    if (size === 0) throw badRequest('FILE_EMPTY');

    const originalName = cleanFileName(input.originalName);
    const detection = await detectType(tmp, sniffer.finish(), originalName);
    if (!detection.ok) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', {}, { detected: detection.detected });
    if (input.orgNodeId && !(await getNode(ctx.db.kysely, input.orgNodeId))) throw notFound('NOT_FOUND');

    const sha256 = hash.digest('hex');
    const target = blobPath(ctx, sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) await fs.promises.rm(tmp, { force: true });
    else await fs.promises.rename(tmp, target); // atomic on one filesystem: readers see all or nothing

    const row: Attachment = {
      id: newId(),
      sha256,
      size,
      mime: detection.type.mime,
      original_name: originalName,
      owner_user_id: actor.userId,
      org_node_id: input.orgNodeId ?? null,
      purpose: input.purpose,
      created_at: ctx.now().toISOString(),
    };
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('attachment').values(row).execute();
      await appendAudit(
        ctx.db,
        {
          actorId: actor.userId,
          actorName: actor.username,
          action: 'files.attachment.upload',
          targetType: 'attachment',
          targetId: row.id,
          orgNodeId: row.org_node_id,
          ip: meta.ip,
          requestId: meta.requestId,
          details: { mime: row.mime, size, purpose: row.purpose, sha256: sha256.slice(0, 12) },
        },
        trx,
      );
    });
    return presentAttachment(row);
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/**
 * The attachment if the actor may open it: its owner, staff with `org.read` on its node, or a
 * module's check for its purpose. Anyone else is told it does not exist. Reads by anyone but the
 * owner are audited, so a resident can see who opened their papers (a published file excepted:
 * see `AccessAnswer`); for an `ownerChecked` purpose the owner is checked and audited as well.
 */
export async function getAttachmentFor(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta): Promise<Attachment> {
  const row = await ctx.db.kysely.selectFrom('attachment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('ATTACHMENT_NOT_FOUND');
  if (row.owner_user_id === actor.userId && !ownerChecked.has(row.purpose)) return row;
  let allowed: AccessAnswer = false;
  if (row.org_node_id) {
    const node = await getNode(ctx.db.kysely, row.org_node_id);
    allowed = !!node && canAt(actor, 'org.read', node.path);
  }
  for (const check of accessChecks.get(row.purpose) ?? []) {
    if (allowed) break;
    allowed = await check(ctx, actor, row);
  }
  if (!allowed) throw notFound('ATTACHMENT_NOT_FOUND');
  if (allowed === 'published') return row;
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action: 'files.attachment.read',
    targetType: 'attachment',
    targetId: row.id,
    orgNodeId: row.org_node_id,
    ip: meta.ip,
    requestId: meta.requestId,
    details: { purpose: row.purpose, owner: row.owner_user_id },
  });
  return row;
}

/** The bytes of a stored attachment (for modules that read what was uploaded, e.g. imports). */
export function openAttachment(ctx: PlatformContext, row: Pick<Attachment, 'sha256'>): fs.ReadStream {
  return fs.createReadStream(blobPath(ctx, row.sha256));
}
