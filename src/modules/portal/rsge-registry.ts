import { recordAudit } from '../../platform/audit/service.js';
import { isSignedIn } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, type FieldErrors } from '../../platform/errors.js';
import { isIsoDate } from '../../platform/time/index.js';
import { recognitionHistory, recordRecognitionChange, todayInQuebec, updateHomeProviderRecord, type HomeProviderRecord, type RecognitionStatus, type Site } from '../childcare/service.js';
import { addMonths } from './families.js';
import { siteFor } from './service.js';

/**
 * The Registre des RSGE (issue 8, item 1; seed 003: « le Registre continuera d'être l'endroit où se
 * feront les modifications au dossier des RSGE »): each BC keeps its RSGE's record — identity,
 * contact details, the number of children recognized — and its recognition status with its
 * history. Only the BC that recognizes the RSGE writes it (`siteActions.keepRegistry`), audited.
 */

export const REGISTRY_LIMITS = { name: 200, address: 200, municipality: 100, email: 254, phone: 30, reason: 500, maxChildren: 9, maxInfants: 4, maxShowDaysBefore: 90 } as const;
export const DEFAULT_SHOW_DAYS_BEFORE = 14;

export type RecordInput = { name: string; address: string; municipality: string; postalCode: string; email: string; phone: string; placesTotal: string; placesUnder18Months: string };

const POSTAL_CODE = /^([A-Z]\d[A-Z]) ?(\d[A-Z]\d)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9 ()+.-]{7,30}$/;

function wholeNumber(value: string, min: number, max: number): number | null {
  if (!/^\d{1,3}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : null;
}

/** Field rules of the record; the values as stored (postal code upper-cased with its space). */
export function validateRecord(input: RecordInput): { ok: true; values: HomeProviderRecord } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const text = (value: string) => value.trim().replace(/\s+/g, ' ');
  const name = text(input.name);
  const address = text(input.address);
  const municipality = text(input.municipality);
  if (name.length === 0 || name.length > REGISTRY_LIMITS.name) errors.name = 'portal.registry.name.invalid';
  if (address.length === 0 || address.length > REGISTRY_LIMITS.address) errors.address = 'portal.registry.address.invalid';
  if (municipality.length === 0 || municipality.length > REGISTRY_LIMITS.municipality) errors.municipality = 'portal.registry.municipality.invalid';
  const postal = POSTAL_CODE.exec(input.postalCode.trim().toUpperCase());
  if (!postal) errors.postalCode = 'portal.registry.postalCode.invalid';
  const email = input.email.trim();
  if (email !== '' && (email.length > REGISTRY_LIMITS.email || !EMAIL.test(email))) errors.email = 'field.email.invalid';
  const phone = input.phone.trim();
  if (phone !== '' && !PHONE.test(phone)) errors.phone = 'portal.family.phone.invalid';
  const placesTotal = wholeNumber(input.placesTotal, 1, REGISTRY_LIMITS.maxChildren);
  if (placesTotal === null) errors.placesTotal = 'portal.registry.places.invalid';
  const infants = wholeNumber(input.placesUnder18Months, 0, REGISTRY_LIMITS.maxInfants);
  if (infants === null || (placesTotal !== null && infants > placesTotal)) errors.placesUnder18Months = 'portal.registry.infants.invalid';
  if (Object.keys(errors).length > 0 || !postal || placesTotal === null || infants === null) return { ok: false, errors };
  return {
    ok: true,
    values: { name, address, municipality, postalCode: `${postal[1]} ${postal[2]}`, contactEmail: email || null, contactPhone: phone || null, placesTotal, placesUnder18Months: infants },
  };
}

function registrySite(db: Db, ctx: Ctx, siteId: string): Promise<Site> {
  return siteFor(db, ctx, siteId, 'keepRegistry');
}

export async function rsgeRecord(db: Db, ctx: Ctx, siteId: string) {
  const site = await registrySite(db, ctx, siteId);
  return { site, history: await recognitionHistory(db, site.id) };
}

