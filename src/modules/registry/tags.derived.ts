import type { Executor } from '../../platform/db/database.js';
import type { PlatformContext } from '../../platform/context.js';

/**
 * Brings the derived tags (高龄老人 from the birth date, 育龄妇女 …) of these people up to date.
 * Called by every write of a person; a daily job calls it for everyone whose age crosses a line.
 * (Implemented with the tags work.)
 */
export async function refreshDerivedTags(_ctx: PlatformContext, _executor: Executor, _personIds: string[]): Promise<void> {}
