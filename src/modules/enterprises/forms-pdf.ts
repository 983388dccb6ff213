import { formatDateTime } from '../../platform/i18n/format.js';
import { translator, type Lang } from '../../platform/i18n/index.js';
import { newSheet } from '../../platform/pdf/sheet.js';
import type { EnrolmentFile } from './verification.js';

/**
 * The enrolment forms of a deferred enrolment, prefilled with every field of the enrolment, to be
 * signed by the enterprise's authorized representative and sent back (seed 000: "imprimez les
 * formulaires, faites-les signer"). Letter size, standard Helvetica fonts.
 */

const identifiers = ['rqId', 'sin', 'impotnetCode', 'assessmentNumber', 'invitationNumber'] as const;

function isIdentifier(value: string): value is (typeof identifiers)[number] {
  return (identifiers as readonly string[]).includes(value);
}

/** The prefilled enrolment forms in the reader's language. */
export async function enrolmentFormsPdf(file: EnrolmentFile, lang: Lang): Promise<Uint8Array> {
  const t = translator(lang);
  const { enrolment, enterprise } = file;
  const s = await newSheet({ title: t('verification.forms.pdfTitle', { number: enrolment.number }), author: t('ack.government'), lang });
  s.band(t('ack.government'), t('site.name'));
  s.text(t('verification.forms.title'), { bold: true, size: 17, after: 2 });
  s.text(t('verification.forms.intro', { number: enrolment.number }), { after: 6 });

  s.heading(t('ack.section.enrolment'));
  s.row(t('ack.number'), enrolment.number);
  s.row(t('ack.transmittedAt'), formatDateTime(lang, enrolment.createdAt));
  s.row(t('ack.state'), t(`verification.state.${enrolment.state}`));

  s.heading(t('ack.section.enterprise'));
  s.row(t('ack.legalName'), enterprise.legalName);
  s.row(t('ack.rqId'), enterprise.rqId);
  s.row(t('ack.neq'), enterprise.neq);
  s.row(t('ack.legalType'), t(`ack.legalType.${enrolment.legalType}`));
  s.row(t('verification.forms.address'), `${enterprise.addressLine}, ${enterprise.municipality} (Québec) ${enterprise.postalCode}`);

  s.heading(t('ack.section.enroller'));
  s.row(t('ack.enrollerName'), `${enrolment.enrollerFirstName} ${enrolment.enrollerLastName}`);
  s.row(t('ack.enrollerRole'), t(`ack.role.${enrolment.enrollerRole}`));
  s.row(t('verification.forms.function'), enrolment.enrollerFunction ? t(`ack.function.${enrolment.enrollerFunction}`) : '');
  s.row(t('ack.enrollerEmail'), enrolment.enrollerEmail);
  s.row(t('verification.forms.identifiers'), enrolment.identifiersGiven.filter(isIdentifier).map((id) => t(`verification.identifier.${id}`)).join(', '));
  s.row(t('verification.forms.consentedAt'), formatDateTime(lang, enrolment.consentedAt));

  s.heading(t('ack.section.documents'));
  for (const r of file.requirements) s.text(`• ${t(`ack.document.${r.requirement}`)} — ${t(`ack.document.${r.requirement}.detail`)}`, { indent: 8 });

  s.heading(t('verification.forms.declaration'));
  s.text(t('verification.forms.declarationText', { name: enterprise.legalName }), { after: 8 });

  s.heading(t('verification.forms.representative'));
  s.text(t('verification.forms.representativeHint'), { size: 9.5, tone: 'muted' });
  s.blank(t('verification.forms.name'));
  s.blank(t('verification.forms.function'));
  s.blank(t('verification.forms.signature'));
  s.blank(t('verification.forms.date'));

  s.heading(t('verification.forms.enroller'));
  s.row(t('verification.forms.name'), `${enrolment.enrollerFirstName} ${enrolment.enrollerLastName}`);
  s.blank(t('verification.forms.signature'));
  s.blank(t('verification.forms.date'));

  s.footers((page, pages) => t('verification.forms.footer', { number: enrolment.number, page, pages }));
  return s.doc.save();
}
