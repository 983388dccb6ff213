import type { Ctx } from '../context.js';
import type { Db } from '../db/index.js';
import type { MessageKey, Params } from '../i18n/index.js';

/** A link on an enterprise's workspace (/entreprise): where it goes, and its text in the catalogue. */
export type WorkspaceLink = { href: string; label: MessageKey; params?: Params };

/**
 * One module's links on the workspace of the enterprise the actor belongs to. The module decides
 * with its own rules which to show; the enterprises module draws them without knowing the module.
 */
export type WorkspaceContribution = {
  module: string;
  entries(db: Db, ctx: Ctx, enterpriseId: string): Promise<WorkspaceLink[]>;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The modules' workspace links, in the order the page shows them (app.ts lists them). */
    workspaceContributions: readonly WorkspaceContribution[];
  }
}

/** Every contribution's links, in the contributions' order. */
export async function workspaceLinks(contributions: readonly WorkspaceContribution[], db: Db, ctx: Ctx, enterpriseId: string): Promise<WorkspaceLink[]> {
  const links: WorkspaceLink[] = [];
  for (const contribution of contributions) links.push(...(await contribution.entries(db, ctx, enterpriseId)));
  return links;
}
