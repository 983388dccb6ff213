import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, can } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, NotFoundError, type FieldErrors } from '../../platform/errors.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { isIsoDate } from '../childcare/dates.js';
import { child } from '../childcare/schema.js';
import {
  childForEnterprise,
  referenceYearOf,
  referenceYearPeriod,
  todayInQuebec,
  validateNecsg,
  validateNirec,
  findChildrenForEnterprise,
  hasIntegrationAllowance,
  mesFundingHistory,
  siteById,
  sitesOfEnterprise,
  type ChildAtSites,
  type ChildQuery,
  type ChildRecord,
  type Site,
} from '../childcare/service.js';
import { enterpriseOf, type EnterpriseInfo } from '../enterprises/members.js';
import { fieldById, isShown, type RequestFacts } from '../requests/program.js';
import { request } from '../requests/schema.js';
import {
  canOnRequest,
  closeRequest,
  InvalidValueError,
  createRequest,
  definitionFor,
  deleteDraft,
  loadRequest,
  requestResource,
  saveValue,
  StaleValueError,
  transmit,
  validateValue,
  type EngineSettings,
  type RequestRow,
  type RequestView,
  type StoredValue,
} from '../requests/service.js';
import { memberWithMesRight, mesFacts, mesProgram, type MesRequestType } from './program.js';
import { mesRequest } from './schema.js';
import { isTypeAllowed, proposeTypes, type TypeProposal } from './type-proposal.js';

export type MesSettings = EngineSettings;
export type MesRow = typeof mesRequest.$inferSelect;
export type { ChildAtSites, ChildRecord, Site };

type EnterpriseRef = { enterpriseId: string };

/** The enterprise side's actions that are not on one request (those use the program's rules). */
export const mesActions = {
  /** The MES pages and lists: any MES right. */
  use: action<EnterpriseRef>('mes.use', memberWithMesRight('consult', 'enter', 'sign')),
  /** Search a child and create a request: enter or sign. */
  create: action<EnterpriseRef>('mes.create', ...mesProgram.access.create),
};

/** What the request's page may offer to this person, drawn from the program's rules. */
export async function permittedOnRequest(db: Db, ctx: Ctx, row: RequestRow): Promise<{ edit: boolean; sign: boolean }> {
  return { edit: await canOnRequest(db, ctx, mesProgram, 'edit', row), sign: await canOnRequest(db, ctx, mesProgram, 'sign', row) };
}

async function enterpriseOrFail(db: Db, enterpriseId: string): Promise<EnterpriseInfo> {
  const enterprise = await enterpriseOf(db, enterpriseId);
  if (!enterprise) throw new NotFoundError();
  return enterprise;
}

// ---------------------------------------------------------------------------------------------
// The enterprise's MES space

export type MesSpace = { enterprise: EnterpriseInfo; serviceLine: string; canCreate: boolean; sites: Site[] };

/** « Service de garde : 3000-2000 CPE DE LA BAIE »: the division number and name of each service the enterprise holds. */
export function serviceLineOf(sites: readonly Site[]): string {
  const seen = new Map<string, string>();
  for (const site of sites) seen.set(site.serviceId, [site.divisionNumber, site.serviceName].filter(Boolean).join(' '));
  return [...seen.values()].join(' ; ');
}

export async function mesSpace(db: Db, ctx: Ctx, enterpriseId: string): Promise<MesSpace> {
  // The refusal says how to get access (seed: « Gérer les droits d'accès »).
  if (!(await can(db, ctx.actor, mesActions.use, { enterpriseId }))) throw new ForbiddenError('mes.error.noRight');
  const enterprise = await enterpriseOrFail(db, enterpriseId);
  const sites = await sitesOfEnterprise(db, enterprise.neq);
  return { enterprise, serviceLine: serviceLineOf(sites), canCreate: await can(db, ctx.actor, mesActions.create, { enterpriseId }), sites };
}

// ---------------------------------------------------------------------------------------------
// Step 1: the child

/** The search form as typed: the three ways of searching side by side. */
export type ChildSearchInput = { nirec: string; necsg: string; lastName: string; firstName: string; birthDate: string };

/**
 * One way of searching at a time, as the seed's three tools: the NIREC, the NECSG, or the last
 * name, first name and birth date together. Errors are per field, for the form.
 */
