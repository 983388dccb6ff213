import { can } from '../../platform/authz.js';
import type { WorkspaceContribution } from '../../platform/http/workspace.js';
import { mesActions } from './service.js';

/** The MES requests, for an account that holds a MES right in its enterprise. */
export const mesWorkspace: WorkspaceContribution = {
  module: 'mes',
  async entries(db, ctx, enterpriseId) {
    return (await can(db, ctx.actor, mesActions.use, { enterpriseId })) ? [{ href: '/entreprise/mes', label: 'mes.title' }] : [];
  },
};
