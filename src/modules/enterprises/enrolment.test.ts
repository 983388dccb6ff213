import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { anonymous, type Ctx } from '../../platform/context.js';
import { queryRows, transaction } from '../../platform/db/index.js';
import { createTestAccount, signInAs } from '../../platform/testing/accounts.js';
import { buildTestApp, TEST_SECRET, type TestApp } from '../../platform/testing/app.js';
import { account } from '../identity/schema.js';
import { assertHasText, assertLacksText, assertRedirect, errorSummaryLinks, inputValue, mailsTo } from '../identity/test-support.js';
import { INVITATION_ALPHABET } from './identifiers.js';
import { upsertRegistryRecord, type RegistryRecord } from './registry.js';
import { INVITATION_VALID_DAYS, invitationConditions, type CorporationOfficerFunction, type InvitationCondition, type LegalType } from './rules.js';
import { enrolment, enterpriseMember, invitationNumber, postalLetter } from './schema.js';
import { listLetters, requestInvitationNumber, submitEnrolment, type EnrolmentRequest, type EnrolmentResult } from './service.js';
import { decideEnrolment } from './verification.js';
import { testRegistryRecord } from './registry-fixture.js';

const settings = { secret: TEST_SECRET, publicUrl: 'http://localhost:3000', failureDelayMs: 0 };

const SIN = '046454286';
const OTHER_VALID_SIN = '130692544';
const IMPOTNET = 'IMPOT2024';
const ASSESSMENT = 'AV20240001';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

// --- Helpers ---------------------------------------------------------------------------------

let serial = 0;
/** A fresh 10-digit number (RQ ID or NEQ) for each enterprise of the file. */
function tenDigits(): string {
  serial++;
  return `${randomInt(100_000, 999_999)}${String(serial).padStart(4, '0')}`;
}

/** Each scenario uses its own address so that IP throttling of one does not lock another. */
function ctxFrom(ip: string | null = null): Ctx {
  return { actor: anonymous, lang: 'fr', requestId: null, ip };
}
let ipSerial = 0;
function freshIp(): string {
  ipSerial++;
  return `198.51.${Math.floor(ipSerial / 250)}.${(ipSerial % 250) + 1}`;
}

const PRESIDENT = { firstName: 'Éloïse', lastName: 'Tremblay', function: 'president' as const };

async function registryEnterprise(legalType: LegalType, overrides: Partial<RegistryRecord> = {}): Promise<RegistryRecord & { id: string }> {
  const record = testRegistryRecord({
    rqId: tenDigits(),
    neq: tenDigits(),
    legalName: `Garderie ${legalType} ${serial} inc.`,
    legalType,
    assessmentNumber: legalType === 'nonprofit' || legalType === 'partnership' ? null : ASSESSMENT,
    ownerSin: legalType === 'sole_proprietor' ? SIN : null,
    impotnetCode: legalType === 'sole_proprietor' ? IMPOTNET : null,
    officers: legalType === 'corporation' ? [PRESIDENT, { firstName: 'Marc', lastName: 'Gagnon', function: 'treasurer' }] : [],
    ...overrides,
  });
  const id = await transaction(t.db, (tx) => upsertRegistryRecord(tx, TEST_SECRET, record));
  return { ...record, id };
}

function enrolmentRequest(enterprise: { rqId: string; legalType: LegalType }, overrides: Partial<EnrolmentRequest> = {}): EnrolmentRequest {
  serial++;
  return {
    legalType: enterprise.legalType,
    role: 'designated_by_resolution',
    officerFunction: null,
    firstName: 'Éloïse',
    lastName: 'Tremblay',
    email: `rse-${serial}@garderie.test`,
    rqId: enterprise.rqId,
    secrets: {},
    ...overrides,
  };
}

/** The president's request for the enterprise, and the number read from the letter sent. */
async function issueInvitation(rqId: string, officer: { firstName: string; lastName: string; function: CorporationOfficerFunction } = PRESIDENT): Promise<string> {
  const result = await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, { rqId, firstName: officer.firstName, lastName: officer.lastName, officerFunction: officer.function });
  assert.equal(result.outcome, 'issued');
  return invitationFromLetter(rqId);
}

async function invitationFromLetter(rqId: string): Promise<string> {
  const letters = await listLetters(t.db, ctxFrom(), settings, { reveal: true });
  const letter = letters.find((l) => l.content.rqId === rqId);
  assert.ok(letter, 'a letter was sent to the enterprise');
  return letter.content.code;
}

async function enrolmentsOf(enterpriseId: string) {
  return t.db.select().from(enrolment).where(eq(enrolment.enterpriseId, enterpriseId));
}

async function lettersOf(enterpriseId: string) {
  return t.db.select().from(postalLetter).where(eq(postalLetter.enterpriseId, enterpriseId));
}

async function accountsWithEmail(email: string) {
  return t.db.select().from(account).where(eq(account.email, email));
}

async function auditOf(action: string, subjectId: string) {
  return t.db.select().from(auditEvent).where(and(eq(auditEvent.action, action), eq(auditEvent.subjectId, subjectId)));
}

