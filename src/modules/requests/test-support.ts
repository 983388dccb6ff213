/**
 * Tests only: a small program on the engine (no MES code), its people and their rights, and a
 * filled request. Rights are plain predicates over a table the tests fill, so each test says who
 * may do what.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { isSignedIn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { TEST_SECRET } from '../../platform/testing/app.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { testRegistryRecord } from '../enterprises/registry-fixture.js';
import { upsertRegistryRecord } from '../enterprises/registry.js';
import type { ProgramDefinition, RequestFacts, RequestResource } from './program.js';
import { addDocument, createRequest, registerProgram, saveValue, sign, type EngineSettings, type RequestRow } from './service.js';

type EnterpriseRight = 'read' | 'edit' | 'sign';

/** accountId → the enterprise and what the account may do on its requests. */
const enterpriseRights = new Map<string, { enterpriseId: string; rights: Set<EnterpriseRight> }>();
/** Agents allowed to review. */
const reviewers = new Set<string>();

function holds(right: EnterpriseRight): Rule<{ enterpriseId: string }> {
  return (actor, resource) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
    const granted = enterpriseRights.get(actor.accountId);
    return granted !== undefined && granted.enterpriseId === resource.enterpriseId && granted.rights.has(right);
  };
}

const reviewer: Rule<RequestResource> = (actor) => isSignedIn(actor) && actor.accountKind === 'agent' && reviewers.has(actor.accountId);

export const testProgram: ProgramDefinition = {
  id: 'essai',
  revision: 1,
  eservice: 'mes',
  steps: [
    { id: 'needs', title: 'requests.state.draft', subtitle: 'requests.state.draft', fields: ['hours', 'days', 'start', 'needs', 'rsgName'] },
    { id: 'contact', title: 'requests.state.draft', subtitle: 'requests.state.draft', fields: ['email', 'phone', 'kind'] },
  ],
  fields: [
    // Half hours; the maximum is the request's (a home provider's day may be longer).
    { id: 'hours', type: 'decimal', label: 'requests.state.draft', required: true, min: 0, max: { attribute: 'hoursMax' }, step: 1 },
    { id: 'days', type: 'integer', label: 'requests.state.draft', required: false, min: 1, max: 5 },
    { id: 'start', type: 'date', label: 'requests.state.draft', required: true },
    { id: 'needs', type: 'textarea', label: 'requests.state.draft', required: true, maxLength: 200 },
    { id: 'rsgName', type: 'text', label: 'requests.state.draft', required: true, maxLength: 100, shownWhen: { attribute: 'site', in: ['home'] } },
    { id: 'email', type: 'email', label: 'requests.state.draft', required: false },
    { id: 'phone', type: 'phone', label: 'requests.state.draft', required: false },
    {
      id: 'kind',
      type: 'choice',
      label: 'requests.state.draft',
      required: false,
      choices: [
        { value: 'new', label: 'requests.state.draft' },
        { value: 'renewal', label: 'requests.state.submitted' },
      ],
    },
  ],
  documentTypes: [
    { id: 'plan', label: 'requests.state.draft', required: true },
    { id: 'report', label: 'requests.state.submitted', required: { when: { attribute: 'site', in: ['home'] } } },
  ],
  maxDocumentBytes: 64 * 1024,
  signatureRequired: true,
  access: {
    create: [holds('edit')],
    read: [holds('read'), holds('edit'), holds('sign'), reviewer],
    edit: [holds('edit')],
    sign: [holds('sign')],
    review: [reviewer],
  },
  name: 'site.name',
  paths: { enterprise: (id) => `/entreprise/essai/${id}`, agent: (id) => `/agent/essai/${id}` },
};

registerProgram(testProgram);

export const facts: RequestFacts = { attributes: { site: 'installation', hoursMax: '10' } };
/** A home provider: the RSG's name and the report are asked, and a day may last 12 hours. */
export const homeFacts: RequestFacts = { attributes: { site: 'home', hoursMax: '12' } };

