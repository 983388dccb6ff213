import { can } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import type { WorkspaceContribution, WorkspaceLink } from '../../platform/http/workspace.js';
import { bcActions } from './bc.js';
import { familyActions } from './families.js';
import { unreadCount } from './messaging.js';
import { portalActions } from './service.js';
import { MESSAGES_HREF } from './views/messaging.js';

/**
 * The descriptive sheets (« Gérer la fiche »), the réserves and the service agreements (« Gérer la
 * réserve et les admissions »), the coordinating office's space (that right in a BC), and the
 * inbox with its unread count for an account that holds one of the first two.
 */
export const portalWorkspace: WorkspaceContribution = {
  module: 'portal',
  async entries(db, ctx, enterpriseId) {
    const manageSheets = await can(db, ctx.actor, portalActions.listSheets, { enterpriseId });
    const manageReserves = await can(db, ctx.actor, familyActions.listReserves, { enterpriseId });
    const coordinatingOffice = await can(db, ctx.actor, bcActions.workspace, { enterpriseId });
    const links: WorkspaceLink[] = [];
    if (manageSheets) links.push({ href: '/entreprise/fiches', label: 'portal.workspace.link' });
    if (manageReserves) {
      links.push({ href: '/entreprise/reserves', label: 'portal.reserves.link' }, { href: '/entreprise/ententes', label: 'portal.agreement.list.title' });
    }
    if (coordinatingOffice) links.push({ href: '/entreprise/bc', label: 'portal.bcSpace.link' });
    if (manageSheets || manageReserves) links.push(await inboxLink(db, ctx));
    return links;
  },
};

async function inboxLink(db: Db, ctx: Ctx): Promise<WorkspaceLink> {
  const unread = await unreadCount(db, ctx);
  return unread > 0 ? { href: MESSAGES_HREF, label: 'portal.message.linkUnread', params: { count: unread } } : { href: MESSAGES_HREF, label: 'portal.message.title' };
}