/** Refuses an enrolment through the agents' verification (the documents are taken as submitted). */
async function refuse(enrolmentId: string): Promise<void> {
  await t.db.update(enrolment).set({ state: 'under_verification' }).where(eq(enrolment.id, enrolmentId));
  const agent = await createTestAccount(t.db, 'agent');
  const ctx: Ctx = { ...ctxFrom(), actor: { type: 'account', accountId: agent.account.id, accountKind: 'agent', displayName: agent.account.displayName } };
  const refused = await decideEnrolment(t.db, ctx, settings, enrolmentId, { kind: 'refuse', reason: 'Pièces justificatives absentes' });
  assert.equal(refused.state, 'refused');
}

function assertSucceeded(result: EnrolmentResult): asserts result is Extract<EnrolmentResult, { outcome: 'activated' | 'deferred' }> {
  assert.ok(result.outcome === 'activated' || result.outcome === 'deferred', `expected an enrolment, got ${result.outcome}`);
}

/** Nothing of an enrolment exists: no row, no account, no mail. */
async function assertNothingCreated(enterpriseId: string | null, email: string): Promise<void> {
  if (enterpriseId) assert.equal((await enrolmentsOf(enterpriseId)).length, 0, 'no enrolment');
  assert.equal((await accountsWithEmail(email)).length, 0, 'no account');
  assert.equal((await mailsTo(t.db, email)).length, 0, 'no mail');
}

// --- Outcomes --------------------------------------------------------------------------------

type Scenario = {
  name: string;
  legalType: LegalType;
  request: (enterprise: RegistryRecord & { id: string }) => Promise<Partial<EnrolmentRequest>>;
  expected: { outcome: 'activated' } | { outcome: 'deferred'; documents: string[] };
};

const scenarios: Scenario[] = [
  {
    name: 'a sole proprietor with SIN, impôtNET code and assessment number is activated',
    legalType: 'sole_proprietor',
    request: async () => ({ role: 'proprietor', secrets: { sin: SIN, impotnetCode: IMPOTNET, assessmentNumber: ASSESSMENT } }),
    expected: { outcome: 'activated' },
  },
  {
    name: 'a sole proprietor without the impôtNET code is deferred for signed forms',
    legalType: 'sole_proprietor',
    request: async () => ({ role: 'proprietor', secrets: { sin: SIN, assessmentNumber: ASSESSMENT } }),
    expected: { outcome: 'deferred', documents: ['signed_forms'] },
  },
  {
    name: 'a person named by the proprietor is deferred for signed forms and the mandate, even with every identifier',
    legalType: 'sole_proprietor',
    request: async () => ({ role: 'named_by_proprietor', secrets: { sin: SIN, impotnetCode: IMPOTNET, assessmentNumber: ASSESSMENT } }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'mandate'] },
  },
  {
    name: 'a recognised president with the assessment and invitation numbers is activated',
    legalType: 'corporation',
    request: async (e) => ({ role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: ASSESSMENT, invitationNumber: await issueInvitation(e.rqId) } }),
    expected: { outcome: 'activated' },
  },
  {
    name: 'a recognised president without an invitation number is deferred for signed forms',
    legalType: 'corporation',
    request: async () => ({ role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: ASSESSMENT } }),
    expected: { outcome: 'deferred', documents: ['signed_forms'] },
  },
  {
    name: 'an officer the registry does not know is deferred for signed forms and proof of authority',
    legalType: 'corporation',
    request: async (e) => ({
      role: 'officer',
      officerFunction: 'secretary',
      firstName: 'Inconnu',
      lastName: 'Personne',
      secrets: { assessmentNumber: ASSESSMENT, invitationNumber: await issueInvitation(e.rqId) },
    }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'proof_of_authority'] },
  },
  {
    name: 'an employee of a corporation is deferred for signed forms and proof of authority',
    legalType: 'corporation',
    request: async () => ({ role: 'employee', secrets: { assessmentNumber: ASSESSMENT } }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'proof_of_authority'] },
  },
  {
    name: 'a professional serving a corporation is deferred for signed forms and proof of authority',
    legalType: 'corporation',
    request: async () => ({ role: 'professional', secrets: {} }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'proof_of_authority'] },
  },
  {
    name: 'a person designated by resolution of a corporation is deferred for the board resolution',
    legalType: 'corporation',
    request: async () => ({ role: 'designated_by_resolution', secrets: { assessmentNumber: ASSESSMENT } }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'board_resolution'] },
  },
  {
    name: 'a nonprofit is always deferred for the board resolution',
    legalType: 'nonprofit',
    request: async () => ({ role: 'designated_by_resolution' }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'board_resolution'] },
  },
  {
    name: 'a partner is deferred for signed forms',
    legalType: 'partnership',
    request: async () => ({ role: 'partner' }),
    expected: { outcome: 'deferred', documents: ['signed_forms'] },
  },
  {
    name: 'an administrator of a partnership is deferred for signed forms',
    legalType: 'partnership',
    request: async () => ({ role: 'administrator' }),
    expected: { outcome: 'deferred', documents: ['signed_forms'] },
  },
  {
    name: 'a person named by a partnership is deferred for signed forms and proof of authority',
    legalType: 'partnership',
    request: async () => ({ role: 'named_by_partnership' }),
    expected: { outcome: 'deferred', documents: ['signed_forms', 'proof_of_authority'] },
  },
];