/** Saves the record in one transaction with its audit event, which names the fields changed (not their values). */
export async function updateRsgeRecord(db: Db, ctx: Ctx, siteId: string, input: RecordInput): Promise<void> {
  const site = await registrySite(db, ctx, siteId);
  const checked = validateRecord(input);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  const before: HomeProviderRecord = { name: site.name, address: site.address, municipality: site.municipality, postalCode: site.postalCode, contactEmail: site.contactEmail, contactPhone: site.contactPhone, placesTotal: site.placesTotal, placesUnder18Months: site.placesUnder18Months };
  const changed = (Object.keys(checked.values) as (keyof HomeProviderRecord)[]).filter((key) => checked.values[key] !== before[key]);
  if (changed.length === 0) return;
  await transaction(db, async (tx) => {
    await updateHomeProviderRecord(tx, site.id, checked.values);
    await recordAudit(tx, ctx, { action: 'portal.registry.updated', subjectType: 'installation', subjectId: site.id, details: { fields: changed } });
  });
}

export type RecognitionInput = { status: string; effectiveDate: string; plannedReturn: string; showDaysBefore: string; reason: string };

/** From each status, where the BC may take it: revoked and ended are final. */
const nextStatuses: Record<RecognitionStatus, readonly RecognitionStatus[]> = {
  active: ['suspended', 'revoked', 'ended'],
  suspended: ['active', 'revoked', 'ended'],
  revoked: [],
  ended: [],
};

export function allowedChanges(status: RecognitionStatus): readonly RecognitionStatus[] {
  return nextStatuses[status];
}

/**
 * Records a change of recognition, effective today or earlier (a suspension is entered when it
 * starts). A suspended RSGE leaves the public map and comes back `showDaysBefore` days before its
 * planned return; revoked or ended, it leaves for good. One transaction with the history row and
 * the audit event; a change made meanwhile by someone else is a conflict, nothing is overwritten.
 */
export async function changeRecognition(db: Db, ctx: Ctx, siteId: string, input: RecognitionInput, now: Date = new Date()): Promise<void> {
  const site = await registrySite(db, ctx, siteId);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const today = todayInQuebec(now);
  const status = input.status as RecognitionStatus;
  if (!allowedChanges(site.recognitionStatus).includes(status)) throw new ConflictError('portal.registry.error.notAllowed');
  const errors: FieldErrors = {};
  const effectiveDate = input.effectiveDate.trim();
  if (!isIsoDate(effectiveDate)) errors.effectiveDate = 'portal.registry.effectiveDate.invalid';
  else if (effectiveDate > today) errors.effectiveDate = 'portal.registry.effectiveDate.future';
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > REGISTRY_LIMITS.reason) errors.reason = 'portal.registry.reason.invalid';
  let plannedReturn: string | null = null;
  let showDaysBefore: number | null = null;
  if (status === 'suspended') {
    plannedReturn = input.plannedReturn.trim();
    if (!isIsoDate(plannedReturn) || plannedReturn <= today || plannedReturn > addMonths(today, 24)) errors.plannedReturn = 'portal.registry.plannedReturn.invalid';
    showDaysBefore = input.showDaysBefore.trim() === '' ? DEFAULT_SHOW_DAYS_BEFORE : wholeNumber(input.showDaysBefore, 0, REGISTRY_LIMITS.maxShowDaysBefore);
    if (showDaysBefore === null) errors.showDaysBefore = 'portal.registry.showDaysBefore.invalid';
  }
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  const hiddenUntil = status === 'suspended' && plannedReturn !== null && showDaysBefore !== null ? daysBefore(plannedReturn, showDaysBefore) : status === 'active' ? null : 'infinity';
  await transaction(db, async (tx) => {
    const moved = await recordRecognitionChange(tx, site.id, site.recognitionStatus, { status, effectiveDate, plannedReturn, showDaysBefore, reason, changedBy: ctx.actor.type === 'account' ? ctx.actor.accountId : '' }, hiddenUntil);
    if (!moved) throw new ConflictError('portal.registry.error.changedMeanwhile');
    await recordAudit(tx, ctx, { action: 'portal.registry.recognitionChanged', subjectType: 'installation', subjectId: site.id, details: { from: site.recognitionStatus, to: status, effectiveDate, plannedReturn, showDaysBefore } });
  });
}

function daysBefore(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