export function parseChildQuery(query: ChildSearchInput): { ok: true; query: ChildQuery } | { ok: false; errors: FieldErrors } {
  const q = { nirec: query.nirec.trim(), necsg: query.necsg.trim(), lastName: query.lastName.trim(), firstName: query.firstName.trim(), birthDate: query.birthDate.trim() };
  if (q.nirec) {
    const nirec = validateNirec(q.nirec);
    return nirec.ok ? { ok: true, query: { nirec: nirec.value } } : { ok: false, errors: { nirec: nirec.error } };
  }
  if (q.necsg) {
    const necsg = validateNecsg(q.necsg);
    return necsg.ok ? { ok: true, query: { necsg: necsg.value } } : { ok: false, errors: { necsg: necsg.error } };
  }
  if (!q.lastName && !q.firstName && !q.birthDate) return { ok: false, errors: { nirec: 'mes.search.empty' } };
  const errors: FieldErrors = {};
  if (!q.lastName) errors.lastName = 'mes.search.lastName.required';
  if (!q.firstName) errors.firstName = 'mes.search.firstName.required';
  if (!q.birthDate) errors.birthDate = 'mes.search.birthDate.required';
  else if (!isIsoDate(q.birthDate)) errors.birthDate = 'mes.date.invalid';
  else if (q.birthDate > todayInQuebec()) errors.birthDate = 'mes.search.birthDate.future';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, query: { lastName: q.lastName, firstName: q.firstName, birthDate: q.birthDate } };
}

/**
 * The children of the enterprise's sites matching the search. A child of another enterprise is
 * simply not found, exactly as an unknown child. The audit keeps who searched and the ids found,
 * never the numbers or names typed.
 */
export async function searchChildren(db: Db, ctx: Ctx, enterpriseId: string, query: ChildQuery): Promise<ChildAtSites[]> {
  await authorize(db, ctx.actor, mesActions.create, { enterpriseId });
  const enterprise = await enterpriseOrFail(db, enterpriseId);
  const found = await findChildrenForEnterprise(db, enterprise.neq, query);
  const method = 'nirec' in query ? 'nirec' : 'necsg' in query ? 'necsg' : 'name';
  await transaction(db, (tx) =>
    recordAudit(tx, ctx, { action: 'mes.childSearched', subjectType: 'enterprise', subjectId: enterpriseId, details: { method, found: found.map((f) => f.child.id) } }),
  );
  return found;
}

// ---------------------------------------------------------------------------------------------
// Step 2: the site and the type

export type OpenRequestRef = { id: string; number: string; state: RequestRow['state'] };

export type SiteChoice = {
  site: Site;
  /** The child has the AIEH at this site today: without it no request can be made (seed). */
  hasAllowance: boolean;
  proposal: TypeProposal;
  referenceYear: number;
  /** A draft, transmitted or commented request for this child and site already. */
  openRequest: OpenRequestRef | null;
};

export type ChildChoice = { child: ChildAtSites; choice: SiteChoice | null };

const OPEN_STATES: RequestRow['state'][] = ['draft', 'submitted', 'commented'];

