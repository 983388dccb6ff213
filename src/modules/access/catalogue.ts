/**
 * The e-service catalogue, as data: the ministries, the e-services each offers, and the rights an
 * enterprise's RSE may grant in each. Labels are catalogue keys (`eservices.*`, `rights.*`).
 * The database repeats the e-service → ministry mapping and the pairs of rights in the
 * access_constraints migration: change both together.
 */
export const ministries = ['famille', 'mamh'] as const;
export type Ministry = (typeof ministries)[number];

export const eservices = ['mes', 'portal', 'aid'] as const;
export type Eservice = (typeof eservices)[number];

export const rightKinds = ['consult', 'enter', 'sign', 'manage_sheet', 'manage_reserve'] as const;
export type RightKind = (typeof rightKinds)[number];

export const eservicesOf: Record<Ministry, readonly Eservice[]> = {
  famille: ['mes', 'portal'],
  mamh: ['aid'],
};

export const ministryOf: Record<Eservice, Ministry> = { mes: 'famille', portal: 'famille', aid: 'mamh' };

/** The rights of each e-service, in the order the matrix shows them. */
export const rightsOf: Record<Eservice, readonly RightKind[]> = {
  mes: ['consult', 'enter', 'sign'],
  portal: ['manage_sheet', 'manage_reserve'],
  aid: [],
};

export type RightRef = { eservice: Eservice; right: RightKind };

export const allRights: readonly RightRef[] = eservices.flatMap((eservice) => rightsOf[eservice].map((right) => ({ eservice, right })));

export function isGrantable(eservice: Eservice, right: RightKind): boolean {
  return rightsOf[eservice].includes(right);
}

/** One key per right, as the matrix's checkboxes are named: `mes:sign`. */
export function rightKey(ref: RightRef): string {
  return `${ref.eservice}:${ref.right}`;
}

/**
 * The ministry's information asked at enrolment. Famille: a permit, recognition or RSGE number,
 * checked against the childcare data; the other ministries: their own reference number.
 */
export const ministryNumberPattern = /^[A-Z0-9][A-Z0-9-]{2,29}$/;
