import type { LinliApp } from '../http/app.js';
import type { PlatformContext } from '../context.js';

/** Routes of the notification centre (inbox), file attachments, QR codes and the ledger. */
export function registerNotifyRoutes(_app: LinliApp, _ctx: PlatformContext) {}
