import { translator, type Lang, type Translate } from '../../platform/i18n/index.js';
import { newSheet, type Sheet } from '../../platform/pdf/sheet.js';
import { isRequired, isShown } from '../requests/program.js';
import { valueKey } from '../requests/service.js';
import type { MesRequestType } from './program.js';
import type { MesRequestPage } from './service.js';

/**
 * « Imprimer »: the whole MES form as a PDF to collect the handwritten signatures (seed 001: the
 * signatures asked « changent selon le type de demande et le type de service de garde »). Every
 * field, the child's and the service's data, the type and the number, then the signature blocks.
 */

export type SignatureBlock = 'parents' | 'professional' | 'homeProvider';

/**
 * Parents or tutors always; the health professional except for a renewal without change; the
 * RSG only when the service is a bureau coordonnateur (the child is cared for by an RSG).
 */
export function signatureBlocks(type: MesRequestType, serviceKind: string): SignatureBlock[] {
  const blocks: SignatureBlock[] = ['parents'];
  if (type !== 'renewal_unchanged') blocks.push('professional');
  if (serviceKind === 'coordinating_office') blocks.push('homeProvider');
  return blocks;
}

function identity(s: Sheet, t: Translate, page: MesRequestPage): void {
  const { child, site, mes, view } = page;
  s.heading(t('mes.pdf.request'));
  s.row(t('mes.pdf.number'), view.request.number);
  s.row(t('mes.detail.type'), t(`mes.type.${mes.type}`));
  s.row(t('mes.detail.state'), t(`requests.state.${view.request.state}`));
  s.row(t('mes.detail.referenceYear'), `${mes.referenceYear}-${mes.referenceYear + 1}`);
  s.heading(t('mes.identity.title'));
  s.row(t('mes.identity.child'), `${child.firstName} ${child.lastName} — ${child.birthDate}`);
  s.row(t('mes.identity.numbers'), `NIREC ${child.nirec} — NECSG ${child.necsg}`);
  s.row(t('mes.identity.parent'), child.parentName);
  s.row(t('mes.identity.otherParent'), child.otherParentName ?? '—');
  s.row(t('mes.identity.address'), `${child.homeAddress} ${child.homePostalCode}`);
  s.row(t('mes.identity.email'), child.parentEmail ?? '—');
  s.row(t('mes.identity.homePhone'), child.homePhone ?? '—');
  s.row(t('mes.identity.mobilePhone'), child.mobilePhone ?? '—');
  s.heading(t('mes.service.title'));
  s.row(t('mes.service.name'), site.serviceName);
  s.row(t('mes.service.division'), site.divisionNumber ?? '—');
  s.row(t('mes.service.installation'), `${site.name} (${site.number})`);
  s.row(t('mes.service.address'), `${site.address}, ${site.municipality} ${site.postalCode}`);
}

function supportFields(s: Sheet, t: Translate, page: MesRequestPage): void {
  s.heading(t('mes.support.title'));
  for (const field of page.view.definition.fields.filter((f) => isShown(f, page.facts))) {
    const value = page.view.values.get(valueKey(field.id))?.value ?? '';
    const label = `${t(field.label)}${isRequired(field.required, page.facts) ? ' *' : ''}`;
    s.row(label, value ? (field.unit ? `${value} ${t(field.unit)}` : value) : '—');
  }
}

const blockTitles = { parents: 'mes.pdf.sign.parents', professional: 'mes.pdf.sign.professional', homeProvider: 'mes.pdf.sign.homeProvider' } as const;

function signatures(s: Sheet, t: Translate, page: MesRequestPage): void {
  s.heading(t('mes.pdf.signatures'));
  s.text(t('mes.pdf.signaturesIntro'), { size: 9.5, tone: 'muted' });
  for (const block of signatureBlocks(page.mes.type, page.site.serviceKind)) {
    s.text(t(blockTitles[block]), { bold: true, after: 0 });
    s.blank(t('mes.pdf.sign.name'));
    s.blank(t('mes.pdf.sign.signature'));
    s.blank(t('mes.pdf.sign.date'));
    s.y -= 8;
  }
  const signature = page.view.signature;
  s.heading(t('mes.sign.title'));
  s.text(signature ? t('mes.pdf.directorSigned', { name: `${signature.firstName} ${signature.lastName}`, function: signature.function }) : t('mes.pdf.directorNotSigned'));
}

/** The request's form in the reader's language. */
export async function mesRequestPdf(page: MesRequestPage, lang: Lang): Promise<Uint8Array> {
  const t = translator(lang);
  const s = await newSheet({ title: t('mes.pdf.title', { number: page.view.request.number }), author: t('ack.government'), lang });
  s.band(t('ack.government'), t('mes.program.name'));
  s.text(t('mes.pdf.title', { number: page.view.request.number }), { bold: true, size: 17, after: 6 });
  identity(s, t, page);
  supportFields(s, t, page);
  signatures(s, t, page);
  return s.doc.save();
}