describe('enrolment outcomes (seed 000, end to end through the service)', () => {
  for (const scenario of scenarios) {
    test(scenario.name, async () => {
      const enterprise = await registryEnterprise(scenario.legalType);
      const request = enrolmentRequest(enterprise, await scenario.request(enterprise));
      const result = await submitEnrolment(t.db, ctxFrom(freshIp()), settings, request);
      assertSucceeded(result);
      assert.equal(result.outcome, scenario.expected.outcome);
      assert.equal(result.legalName, enterprise.legalName);

      const [row, ...others] = await enrolmentsOf(enterprise.id);
      assert.ok(row);
      assert.equal(others.length, 0);
      assert.equal(row.id, result.enrolment.id);
      assert.match(row.number, /^INS-\d{4}-\d{6}$/);
      assert.equal(row.legalType, scenario.legalType);
      assert.equal(row.enrollerRole, request.role);
      assert.equal(row.enrollerEmail, request.email);
      assert.ok(row.identifiersGiven.includes('rqId'));
      for (const id of Object.keys(request.secrets)) assert.ok(row.identifiersGiven.includes(id), `${id} recorded as given`);
      if (scenario.expected.outcome === 'activated') {
        assert.equal(row.state, 'active');
        assert.deepEqual(row.documentsRequired, []);
        assert.ok(row.activatedAt);
      } else {
        assert.equal(row.state, 'waiting_documents');
        assert.deepEqual(row.documentsRequired, scenario.expected.documents);
        assert.equal(row.activatedAt, null);
      }

      // The enroller becomes the enterprise's RSE: an enterprise account with a temporary password.
      const [rse] = await t.db.select().from(account).where(eq(account.id, row.rseAccountId));
      assert.ok(rse);
      assert.equal(rse.kind, 'enterprise');
      assert.equal(rse.userCode, result.userCode);
      assert.equal(rse.email, request.email);
      assert.equal(rse.passwordIsTemporary, true);
      assert.ok(result.temporaryPassword.length >= 10);
      assert.ok(!rse.passwordHash.includes(result.temporaryPassword));
      const members = await t.db.select().from(enterpriseMember).where(eq(enterpriseMember.enterpriseId, enterprise.id));
      assert.deepEqual(
        members.map((m) => ({ accountId: m.accountId, role: m.role, active: m.active })),
        [{ accountId: rse.id, role: 'rse', active: true }],
      );

      const action = scenario.expected.outcome === 'activated' ? 'enrolment.activated' : 'enrolment.deferred';
      const [event] = await auditOf(action, row.id);
      assert.ok(event, `audit event ${action}`);
      assert.equal(event.details.rseAccountId, rse.id);
      assert.equal((await auditOf(scenario.expected.outcome === 'activated' ? 'enrolment.deferred' : 'enrolment.activated', row.id)).length, 0);

      const mails = await mailsTo(t.db, request.email);
      assert.equal(mails.length, 1);
      assert.ok(mails[0]?.textBody.includes(result.userCode), 'the mail gives the user code');
      assert.ok(mails[0]?.textBody.includes(row.number), 'the mail gives the enrolment number');
      assert.ok(!mails[0]?.textBody.includes(result.temporaryPassword), 'the mail never carries the temporary password');
    });
  }

  test('the officer is recognised whatever the case, accents and spacing of the name', async () => {
    const enterprise = await registryEnterprise('corporation');
    const invitation = await issueInvitation(enterprise.rqId);
    const result = await submitEnrolment(
      t.db,
      ctxFrom(freshIp()),
      settings,
      enrolmentRequest(enterprise, {
        role: 'officer',
        officerFunction: 'president',
        firstName: ' ELOISE ',
        lastName: 'tremblay',
        // Numbers typed with spaces, hyphens and in lower case are the same numbers.
        secrets: { assessmentNumber: 'av2024-0001', invitationNumber: `${invitation.slice(0, 4).toLowerCase()} ${invitation.slice(4)}` },
      }),
    );
    assert.equal(result.outcome, 'activated');
  });
});

// --- Wrong identifiers -----------------------------------------------------------------------