export type People = {
  enterpriseId: string;
  /** Enters values and documents, deletes drafts, marks comments corrected. */
  editor: TestAccount;
  /** Signs and transmits (and enters). */
  director: TestAccount;
  /** Only reads. */
  reader: TestAccount;
  /** An enterprise account with no right on this enterprise's requests. */
  outsider: TestAccount;
  agent: TestAccount;
  secondAgent: TestAccount;
  /** An agent the program does not let review. */
  otherAgent: TestAccount;
};

let serial = 0;
function tenDigits(): string {
  serial++;
  return `${randomInt(100_000, 999_999)}${String(serial % 10_000).padStart(4, '0')}`;
}

async function testEnterprise(db: Db): Promise<string> {
  return transaction(db, (tx) => upsertRegistryRecord(tx, TEST_SECRET, testRegistryRecord({ rqId: tenDigits(), neq: tenDigits(), legalName: `CPE d’essai ${serial}`, legalType: 'nonprofit' })));
}

function grant(account: TestAccount, enterpriseId: string, rights: EnterpriseRight[]): TestAccount {
  enterpriseRights.set(account.account.id, { enterpriseId, rights: new Set(rights) });
  return account;
}

/** An enterprise and its people; the director writes in English, to test mails in each language. */
export async function createPeople(db: Db): Promise<People> {
  const enterpriseId = await testEnterprise(db);
  const other = await testEnterprise(db);
  const agent = await createTestAccount(db, 'agent', { mfa: false });
  const secondAgent = await createTestAccount(db, 'agent', { mfa: false });
  reviewers.add(agent.account.id);
  reviewers.add(secondAgent.account.id);
  return {
    enterpriseId,
    editor: grant(await createTestAccount(db, 'enterprise', { mfa: false }), enterpriseId, ['read', 'edit']),
    director: grant(await createTestAccount(db, 'enterprise', { mfa: false, language: 'en' }), enterpriseId, ['read', 'edit', 'sign']),
    reader: grant(await createTestAccount(db, 'enterprise', { mfa: false }), enterpriseId, ['read']),
    outsider: grant(await createTestAccount(db, 'enterprise', { mfa: false }), other, ['read', 'edit', 'sign']),
    agent,
    secondAgent,
    otherAgent: await createTestAccount(db, 'agent', { mfa: false }),
  };
}

export function ctxFor(who: TestAccount, lang: 'fr' | 'en' = 'fr'): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: who.account.kind, displayName: who.account.displayName }, lang, requestId: null, ip: null };
}

export async function newDraft(db: Db, people: People, directorateCode = '11', by: TestAccount = people.editor): Promise<RequestRow> {
  const { request } = await transaction(db, (tx) => createRequest(tx, ctxFor(by), testProgram, { enterpriseId: people.enterpriseId, directorateCode, creationKey: randomUUID() }));
  return request;
}

/** A one-page PDF as pdf-lib writes it. */
export async function onePagePdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.addPage();
  return Buffer.from(await document.save());
}

export async function upload(db: Db, settings: EngineSettings, people: People, requestId: string, type: string, content: Buffer, name = `${type}.pdf`) {
  return addDocument(db, ctxFor(people.editor), settings, testProgram, requestId, type, Readable.from([content]), name);
}

/** Every required field, the plan, and the director's signature: ready to transmit. */
export async function fillReceivable(db: Db, settings: EngineSettings, people: People, requestId: string): Promise<void> {
  const ctx = ctxFor(people.editor);
  for (const [fieldId, value] of [['hours', '4,5'], ['start', '2025-09-02'], ['needs', 'Accompagnement au dîner et à la sieste.']] as const) {
    await saveValue(db, ctx, testProgram, requestId, { fieldId, value, expectedVersion: 0, facts });
  }
  await upload(db, settings, people, requestId, 'plan', await onePagePdf());
  await sign(db, ctxFor(people.director), testProgram, requestId, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale', attested: true });
}

export async function mailsTo(db: Db, recipient: string) {
  return db.select().from(outboxMail).where(eq(outboxMail.recipient, recipient)).orderBy(outboxMail.id);
}

export async function mailsAbout(db: Db, recipient: string, subjectPart: string) {
  return (await mailsTo(db, recipient)).filter((m) => m.subject.includes(subjectPart));
}
