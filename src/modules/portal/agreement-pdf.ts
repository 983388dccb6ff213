import { translator, type Lang } from '../../platform/i18n/index.js';
import { newSheet } from '../../platform/pdf/sheet.js';
import type { AgreementView } from './agreements.js';
import { contributionText, scheduleText } from './views/agreements.js';

/**
 * The service agreement as a PDF, in the reader's language: the child, the service, the current
 * terms, the cessation if any, every version, and lines for the parent's and the provider's
 * signatures.
 */

export async function agreementPdf(view: AgreementView, lang: Lang): Promise<Uint8Array> {
  const t = translator(lang);
  const { agreement, current, child, site } = view;
  const title = t('portal.agreement.pdf.title', { child: `${child.firstName} ${child.lastName}` });
  const s = await newSheet({ title, author: t('ack.government'), lang });
  s.band(t('ack.government'), t('portal.agreement.pdf.subtitle'));
  s.text(title, { bold: true, size: 17, after: 6 });
  s.heading(t('portal.agreement.pdf.parties'));
  s.row(t('portal.admission.child'), `${child.firstName} ${child.lastName} — ${child.birthDate}`);
  s.row(t('portal.agreement.pdf.registrationNumber'), child.registrationNumber);
  s.row(t('portal.agreement.site'), `${site.name} (${site.number})`);
  s.row(t('portal.agreement.pdf.address'), `${site.address}, ${site.municipality} ${site.postalCode}`);
  s.heading(t('portal.agreement.pdf.terms'));
  s.row(t('portal.agreement.state'), agreement.state === 'active' ? t('portal.agreement.state.active') : t('portal.agreement.state.ended', { date: agreement.endDate ?? '' }));
  s.row(t('portal.agreement.startDate'), current.startDate);
  s.row(t('portal.agreement.schedule'), scheduleText(t, current));
  s.row(t('portal.agreement.contribution'), contributionText(t, current));
  s.row(t('portal.agreement.signedOn'), current.signedOn);
  s.row(t('portal.agreement.version'), String(agreement.version));
  if (agreement.endReason) s.row(t('portal.agreement.endReason'), `${t(`portal.agreement.endReason.${agreement.endReason as 'other'}`)}${agreement.endDetails ? ` — ${agreement.endDetails}` : ''}`);
  if (view.versions.length > 1) {
    s.heading(t('portal.agreement.versions'));
    for (const version of view.versions) {
      s.row(t('portal.agreement.pdf.versionLine', { version: version.version }), `${version.startDate} — ${scheduleText(t, version)} — ${contributionText(t, version)} — ${t('portal.agreement.signedOn')} ${version.signedOn}${version.changeReason ? `\n${version.changeReason}` : ''}`);
    }
  }
  s.heading(t('portal.agreement.pdf.signatures'));
  for (const party of ['portal.agreement.pdf.parent', 'portal.agreement.pdf.provider'] as const) {
    s.text(t(party), { bold: true, after: 0 });
    s.blank(t('mes.pdf.sign.name'));
    s.blank(t('mes.pdf.sign.signature'));
    s.blank(t('mes.pdf.sign.date'));
    s.y -= 8;
  }
  return s.doc.save();
}