describe('wrong identifiers', () => {
  type Wrong = { name: string; legalType: LegalType; request: (e: RegistryRecord) => Promise<Partial<EnrolmentRequest>> };
  const wrongs: Wrong[] = [
    { name: 'an unknown RQ ID', legalType: 'partnership', request: async () => ({ role: 'partner', rqId: tenDigits() }) },
    { name: 'an RQ ID of another legal type', legalType: 'corporation', request: async () => ({ legalType: 'partnership', role: 'partner' }) },
    {
      name: 'a wrong SIN (valid checksum)',
      legalType: 'sole_proprietor',
      request: async () => ({ role: 'proprietor', secrets: { sin: OTHER_VALID_SIN, impotnetCode: IMPOTNET, assessmentNumber: ASSESSMENT } }),
    },
    {
      name: 'a wrong impôtNET code',
      legalType: 'sole_proprietor',
      request: async () => ({ role: 'proprietor', secrets: { sin: SIN, impotnetCode: 'IMPOT2025', assessmentNumber: ASSESSMENT } }),
    },
    {
      name: 'a wrong assessment number (sole proprietor)',
      legalType: 'sole_proprietor',
      request: async () => ({ role: 'proprietor', secrets: { sin: SIN, impotnetCode: IMPOTNET, assessmentNumber: 'AV20240002' } }),
    },
    {
      name: 'a wrong assessment number with a valid invitation number (corporation)',
      legalType: 'corporation',
      request: async (e) => ({ role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: 'AV20240002', invitationNumber: await issueInvitation(e.rqId) } }),
    },
    {
      name: 'a wrong invitation number',
      legalType: 'corporation',
      request: async (e) => {
        const issued = await issueInvitation(e.rqId);
        const other = [...INVITATION_ALPHABET].find((c) => c !== issued[0]) ?? 'A';
        return { role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: ASSESSMENT, invitationNumber: `${other}${issued.slice(1)}` } };
      },
    },
    {
      name: 'an invitation number when none was issued',
      legalType: 'corporation',
      request: async () => ({ role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: ASSESSMENT, invitationNumber: 'ABCD2345' } }),
    },
  ];

  for (const wrong of wrongs) {
    test(`${wrong.name} gives 'identifiers-invalid' and creates nothing`, async () => {
      const enterprise = await registryEnterprise(wrong.legalType);
      const request = enrolmentRequest(enterprise, await wrong.request(enterprise));
      const ctx = ctxFrom(freshIp());
      const result = await submitEnrolment(t.db, ctx, settings, request);
      assert.deepEqual(result, { outcome: 'identifiers-invalid' });
      await assertNothingCreated(enterprise.id, request.email);
      const invalid = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'enrolment.identifiers-invalid'), eq(auditEvent.ip, ctx.ip ?? '')));
      assert.equal(invalid.length, 1, 'the failure is audited');
    });
  }

  test('a valid invitation number is not spent by an attempt with a wrong assessment number', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);
    const ctx = ctxFrom(freshIp());
    const officer = { role: 'officer' as const, officerFunction: 'president' as const };
    const wrong = await submitEnrolment(t.db, ctx, settings, enrolmentRequest(enterprise, { ...officer, secrets: { assessmentNumber: 'AV99999999', invitationNumber: code } }));
    assert.equal(wrong.outcome, 'identifiers-invalid');
    const right = await submitEnrolment(t.db, ctx, settings, enrolmentRequest(enterprise, { ...officer, secrets: { assessmentNumber: ASSESSMENT, invitationNumber: code } }));
    assert.equal(right.outcome, 'activated');
  });
});

describe('enumeration', () => {
  test('five wrong attempts on one RQ ID lock it, even for the right identifiers afterwards', async () => {
    const enterprise = await registryEnterprise('sole_proprietor');
    for (let i = 0; i < 5; i++) {
      // A different address each time: the lock is the RQ ID's.
      const wrong = enrolmentRequest(enterprise, { role: 'proprietor', secrets: { sin: SIN, impotnetCode: IMPOTNET, assessmentNumber: `AV1111111${i}` } });
      assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, wrong)).outcome, 'identifiers-invalid', `attempt ${i + 1}`);
    }
    const right = enrolmentRequest(enterprise, { role: 'proprietor', secrets: { sin: SIN, impotnetCode: IMPOTNET, assessmentNumber: ASSESSMENT } });
    const result = await submitEnrolment(t.db, ctxFrom(freshIp()), settings, right);
    assert.equal(result.outcome, 'locked');
    assert.ok(result.outcome === 'locked' && result.until > new Date());
    await assertNothingCreated(enterprise.id, right.email);
    // Another enterprise is not affected.
    const other = await registryEnterprise('partnership');
    assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(other, { role: 'partner' }))).outcome, 'deferred');
  });

  test('wrong attempts from one address across different RQ IDs lock that address', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const result = await submitEnrolment(t.db, ctxFrom(ip), settings, enrolmentRequest({ rqId: tenDigits(), legalType: 'partnership' }, { role: 'partner' }));
      assert.equal(result.outcome, 'identifiers-invalid', `attempt ${i + 1}`);
    }
    const enterprise = await registryEnterprise('partnership');
    const request = enrolmentRequest(enterprise, { role: 'partner' });
    assert.equal((await submitEnrolment(t.db, ctxFrom(ip), settings, request)).outcome, 'locked');
    await assertNothingCreated(enterprise.id, request.email);
    // From another address the same enterprise enrols.
    assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, request)).outcome, 'deferred');
  });
});

describe('one enrolment per enterprise', () => {
  test('an enterprise with a current enrolment gets already-enrolled', async () => {
    const enterprise = await registryEnterprise('partnership');
    const first = await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, { role: 'partner' }));
    assert.equal(first.outcome, 'deferred');
    const second = enrolmentRequest(enterprise, { role: 'administrator' });
    assert.deepEqual(await submitEnrolment(t.db, ctxFrom(freshIp()), settings, second), { outcome: 'already-enrolled' });
    assert.equal((await enrolmentsOf(enterprise.id)).length, 1);
    assert.equal((await accountsWithEmail(second.email)).length, 0);
  });

  test('two submissions at once give exactly one enrolment and no exception', async () => {
    const enterprise = await registryEnterprise('nonprofit');
    const results = await Promise.all([
      submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise)),
      submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise)),
    ]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['already-enrolled', 'deferred']);
    assert.equal((await enrolmentsOf(enterprise.id)).length, 1);
  });

  test('after a refusal the enterprise may enrol again', async () => {
    const enterprise = await registryEnterprise('partnership');
    const first = await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, { role: 'partner' }));
    assertSucceeded(first);
    await refuse(first.enrolment.id);
    const second = await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, { role: 'partner' }));
    assertSucceeded(second);
    assert.equal(second.outcome, 'deferred');
    // The new enroller is the enterprise's RSE; the refused enrolment's RSE is no longer a member.
    const members = await t.db.select().from(enterpriseMember).where(eq(enterpriseMember.enterpriseId, enterprise.id));
    assert.deepEqual(
      members.map((m) => ({ accountId: m.accountId, active: m.active })).sort((a, b) => Number(a.active) - Number(b.active)),
      [
        { accountId: first.enrolment.rseAccountId, active: false },
        { accountId: second.enrolment.rseAccountId, active: true },
      ],
    );
  });
});

