import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { action, authorize, isSignedIn } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { ForbiddenError } from '../../platform/errors.js';
import { child, childcareService, installation } from '../childcare/schema.js';
import { directorates, recordMesFunding, type Directorate } from '../childcare/service.js';
import { agentDirectorates, agentWithRole } from '../identity/agents.js';
import { request } from '../requests/schema.js';
import { addComment, changesSinceComments, closeRequest, markCompliant, type ChangesSinceComments, type CommentInput, type CommentView, type RequestRow, type RequestState } from '../requests/service.js';
import { MES_PROGRAM_ID, mesProgram, type MesRequestType } from './program.js';
import { mesRequest } from './schema.js';
import type { MesSettings } from './service.js';

/**
 * The ministry's side of MES (issue 5 item 4): the queue of a regional directorate's requests and
 * the decisions on one. Reading a request uses the program's rules through `mesRequestPage`
 * (`service.ts`): an agent reads only the requests of the directorates its `famille` role covers,
 * and the queue's SQL filters by the same directorates, so the list never shows what the page
 * would refuse.
 */
export const reviewActions = {
  queue: action<undefined>('mes.review.queue', agentWithRole('famille')),
};

export const QUEUE_PAGE_SIZE = 50;

/** The queue's tabs: to analyse (transmitted), in comments, compliant, closed. */
export const queueTabs = ['transmises', 'commentaires', 'conformes', 'terminees'] as const;
export type QueueTab = (typeof queueTabs)[number];

const tabStates: Record<QueueTab, RequestState> = {
  transmises: 'submitted',
  commentaires: 'commented',
  conformes: 'compliant',
  terminees: 'closed',
};

/** Where a page of the queue starts: after (or before) the request last transmitted at `at`. */
export type QueueCursor = { at: Date; id: string; direction: 'after' | 'before' };

export type QueueQuery = { tab: QueueTab; directorateCode: string | null; cursor: QueueCursor | null };

export type QueueRow = {
  id: string;
  number: string;
  state: RequestState;
  lastSubmittedAt: Date;
  changedAt: Date;
  type: MesRequestType;
  childName: string;
  siteName: string;
  serviceName: string;
  directorateCode: string;
};

export type QueuePage = {
  rows: QueueRow[];
  /** The directorates the agent covers, for the filter. */
  directorates: Directorate[];
  previous: QueueCursor | null;
  next: QueueCursor | null;
};

async function coveredDirectorates(db: Db, ctx: Ctx): Promise<Directorate[]> {
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const covered = await agentDirectorates(db, ctx.actor.accountId, 'famille');
  const all = await directorates(db);
  return covered === 'all' ? all : all.filter((d) => covered.includes(d.code));
}

function cursorCondition(cursor: QueueCursor | null): SQL | undefined {
  if (!cursor) return undefined;
  const compare = cursor.direction === 'after' ? gt : lt;
  return or(compare(request.lastSubmittedAt, cursor.at), and(eq(request.lastSubmittedAt, cursor.at), compare(request.id, cursor.id)));
}

/**
 * The requests of the agent's directorates in one state, oldest transmission first, 50 a page,
 * paged by keyset (no count over the whole table: the queue stays fast at any size).
 */
export async function reviewQueue(db: Db, ctx: Ctx, query: QueueQuery): Promise<QueuePage> {
  await authorize(db, ctx.actor, reviewActions.queue, undefined);
  const covered = await coveredDirectorates(db, ctx);
  const codes = covered.map((d) => d.code).filter((code) => query.directorateCode === null || code === query.directorateCode);
  if (codes.length === 0) return { rows: [], directorates: covered, previous: null, next: null };
  const backwards = query.cursor?.direction === 'before';
  const rows = await db
    .select({
      id: request.id,
      number: request.number,
      state: request.state,
      lastSubmittedAt: sql<Date>`${request.lastSubmittedAt}`.mapWith(request.lastSubmittedAt),
      changedAt: request.changedAt,
      type: mesRequest.type,
      childName: sql<string>`${child.firstName} || ' ' || ${child.lastName}`,
      siteName: installation.name,
      serviceName: childcareService.name,
      directorateCode: request.directorateCode,
    })
    .from(request)
    .innerJoin(mesRequest, eq(mesRequest.requestId, request.id))
    .innerJoin(child, eq(child.id, mesRequest.childId))
    .innerJoin(installation, eq(installation.id, mesRequest.installationId))
    .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
    .where(and(eq(request.program, MES_PROGRAM_ID), inArray(request.directorateCode, codes), eq(request.state, tabStates[query.tab]), cursorCondition(query.cursor)))
    .orderBy(...(backwards ? [desc(request.lastSubmittedAt), desc(request.id)] : [asc(request.lastSubmittedAt), asc(request.id)]))
    .limit(QUEUE_PAGE_SIZE + 1);
  const more = rows.length > QUEUE_PAGE_SIZE;
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasPrevious = backwards ? more : query.cursor !== null;
  const hasNext = backwards ? true : more;
  return {
    rows: page,
    directorates: covered,
    previous: hasPrevious && first ? { at: first.lastSubmittedAt, id: first.id, direction: 'before' } : null,
    next: hasNext && last ? { at: last.lastSubmittedAt, id: last.id, direction: 'after' } : null,
  };
}

/** A comment on a field or a document type; the first one of a round sends the request to Commentaires. */
export async function commentOnRequest(db: Db, ctx: Ctx, settings: MesSettings, requestId: string, input: CommentInput): Promise<CommentView> {
  return addComment(db, ctx, settings, mesProgram, requestId, input);
}

/** Conforme: review is over; the ministry's funding history gains the child's site and year. */
export async function markMesCompliant(db: Db, ctx: Ctx, settings: MesSettings, requestId: string): Promise<RequestRow> {
  return markCompliant(db, ctx, settings, mesProgram, requestId, async (tx) => {
    const [row] = await tx.select().from(mesRequest).where(eq(mesRequest.requestId, requestId));
    if (row) await recordMesFunding(tx, row.childId, row.installationId, row.referenceYear);
  });
}

/** An agent closes a compliant request (the child left and the provider did not say so). */
export async function closeMesByAgent(db: Db, ctx: Ctx, settings: MesSettings, requestId: string, note: string): Promise<RequestRow> {
  return closeRequest(db, ctx, settings, mesProgram, requestId, { note });
}

export async function mesChangesSinceComments(db: Db, ctx: Ctx, requestId: string): Promise<ChangesSinceComments> {
  return changesSinceComments(db, ctx, mesProgram, requestId);
}