async function openRequestFor(db: Db, childId: string, installationId: string, exceptId?: string): Promise<OpenRequestRef | null> {
  const [row] = await db
    .select({ id: request.id, number: request.number, state: request.state })
    .from(mesRequest)
    .innerJoin(request, eq(request.id, mesRequest.requestId))
    .where(
      and(
        eq(mesRequest.childId, childId),
        eq(mesRequest.installationId, installationId),
        inArray(request.state, OPEN_STATES),
        exceptId ? ne(request.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return row ?? null;
}

async function siteChoice(db: Db, childId: string, site: Site, today: string): Promise<SiteChoice> {
  const referenceYear = referenceYearOf(today);
  const history = await mesFundingHistory(db, childId);
  return {
    site,
    hasAllowance: await hasIntegrationAllowance(db, childId, site.id, today),
    proposal: proposeTypes(history.map((h) => ({ installationId: h.installationId, referenceYear: h.referenceYear })), site.id, referenceYear),
    referenceYear,
    openRequest: await openRequestFor(db, childId, site.id),
  };
}

/** The child found for the enterprise, its sites, and for the chosen site what may be requested. */
export async function childChoice(db: Db, ctx: Ctx, enterpriseId: string, childId: string, installationId: string | null): Promise<ChildChoice> {
  await authorize(db, ctx.actor, mesActions.create, { enterpriseId });
  const enterprise = await enterpriseOrFail(db, enterpriseId);
  const found = await childForEnterprise(db, enterprise.neq, childId);
  if (!found) throw new NotFoundError();
  // A child at one site of the enterprise needs no choice of site.
  const site = found.sites.length === 1 && !installationId ? found.sites[0] : found.sites.find((s) => s.id === installationId);
  return { child: found, choice: site ? await siteChoice(db, childId, site, todayInQuebec()) : null };
}

/** A request already open for this child and site: the page links to it. */
export class OpenRequestExists extends ConflictError {
  constructor(readonly existing: OpenRequestRef) {
    super('mes.error.openRequest', { number: existing.number });
  }
}

export type NewMesRequest = { childId: string; installationId: string; type: MesRequestType; creationKey: string };

/**
 * Creates the draft: the engine's request (number, directorate of the site) and the MES row in one
 * transaction. The creation key of the form makes a double submit find the request already made.
 * One open request per child and site: a lock on the pair serializes two creations at once.
 */
export async function createMesRequest(db: Db, ctx: Ctx, enterpriseId: string, input: NewMesRequest): Promise<{ requestId: string; created: boolean }> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, mesActions.create, { enterpriseId });
    const enterprise = await enterpriseOrFail(tx, enterpriseId);
    const found = await childForEnterprise(tx, enterprise.neq, input.childId);
    const site = found?.sites.find((s) => s.id === input.installationId);
    if (!found || !site) throw new NotFoundError();
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`mes-open:${input.childId}:${input.installationId}`}))`);
    const { request: row, created } = await createRequest(tx, ctx, mesProgram, { enterpriseId, directorateCode: site.directorateCode, creationKey: input.creationKey });
    if (!created) return { requestId: row.id, created };
    const today = todayInQuebec();
    const choice = await siteChoice(tx, input.childId, site, today);
    if (!choice.hasAllowance) throw new ConflictError('mes.error.noAllowance');
    const open = await openRequestFor(tx, input.childId, input.installationId, row.id);
    if (open) throw new OpenRequestExists(open);
    if (!isTypeAllowed(choice.proposal, input.type)) throw new FieldValidationError({ type: 'mes.type.notAllowed' });
    await tx.insert(mesRequest).values({ requestId: row.id, childId: input.childId, installationId: input.installationId, type: input.type, referenceYear: choice.referenceYear });
    return { requestId: row.id, created };
  });
}

// ---------------------------------------------------------------------------------------------
// One request

export type MesRequestPage = {
  view: RequestView;
  mes: MesRow;
  child: ChildRecord;
  site: Site;
  facts: RequestFacts;
  enterprise: EnterpriseInfo;
  permitted: { edit: boolean; sign: boolean };
};

async function mesRowOf(db: Db, requestId: string): Promise<MesRow> {
  const [row] = await db.select().from(mesRequest).where(eq(mesRequest.requestId, requestId));
  if (!row) throw new NotFoundError();
  return row;
}

async function siteOrFail(db: Db, installationId: string): Promise<Site> {
  const site = await siteById(db, installationId);
  if (!site) throw new NotFoundError();
  return site;
}

export function factsOf(mes: MesRow, site: Site): RequestFacts {
  return mesFacts({ type: mes.type, serviceKind: site.serviceKind, referenceYear: mes.referenceYear });
}

async function factsFor(db: Db, requestId: string): Promise<RequestFacts> {
  const mes = await mesRowOf(db, requestId);
  return factsOf(mes, await siteOrFail(db, mes.installationId));
}

/**
 * A request with everything its pages show. Reading a child's file is audited
 * ('request.viewed'), after the engine's check of the right to read.
 */
export async function mesRequestPage(db: Db, ctx: Ctx, requestId: string): Promise<MesRequestPage> {
  const view = await loadRequest(db, ctx, mesProgram, requestId);
  const mes = await mesRowOf(db, requestId);
  const site = await siteOrFail(db, mes.installationId);
  const enterprise = await enterpriseOrFail(db, view.request.enterpriseId);
  const found = await childRecordOf(db, mes.childId);
  await transaction(db, (tx) => recordAudit(tx, ctx, { action: 'request.viewed', subjectType: 'request', subjectId: requestId, details: { childId: mes.childId } }));
  return { view, mes, child: found, site, facts: factsOf(mes, site), enterprise, permitted: await permittedOnRequest(db, ctx, view.request) };
}

/**
 * The child of a request, read by id once the right to read the request is checked. A child who
 * left every site of the enterprise is no longer found by the search, but its requests stay
 * readable: the MES row is what ties the child to the enterprise.
 */
async function childRecordOf(db: Db, childId: string): Promise<ChildRecord> {
  const [row] = await db.select().from(child).where(eq(child.id, childId));
  if (!row) throw new NotFoundError();
  return row;
}

export function checkStartDate(value: string, referenceYear: number): MessageKey | null {
  if (value === '') return null;
  const { start, end } = referenceYearPeriod(referenceYear);
  return value < start || value > end ? 'mes.field.startDate.outOfYear' : null;
}

/** Rules of the program that the engine's field types cannot say: the start date falls in the request's reference year. */
function programCheck(fieldId: string, value: string, facts: RequestFacts): MessageKey | null {
  return fieldId === 'support.startDate' ? checkStartDate(value, Number(facts.attributes.referenceYear)) : null;
}

export type FieldSave = { fieldId: string; value: string; expectedVersion: number };

/** Autosave of one field (the page's script), with the facts of the request. */
export async function saveMesField(db: Db, ctx: Ctx, requestId: string, input: FieldSave): Promise<{ version: number; savedAt: Date }> {
  const row = await requestResource(db, ctx, mesProgram, requestId, 'edit');
  const facts = await factsFor(db, requestId);
  const field = fieldById(definitionFor(mesProgram, row.revision), input.fieldId);
  // A field this request does not ask (the RSG's name of a CPE) is not saved either.
  if (!field || !isShown(field, facts)) throw new InvalidValueError(input.fieldId, 'requests.error.unknownField');
  // The field's own type first (a malformed date is said so), then the program's rule on the value.
  const checked = validateValue(field, input.value, facts);
  if (!checked.ok) throw new InvalidValueError(field.id, checked.error, checked.params);
  const error = programCheck(input.fieldId, checked.value, facts);
  if (error) throw new InvalidValueError(field.id, error);
  return saveValue(db, ctx, mesProgram, requestId, { fieldId: input.fieldId, value: input.value, expectedVersion: input.expectedVersion, facts });
}

export type StepSaveResult = {
  errors: FieldErrors;
  /** The bounds a message names (« au plus {max} »), per field. */
  params: Record<string, Record<string, string | number>>;
  stale: Map<string, StoredValue & { changedByName: string }>;
};

/**
 * The step's form without JavaScript: each field is saved as the script would save it, with the
 * version it was loaded with; a field left as it was is not saved again. Errors are collected per
 * field so the page shows them all with the values kept.
 */
export async function saveMesStep(db: Db, ctx: Ctx, requestId: string, saves: FieldSave[], current: Map<string, StoredValue>): Promise<StepSaveResult> {
  const errors: FieldErrors = {};
  const params: StepSaveResult['params'] = {};
  const stale = new Map<string, StoredValue & { changedByName: string }>();
  for (const save of saves) {
    const stored = current.get(`${save.fieldId}#0`);
    if ((stored?.value ?? '') === save.value.trim() && (stored?.version ?? 0) === save.expectedVersion) continue;
    try {
      await saveMesField(db, ctx, requestId, save);
    } catch (error) {
      if (error instanceof StaleValueError) {
        errors[save.fieldId] = 'mes.error.stale';
        stale.set(save.fieldId, error.current);
      } else if (error instanceof InvalidValueError) {
        errors[save.fieldId] = error.reason;
        params[save.fieldId] = error.reasonParams;
      } else if (error instanceof FieldValidationError) {
        Object.assign(errors, error.fields);
      } else throw error;
    }
  }
  return { errors, params, stale };
}