// --- Invitation numbers ----------------------------------------------------------------------

describe('invitation numbers', () => {
  const asPresident = (rqId: string) => ({ rqId, firstName: PRESIDENT.firstName, lastName: PRESIDENT.lastName, officerFunction: PRESIDENT.function });

  test('a recognised officer of a corporation in good standing gets a number by mail, valid 90 days', async () => {
    const enterprise = await registryEnterprise('corporation');
    const result = await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, { rqId: enterprise.rqId, firstName: 'marc', lastName: 'GAGNON', officerFunction: 'treasurer' });
    assert.equal(result.outcome, 'issued');
    assert.ok(result.outcome === 'issued');
    assert.ok(result.addressee.includes('Gagnon') && result.addressee.includes(enterprise.legalName));
    assert.ok(result.address.includes(enterprise.postalCode));

    const code = await invitationFromLetter(enterprise.rqId);
    assert.equal(code.length, 8);
    for (const c of code) assert.ok(INVITATION_ALPHABET.includes(c), `${c} is in the alphabet`);

    const [row] = await t.db.select().from(invitationNumber).where(eq(invitationNumber.enterpriseId, enterprise.id));
    assert.ok(row);
    const validity = row.expiresAt.getTime() - row.createdAt.getTime();
    assert.ok(Math.abs(validity - INVITATION_VALID_DAYS * 86_400_000) < 60_000, `valid ${validity} ms`);
    const [event] = await auditOf('invitation.issued', enterprise.id);
    assert.ok(event);
  });

  test('the number is stored only as an HMAC: neither the invitation row nor the letter holds it in clear', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);
    const rows = await queryRows<{ j: string }>(
      t.db,
      sql`select row_to_json(i)::text as j from invitation_number i where enterprise_id = ${enterprise.id}
          union all select row_to_json(l)::text from postal_letter l where enterprise_id = ${enterprise.id}`,
    );
    assert.equal(rows.length, 2);
    for (const row of rows) assert.ok(!row.j.toUpperCase().includes(code), `clear number in ${row.j}`);
    // Agents see the letter with the number masked.
    const agent = await createTestAccount(t.db, 'agent');
    const masked = await listLetters(t.db, { ...ctxFrom(), actor: { type: 'account', accountId: agent.account.id, accountKind: 'agent', displayName: agent.account.displayName } }, settings, { reveal: false });
    const letter = masked.find((l) => l.content.rqId === enterprise.rqId);
    assert.ok(letter);
    assert.notEqual(letter.content.code, code);
    assert.ok(!letter.content.code.includes(code));
  });

  test('the number is refused to whoever the register does not know as an officer of the corporation', async () => {
    const corporation = await registryEnterprise('corporation');
    const nonprofit = await registryEnterprise('nonprofit', { officers: [PRESIDENT] });
    const attempts = [
      { ...asPresident(corporation.rqId), firstName: 'Autre' },
      { ...asPresident(corporation.rqId), officerFunction: 'secretary' as const },
      asPresident(tenDigits()),
      asPresident(nonprofit.rqId),
    ];
    for (const attempt of attempts) {
      assert.deepEqual(await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, attempt), { outcome: 'not-recognised' });
    }
    assert.equal((await lettersOf(corporation.id)).length, 0);
    assert.equal((await lettersOf(nonprofit.id)).length, 0);
  });

  for (const condition of invitationConditions.filter((c) => c !== 'noActiveEnrolment')) {
    test(`the number is not issued when ${condition} does not hold`, async () => {
      const enterprise = await registryEnterprise('corporation', { [condition]: false });
      assert.deepEqual(await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, asPresident(enterprise.rqId)), { outcome: 'conditions-unmet', failing: [condition] });
      assert.equal((await lettersOf(enterprise.id)).length, 0);
    });
  }

  test('the number is not issued to a corporation with a current enrolment, and every failing condition is listed', async () => {
    const enterprise = await registryEnterprise('corporation');
    assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, { role: 'employee' }))).outcome, 'deferred');
    assert.deepEqual(await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, asPresident(enterprise.rqId)), { outcome: 'conditions-unmet', failing: ['noActiveEnrolment'] });

    const failing: InvitationCondition[] = ['returnFiled', 'mailingAddressOk', 'fileInGoodStanding', 'officersUpToDate'];
    const bad = await registryEnterprise('corporation', { returnFiled: false, mailingAddressOk: false, fileInGoodStanding: false, officersUpToDate: false });
    assert.deepEqual(await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, asPresident(bad.rqId)), { outcome: 'conditions-unmet', failing });
  });

  test('a number works once', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);
    const officer = { role: 'officer' as const, officerFunction: 'president' as const, secrets: { assessmentNumber: ASSESSMENT, invitationNumber: code } };
    const first = await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, officer));
    assertSucceeded(first);
    assert.equal(first.outcome, 'activated');
    // The enrolment is refused afterwards: the enterprise may enrol again, but not with the spent number.
    await refuse(first.enrolment.id);
    const again = enrolmentRequest(enterprise, officer);
    assert.deepEqual(await submitEnrolment(t.db, ctxFrom(freshIp()), settings, again), { outcome: 'identifiers-invalid' });
    await assertNothingCreated(null, again.email);
  });

  test('a new number replaces the previous one', async () => {
    const enterprise = await registryEnterprise('corporation');
    const old = await issueInvitation(enterprise.rqId);
    const fresh = await issueInvitation(enterprise.rqId, { firstName: 'Marc', lastName: 'Gagnon', function: 'treasurer' });
    assert.equal((await lettersOf(enterprise.id)).length, 2);
    const officer = (code: string) => ({ role: 'officer' as const, officerFunction: 'president' as const, secrets: { assessmentNumber: ASSESSMENT, invitationNumber: code } });
    assert.notEqual(old, fresh);
    assert.deepEqual(await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, officer(old))), { outcome: 'identifiers-invalid' });
    assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, officer(fresh)))).outcome, 'activated');
  });

  test('a number expires after 90 days: on day 91 it is refused', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);
    await t.db.execute(
      sql`update invitation_number set created_at = now() - interval '91 days', expires_at = now() - interval '1 day' where enterprise_id = ${enterprise.id}`,
    );
    const request = enrolmentRequest(enterprise, { role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: ASSESSMENT, invitationNumber: code } });
    assert.deepEqual(await submitEnrolment(t.db, ctxFrom(freshIp()), settings, request), { outcome: 'identifiers-invalid' });
    await assertNothingCreated(enterprise.id, request.email);
    // A new number can be asked for and works.
    const renewed = await issueInvitation(enterprise.rqId);
    const retry = enrolmentRequest(enterprise, { role: 'officer', officerFunction: 'president', secrets: { assessmentNumber: ASSESSMENT, invitationNumber: renewed } });
    assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, retry)).outcome, 'activated');
  });

  test('a mistyped number is refused', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);
    const mistyped = `${code.slice(0, 7)}${code[7] === 'A' ? 'B' : 'A'}`;
    const officer = (invitation: string) => ({ role: 'officer' as const, officerFunction: 'president' as const, secrets: { assessmentNumber: ASSESSMENT, invitationNumber: invitation } });
    assert.deepEqual(await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, officer(mistyped))), { outcome: 'identifiers-invalid' });
    assert.equal((await submitEnrolment(t.db, ctxFrom(freshIp()), settings, enrolmentRequest(enterprise, officer(code)))).outcome, 'activated');
  });

  test('repeated unrecognised requests lock the RQ ID', async () => {
    const enterprise = await registryEnterprise('corporation');
    for (let i = 0; i < 5; i++) {
      const result = await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, { ...asPresident(enterprise.rqId), lastName: `Inconnu${i}` });
      assert.equal(result.outcome, 'not-recognised');
    }
    assert.equal((await requestInvitationNumber(t.db, ctxFrom(freshIp()), settings, asPresident(enterprise.rqId))).outcome, 'locked');
    assert.equal((await lettersOf(enterprise.id)).length, 0);
  });
});

