import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import type { RightRef } from './catalogue.js';
import { saveRights, transmitEnrolment, type AccessSettings } from './service.js';

/**
 * Demo e-services of the enrolled demo enterprise (CPE Soleil), in the caller's transaction, as
 * its RSE (`rseCtx`, the demo login CPE0001) would do them: the Famille enrolment with the CPE's
 * permit number (accepted at once: Actif), a few rights, and a MAMH enrolment left En traitement
 * for the ministry agents' queue.
 */
export async function seedAccessDemo(tx: Db, rseCtx: Ctx, settings: AccessSettings, enterpriseId: string, userAccountId: string): Promise<void> {
  if (rseCtx.actor.type !== 'account') throw new Error('the demo RSE is an account');
  const famille = await transmitEnrolment(tx, rseCtx, settings, enterpriseId, { ministry: 'famille', ministryNumber: 'CPE-2001', otherInformation: null });
  if (famille.state !== 'active') throw new Error(`demo Famille enrolment: ${famille.state}`);
  const rse: RightRef[] = [
    { eservice: 'mes', right: 'consult' },
    { eservice: 'mes', right: 'sign' },
    { eservice: 'portal', right: 'manage_sheet' },
    { eservice: 'portal', right: 'manage_reserve' },
  ];
  const user: RightRef[] = [
    { eservice: 'mes', right: 'consult' },
    { eservice: 'mes', right: 'enter' },
  ];
  await saveRights(tx, rseCtx, enterpriseId, new Map([[rseCtx.actor.accountId, rse], [userAccountId, user]]));
  await transmitEnrolment(tx, rseCtx, settings, enterpriseId, { ministry: 'mamh', ministryNumber: 'MAMH-48213', otherInformation: 'Aide financière aux infrastructures (démo)' });
}