/** Transmission with the request's facts (the engine checks receivability and the right to sign). */
export async function transmitMesRequest(db: Db, ctx: Ctx, settings: MesSettings, requestId: string): Promise<RequestRow> {
  await requestResource(db, ctx, mesProgram, requestId, 'sign');
  return transmit(db, ctx, settings, mesProgram, requestId, await factsFor(db, requestId));
}

export async function deleteMesDraft(db: Db, ctx: Ctx, settings: MesSettings, requestId: string): Promise<void> {
  await deleteDraft(db, ctx, settings, mesProgram, requestId);
}

/**
 * The child left: the compliant request is closed with the departure date (seed: « Demandes
 * terminées … fermées à la suite du départ d'un enfant »). The date is a real date, not in the
 * future, and not before the request's reference year began.
 */
export async function declareDeparture(db: Db, ctx: Ctx, settings: MesSettings, requestId: string, departureDate: string): Promise<RequestRow> {
  await requestResource(db, ctx, mesProgram, requestId, 'edit');
  const mes = await mesRowOf(db, requestId);
  const error = departureDateError(departureDate, mes.referenceYear, todayInQuebec());
  if (error) throw new FieldValidationError({ departureDate: error });
  return closeRequest(db, ctx, settings, mesProgram, requestId, { note: `departure:${departureDate}` }, async (tx) => {
    await tx.update(mesRequest).set({ departureDate, updatedAt: new Date() }).where(eq(mesRequest.requestId, requestId));
  });
}

export function departureDateError(value: string, referenceYear: number, today: string): MessageKey | null {
  if (value === '') return 'mes.departure.required';
  if (!isIsoDate(value)) return 'mes.date.invalid';
  if (value > today) return 'mes.departure.future';
  if (value < referenceYearPeriod(referenceYear).start) return 'mes.departure.beforeYear';
  return null;
}