// --- Pages -----------------------------------------------------------------------------------
// The pages are requested from 127.0.0.1: wrong identifiers there are kept well under the lock.

const DRAFT_COOKIE = 'guichet_inscription';

/** The invitation number of an enterprise's newest letter on a letters page ('' when masked). */
function codeOnLettersPage(body: string, rqId: string): string | null {
  const article = [...body.matchAll(/<article[\s\S]*?<\/article>/g)].map((m) => m[0]).find((a) => a.includes(rqId));
  if (!article) return null;
  return /data-invitation-number[^>]*>([^<]*)</.exec(article)?.[1] ?? null;
}

function between(body: string, pattern: RegExp): string {
  const match = pattern.exec(body);
  assert.ok(match?.[1], `no match for ${pattern}`);
  return match[1];
}

describe('letters pages', () => {
  test('agents see letters with the number masked; citizens and enterprise users may not; anonymous visitors sign in first; /dev/lettres shows it', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);

    const agentClient = t.client();
    await signInAs(agentClient, await createTestAccount(t.db, 'agent'));
    const agentPage = await agentClient.get('/agent/lettres');
    assert.equal(agentPage.statusCode, 200);
    assert.equal(codeOnLettersPage(agentPage.body, enterprise.rqId), '••••••••');
    assert.ok(!agentPage.body.includes(code));
    assert.ok(agentPage.body.includes(enterprise.legalName));

    for (const kind of ['citizen', 'enterprise'] as const) {
      const client = t.client();
      await signInAs(client, await createTestAccount(t.db, kind));
      const page = await client.get('/agent/lettres');
      assert.equal(page.statusCode, 403, kind);
      assert.ok(!page.body.includes(enterprise.legalName), kind);
    }

    assertRedirect(await t.client().get('/agent/lettres'), `/connexion?retour=${encodeURIComponent('/agent/lettres')}`);

    // The test app has no SMTP: the development mailbox and letters are on.
    const dev = await t.client().get('/dev/lettres');
    assert.equal(dev.statusCode, 200);
    assert.equal(codeOnLettersPage(dev.body, enterprise.rqId), code);
  });
});

