import type { LinliApp } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { registerFileRoutes } from '../files/files.routes.js';
import { registerQrRoutes } from '../qr/qr.routes.js';
import { registerInboxRoutes } from './inbox.routes.js';

/** Routes of the notification centre (inbox), file attachments, QR codes and the ledger. */
export function registerNotifyRoutes(app: LinliApp, ctx: PlatformContext) {
  registerInboxRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  registerQrRoutes(app, ctx);
  // The ledger has no routes of its own: modules (volunteers, public finances) expose their views.
}
