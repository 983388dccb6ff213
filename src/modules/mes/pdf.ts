import { PageSizes, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { translator, type Lang, type Translate } from '../../platform/i18n/index.js';
import { toWinAnsi, wrapText } from '../enterprises/acknowledgement-pdf.js';
import { isRequired, isShown } from '../requests/program.js';
import { valueKey } from '../requests/service.js';
import { mesProgram, type MesRequestType } from './program.js';
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

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.Letter;
const MARGIN = 54;
const BOTTOM = 60;
const LABEL_WIDTH = 190;
const BLUE = rgb(0x09 / 255, 0x57 / 255, 0x97 / 255);
const TEXT = rgb(0.13, 0.13, 0.13);
const MUTED = rgb(0.36, 0.38, 0.42);
const WHITE = rgb(1, 1, 1);

/** A page cursor that writes wrapped lines and starts a new page when it runs out of room. */
class Sheet {
  page: PDFPage;
  y: number;

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  private room(height: number): void {
    if (this.y - height >= BOTTOM) return;
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  band(title: string, subtitle: string): void {
    this.page.drawRectangle({ x: 0, y: PAGE_HEIGHT - 52, width: PAGE_WIDTH, height: 52, color: BLUE });
    this.page.drawText(toWinAnsi(title), { x: MARGIN, y: PAGE_HEIGHT - 26, size: 15, font: this.bold, color: WHITE });
    this.page.drawText(toWinAnsi(subtitle), { x: MARGIN, y: PAGE_HEIGHT - 41, size: 9.5, font: this.regular, color: WHITE });
    this.y = PAGE_HEIGHT - 72;
  }

  text(text: string, options: { bold?: boolean; size?: number; color?: typeof TEXT; after?: number } = {}): void {
    const size = options.size ?? 10.5;
    const font = options.bold ? this.bold : this.regular;
    const lines = wrapText(toWinAnsi(text), font, size, PAGE_WIDTH - MARGIN * 2);
    this.room(lines.length * size * 1.32);
    for (const line of lines) {
      this.y -= size * 1.32;
      this.page.drawText(line, { x: MARGIN, y: this.y + size * 0.3, size, font, color: options.color ?? TEXT });
    }
    this.y -= options.after ?? 4;
  }

  heading(text: string): void {
    this.room(60);
    this.y -= 8;
    this.text(text, { bold: true, size: 12.5, color: BLUE, after: 2 });
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_WIDTH - MARGIN, y: this.y }, thickness: 0.75, color: MUTED });
    this.y -= 6;
  }

  row(label: string, value: string): void {
    const size = 10.5;
    const labelLines = wrapText(toWinAnsi(label), this.regular, 9.5, LABEL_WIDTH);
    const valueLines = value.split('\n').flatMap((part) => wrapText(toWinAnsi(part || ' '), this.bold, size, PAGE_WIDTH - MARGIN * 2 - LABEL_WIDTH - 10));
    const height = Math.max(labelLines.length, valueLines.length) * size * 1.32 + 3;
    this.room(height);
    labelLines.forEach((line, i) => this.page.drawText(line, { x: MARGIN, y: this.y - (i + 1) * size * 1.32 + 3, size: 9.5, font: this.regular, color: MUTED }));
    valueLines.forEach((line, i) => this.page.drawText(line, { x: MARGIN + LABEL_WIDTH + 10, y: this.y - (i + 1) * size * 1.32 + 3, size, font: this.bold, color: TEXT }));
    this.y -= height;
  }

  /** A labelled line to write on by hand. */
  blank(label: string): void {
    this.room(34);
    this.y -= 26;
    this.page.drawText(toWinAnsi(label), { x: MARGIN, y: this.y + 3, size: 9.5, font: this.regular, color: MUTED });
    this.page.drawLine({ start: { x: MARGIN + LABEL_WIDTH + 10, y: this.y }, end: { x: PAGE_WIDTH - MARGIN, y: this.y }, thickness: 0.75, color: TEXT });
    this.y -= 4;
  }
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
  for (const field of mesProgram.fields.filter((f) => isShown(f, page.facts))) {
    const value = page.view.values.get(valueKey(field.id))?.value ?? '';
    const label = `${t(field.label)}${isRequired(field.required, page.facts) ? ' *' : ''}`;
    s.row(label, value ? (field.unit ? `${value} ${t(field.unit)}` : value) : '—');
  }
}

const blockTitles = { parents: 'mes.pdf.sign.parents', professional: 'mes.pdf.sign.professional', homeProvider: 'mes.pdf.sign.homeProvider' } as const;

function signatures(s: Sheet, t: Translate, page: MesRequestPage): void {
  s.heading(t('mes.pdf.signatures'));
  s.text(t('mes.pdf.signaturesIntro'), { size: 9.5, color: MUTED });
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
  const doc = await PDFDocument.create();
  doc.setTitle(toWinAnsi(t('mes.pdf.title', { number: page.view.request.number })), { showInWindowTitleBar: true });
  doc.setAuthor(toWinAnsi(t('ack.government')));
  doc.setLanguage(lang === 'fr' ? 'fr-CA' : 'en-CA');
  const s = new Sheet(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  s.band(t('ack.government'), t('mes.program.name'));
  s.text(t('mes.pdf.title', { number: page.view.request.number }), { bold: true, size: 17, after: 6 });
  identity(s, t, page);
  supportFields(s, t, page);
  signatures(s, t, page);
  return doc.save();
}