describe('invitation number page', () => {
  test('issued, conditions unmet and not recognised answers', async () => {
    const client = t.client();
    const good = await registryEnterprise('corporation');
    await client.get('/entreprises/numero-invitation');
    const issued = await client.post('/entreprises/numero-invitation', { rqId: good.rqId, firstName: 'Éloïse', lastName: 'Tremblay', officerFunction: 'president' });
    assert.equal(issued.statusCode, 200);
    assertHasText(issued.body, 'invitation.issued.title');
    assert.ok(codeOnLettersPage((await client.get('/dev/lettres')).body, good.rqId));

    const bad = await registryEnterprise('corporation', { mailingAddressOk: false, officersUpToDate: false });
    await client.get('/entreprises/numero-invitation');
    const unmet = await client.post('/entreprises/numero-invitation', { rqId: bad.rqId, firstName: 'Éloïse', lastName: 'Tremblay', officerFunction: 'president' });
    assert.equal(unmet.statusCode, 409);
    assertHasText(unmet.body, 'invitation.condition.mailingAddressOk');
    assertHasText(unmet.body, 'invitation.condition.officersUpToDate');
    assertLacksText(unmet.body, 'invitation.condition.returnFiled');

    await client.get('/entreprises/numero-invitation');
    const unknown = await client.post('/entreprises/numero-invitation', { rqId: good.rqId, firstName: 'Éloïse', lastName: 'Tremblay', officerFunction: 'treasurer' });
    assert.equal(unknown.statusCode, 404);
    assertHasText(unknown.body, 'invitation.notRecognised');

    await client.get('/entreprises/numero-invitation');
    const malformed = await client.post('/entreprises/numero-invitation', { rqId: '12345', firstName: '', lastName: 'Tremblay', officerFunction: '' });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(malformed.body).sort(), ['#firstName', '#officerFunction', '#rqId']);
  });
});

