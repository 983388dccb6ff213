import type { Rule } from '../../platform/authz.js';
import type { Db } from '../../platform/db/index.js';
import type { MessageKey } from '../../platform/i18n/index.js';

/**
 * A program (MES, a financial-aid program) is a definition on the request engine: its steps,
 * fields, documents, signature and receivability rules. A published revision is never changed in
 * place: a change makes a new revision, and fields keep their stable id across revisions, so the
 * values of a request (keyed by field id) survive a new revision. What a field or a document type
 * depends on is data (`Condition`, `Requirement`, `Bound`), not code: a revision can be written
 * down, compared with another and stored as it is (JSON), and the engine alone evaluates it.
 */
export type FieldType = 'text' | 'textarea' | 'integer' | 'decimal' | 'date' | 'choice' | 'email' | 'phone';

/** What the engine knows of a request when it checks a field: enough for context-dependent rules. */
export type RequestFacts = {
  /** The program's own facts about the request (for MES: its type, the kind of service). */
  readonly attributes: Readonly<Record<string, string>>;
};

/**
 * A test on one of the request's facts: its value is one of `in`, or none of `notIn` (a fact the
 * request does not have is in no list).
 */
export type Condition = { readonly attribute: string; readonly in: readonly string[] } | { readonly attribute: string; readonly notIn: readonly string[] };

/** Always, never, or when the request's facts meet the condition. */
export type Requirement = boolean | { readonly when: Condition };

/** A number, or the number the request's facts hold under `attribute` (e.g. working days of its year). */
export type Bound = number | { readonly attribute: string };

export type FieldDefinition = {
  /** Stable across revisions: values are stored under it. */
  readonly id: string;
  readonly type: FieldType;
  readonly label: MessageKey;
  readonly help?: MessageKey;
  /** Unit shown after a number (« heures / jour »). */
  readonly unit?: MessageKey;
  /** Required for receivability and to leave its step. */
  readonly required: Requirement;
  readonly min?: number;
  /** A number's maximum, fixed or read from the request's facts. */
  readonly max?: Bound;
  /** Decimal places allowed for `decimal` (e.g. 1 for half hours: 4.5). */
  readonly step?: number;
  readonly maxLength?: number;
  /** For `choice`: the values and their labels. */
  readonly choices?: readonly { readonly value: string; readonly label: MessageKey }[];
  /** The field is shown and asked only when this holds (e.g. the RSGE's name only for a BC). */
  readonly shownWhen?: Condition;
};

export type StepDefinition = {
  readonly id: string;
  readonly title: MessageKey;
  readonly subtitle: MessageKey;
  /** The fields entered on this step, in order (by id). */
  readonly fields: readonly string[];
};

export type DocumentTypeDefinition = {
  readonly id: string;
  readonly label: MessageKey;
  readonly required: Requirement;
};

/**
 * One revision of a program. A request lives under the revision it was created with: its steps,
 * fields, document types, document size, signature and `receivable` rule. Who may act (`access`),
 * the name, the paths and the mail recipients are the program's, taken from the definition the
 * caller passes (the same in every revision so far).
 */
export type ProgramDefinition = {
  /** The `request.program` value. */
  readonly id: string;
  readonly revision: number;
  /** The e-service whose rights govern the enterprise side (`consult`, `enter`, `sign`). */
  readonly eservice: 'mes' | 'aid';
  readonly steps: readonly StepDefinition[];
  readonly fields: readonly FieldDefinition[];
  readonly documentTypes: readonly DocumentTypeDefinition[];
  /** Largest document accepted, in bytes. */
  readonly maxDocumentBytes: number;
  /** Whether the director's electronic signature is needed before transmission. */
  readonly signatureRequired: boolean;
  readonly access: ProgramAccess;
  /** The program's name in mails (« Mesure exceptionnelle de soutien »). */
  readonly name: MessageKey;
  /**
   * A rule across fields that the field types cannot say (the aid program: financing equals
   * costs), checked by `transmit` under the request's lock: the message of what is wrong, or null.
   */
  readonly receivable?: (values: ReadonlyMap<string, { readonly value: string }>) => MessageKey | null;
  /**
   * The accounts the enterprise side's mails go to, when not the request's creator and last
   * transmitter (the aid program: the organization's people holding a Rédaction profile today).
   */
  readonly enterpriseRecipients?: (tx: Db, requestId: string) => Promise<string[]>;
  /** Where a request is read, for the links in mails. */
  readonly paths: { readonly enterprise: (requestId: string) => string; readonly agent: (requestId: string) => string };
};

export function fieldById(program: ProgramDefinition, id: string): FieldDefinition | undefined {
  return program.fields.find((field) => field.id === id);
}

export function holds(condition: Condition, facts: RequestFacts): boolean {
  const value = facts.attributes[condition.attribute];
  if ('in' in condition) return value !== undefined && condition.in.includes(value);
  return value === undefined || !condition.notIn.includes(value);
}

export function isRequired(rule: Requirement, facts: RequestFacts): boolean {
  return typeof rule === 'boolean' ? rule : holds(rule.when, facts);
}

export function isShown(field: FieldDefinition, facts: RequestFacts): boolean {
  return field.shownWhen ? holds(field.shownWhen, facts) : true;
}

/**
 * A field's maximum for this request. A bound naming a fact the request lacks (or that is no
 * number) is a program whose facts and definition disagree: it fails loudly rather than letting
 * any number through.
 */
export function maxOf(field: FieldDefinition, facts: RequestFacts): number | undefined {
  const bound = field.max;
  if (bound === undefined || typeof bound === 'number') return bound;
  const text = facts.attributes[bound.attribute] ?? '';
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new Error(`field ${field.id}: the request's facts hold no number under ${bound.attribute}`);
  return value;
}

/** What an authorization rule of a program sees of a request. */
export type RequestResource = { readonly id: string; readonly program: string; readonly enterpriseId: string; readonly directorateCode: string };

/**
 * Who may do what on a program's requests: each list holds rules of which any suffices
 * (`platform/authz`). `create` is checked against the enterprise before a request exists.
 */
export type ProgramAccess = {
  readonly create: readonly Rule<{ enterpriseId: string }>[];
  /** See the request, its documents, comments and history. */
  readonly read: readonly Rule<RequestResource>[];
  /** Enter values, add and delete documents, mark comments corrected, delete a draft, declare a departure. */
  readonly edit: readonly Rule<RequestResource>[];
  /** Sign electronically and transmit. */
  readonly sign: readonly Rule<RequestResource>[];
  /** The ministry: comment, mark compliant, close. */
  readonly review: readonly Rule<RequestResource>[];
};