describe('enrolment wizard', () => {
  test('type choice, details with field errors, review, consent, acknowledgement, PDF once, then sign-in with a forced password change', async () => {
    const enterprise = await registryEnterprise('corporation');
    const code = await issueInvitation(enterprise.rqId);
    const client = t.client();

    // Legal type: none chosen, then the corporation.
    assert.equal((await client.get('/entreprises/inscription')).statusCode, 200);
    const noType = await client.post('/entreprises/inscription', {});
    assert.equal(noType.statusCode, 400);
    assertHasText(noType.body, 'enrolment.legalType.required');
    assertRedirect(await client.post('/entreprises/inscription', { legalType: 'corporation' }), '/entreprises/inscription/corporation');

    // Details with errors: the summary links to the fields, the secrets are not sent back.
    assert.equal((await client.get('/entreprises/inscription/corporation')).statusCode, 200);
    const details = {
      firstName: 'Éloïse',
      lastName: 'Tremblay',
      email: `president-${serial}@garderie.test`,
      role: 'officer',
      officerFunction: 'president',
      rqId: enterprise.rqId,
      assessmentNumber: ASSESSMENT,
      invitationNumber: code,
    };
    const invalid = await client.post('/entreprises/inscription/corporation', { ...details, rqId: '12345', officerFunction: '', invitationNumber: 'AB12' });
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(invalid.body).sort(), ['#invitationNumber', '#officerFunction', '#rqId']);
    assertHasText(invalid.body, 'enterprise.rqId.invalid');
    assertHasText(invalid.body, 'enrolment.invitationNumber.invalid');
    assert.equal(inputValue(invalid.body, 'rqId'), '12345');
    assert.equal(inputValue(invalid.body, 'assessmentNumber'), '');
    assert.equal(inputValue(invalid.body, 'invitationNumber'), '');
    assert.ok(!invalid.body.includes(ASSESSMENT));

    const toReview = await client.post('/entreprises/inscription/corporation', details);
    assertRedirect(toReview, '/entreprises/inscription/verification');
    assert.ok(client.cookies.get(DRAFT_COOKIE));

    // Review: which identifiers were given, never their values.
    const review = await client.follow(toReview);
    assert.equal(review.statusCode, 200);
    assertHasText(review.body, 'enrolment.given');
    assertLacksText(review.body, 'enrolment.notGiven');
    assert.ok(review.body.includes(enterprise.rqId));
    assert.ok(!review.body.includes(ASSESSMENT) && !review.body.includes(code));

    // "Modifier" brings the form back with the details but without the secrets.
    const modify = await client.get('/entreprises/inscription/corporation?modifier=1');
    assert.equal(inputValue(modify.body, 'rqId'), enterprise.rqId);
    assert.equal(inputValue(modify.body, 'email'), details.email);
    assert.equal(inputValue(modify.body, 'assessmentNumber'), '');
    assert.ok(!modify.body.includes(code));

    // Without consent: 400, nothing transmitted.
    await client.get('/entreprises/inscription/verification');
    const reviewCsrf = client.csrf();
    const noConsent = await client.post('/entreprises/inscription/verification', {});
    assert.equal(noConsent.statusCode, 400);
    assertHasText(noConsent.body, 'enrolment.consent.required');
    assert.equal((await enrolmentsOf(enterprise.id)).length, 0);

    // Consent, sent twice at once (a double click): one acknowledgement, one "already sent" page.
    const [a, b] = await Promise.all([
      client.post('/entreprises/inscription/verification', { consent: 'oui' }, { csrf: reviewCsrf }),
      client.post('/entreprises/inscription/verification', { consent: 'oui' }, { csrf: reviewCsrf }),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 410]);
    const ack = a.statusCode === 200 ? a : b;
    const gone = a.statusCode === 200 ? b : a;
    assertHasText(gone.body, 'enrolment.draftGone');
    assert.equal((await enrolmentsOf(enterprise.id)).length, 1);

    assertHasText(ack.body, 'ackPage.activated');
    const userCode = between(ack.body, /<dd data-user-code[^>]*>([^<]+)</);
    const temporaryPassword = between(ack.body, /<code data-temporary-password[^>]*>([^<]+)</);
    const [row] = await enrolmentsOf(enterprise.id);
    assert.ok(row);
    assert.ok(ack.body.includes(row.number));
    assert.equal(row.state, 'active');
    assert.ok(!ack.body.includes(code));

    // A later transmission of the same review page finds nothing to send.
    client.cookies.set(DRAFT_COOKIE, 'a-token-that-was-never-issued-0000');
    assert.equal((await client.post('/entreprises/inscription/verification', { consent: 'oui' }, { csrf: reviewCsrf })).statusCode, 410);
    assert.equal((await enrolmentsOf(enterprise.id)).length, 1);

    // The PDF, once.
    const pdfHref = between(ack.body, /href="(\/entreprises\/inscription\/accuse\/[^"]+)"/);
    const pdf = await client.get(pdfHref);
    assert.equal(pdf.statusCode, 200);
    assert.match(String(pdf.headers['content-type']), /^application\/pdf/);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal((await client.get(pdfHref)).statusCode, 410);

    // The user code and temporary password sign in, and the password must be changed.
    const signIn = t.client();
    await signIn.get('/connexion');
    let response = await signIn.post('/connexion', { identifier: userCode, password: temporaryPassword });
    const chain: string[] = [];
    while (response.statusCode === 303 && chain.length < 5) {
      chain.push(String(response.headers.location));
      response = await signIn.follow(response);
    }
    assert.equal(chain.at(-1), '/mot-de-passe/changer', `redirects: ${chain.join(' → ')}`);
    assert.equal(response.statusCode, 200);
  });

  test('a sole proprietor\'s details form checks the SIN and never sends it back; the review shows what was not given', async () => {
    const enterprise = await registryEnterprise('sole_proprietor');
    const client = t.client();
    await client.get('/entreprises/inscription/sole_proprietor');
    const details = { firstName: 'Louis', lastName: 'Roy', email: `roy-${serial}@garderie.test`, role: 'proprietor', rqId: enterprise.rqId, sin: '046 454 287', impotnetCode: IMPOTNET, assessmentNumber: '' };
    const invalid = await client.post('/entreprises/inscription/sole_proprietor', details);
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(invalid.body), ['#sin']);
    assertHasText(invalid.body, 'enrolment.sin.invalid');
    assert.equal(inputValue(invalid.body, 'sin'), '');
    assert.equal(inputValue(invalid.body, 'impotnetCode'), '');
    assert.ok(!invalid.body.includes('046 454 287') && !invalid.body.includes('046454287') && !invalid.body.includes(IMPOTNET));

    const toReview = await client.post('/entreprises/inscription/sole_proprietor', { ...details, sin: SIN });
    assertRedirect(toReview, '/entreprises/inscription/verification');
    const review = await client.follow(toReview);
    assertHasText(review.body, 'enrolment.given');
    assertHasText(review.body, 'enrolment.notGiven');
    assert.ok(!review.body.includes(SIN) && !review.body.includes(IMPOTNET));

    const ack = await client.post('/entreprises/inscription/verification', { consent: 'oui' });
    assert.equal(ack.statusCode, 200);
    assertHasText(ack.body, 'ackPage.deferred');
    assertHasText(ack.body, 'document.signed_forms');
    assertLacksText(ack.body, 'document.mandate');
  });

  test('wrong identifiers bring the review back with one notice, and the draft stays for a correction', async () => {
    const enterprise = await registryEnterprise('sole_proprietor');
    const client = t.client();
    await client.get('/entreprises/inscription/sole_proprietor');
    const details = { firstName: 'Louis', lastName: 'Roy', email: `roy-${serial}@garderie.test`, role: 'proprietor', rqId: enterprise.rqId, sin: OTHER_VALID_SIN, impotnetCode: IMPOTNET, assessmentNumber: ASSESSMENT };
    await client.follow(await client.post('/entreprises/inscription/sole_proprietor', details));
    const refused = await client.post('/entreprises/inscription/verification', { consent: 'oui' });
    assert.equal(refused.statusCode, 409);
    assertHasText(refused.body, 'enrolment.identifiersInvalid');
    assert.ok(!refused.body.includes(OTHER_VALID_SIN));
    assert.equal((await enrolmentsOf(enterprise.id)).length, 0);

    // Corrected through "Modifier": the same draft cookie, then accepted at once.
    await client.get('/entreprises/inscription/sole_proprietor?modifier=1');
    await client.follow(await client.post('/entreprises/inscription/sole_proprietor', { ...details, sin: SIN }));
    const ack = await client.post('/entreprises/inscription/verification', { consent: 'oui' });
    assert.equal(ack.statusCode, 200);
    assertHasText(ack.body, 'ackPage.activated');
  });
});
