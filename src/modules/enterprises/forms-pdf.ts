import { PageSizes, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatDateTime } from '../../platform/i18n/format.js';
import { translator, type Lang } from '../../platform/i18n/index.js';
import { toWinAnsi, wrapText } from '../../platform/pdf/text.js';
import type { EnrolmentFile } from './verification.js';

/**
 * The enrolment forms of a deferred enrolment, prefilled with every field of the enrolment, to be
 * signed by the enterprise's authorized representative and sent back (seed 000: "imprimez les
 * formulaires, faites-les signer"). Letter size, standard Helvetica fonts.
 */

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.Letter;
const MARGIN = 54;
const BOTTOM = 60;
const LABEL_WIDTH = 190;
const BLUE = rgb(0x09 / 255, 0x57 / 255, 0x97 / 255);
const TEXT = rgb(0.13, 0.13, 0.13);
const MUTED = rgb(0.36, 0.38, 0.42);
const WHITE = rgb(1, 1, 1);

class Sheet {
  page!: PDFPage;
  y = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  private room(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }

  text(text: string, options: { bold?: boolean; size?: number; color?: typeof TEXT; x?: number; after?: number } = {}): void {
    const size = options.size ?? 10.5;
    const font = options.bold ? this.bold : this.regular;
    const x = options.x ?? MARGIN;
    const lines = wrapText(toWinAnsi(text), font, size, PAGE_WIDTH - MARGIN - x);
    this.room(lines.length * size * 1.32);
    for (const line of lines) {
      this.y -= size * 1.32;
      this.page.drawText(line, { x, y: this.y + size * 0.3, size, font, color: options.color ?? TEXT });
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
    const valueLines = wrapText(toWinAnsi(value || '—'), this.bold, size, PAGE_WIDTH - MARGIN * 2 - LABEL_WIDTH - 10);
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

  band(title: string, subtitle: string): void {
    this.page.drawRectangle({ x: 0, y: PAGE_HEIGHT - 52, width: PAGE_WIDTH, height: 52, color: BLUE });
    this.page.drawText(toWinAnsi(title), { x: MARGIN, y: PAGE_HEIGHT - 26, size: 15, font: this.bold, color: WHITE });
    this.page.drawText(toWinAnsi(subtitle), { x: MARGIN, y: PAGE_HEIGHT - 41, size: 9.5, font: this.regular, color: WHITE });
    this.y = PAGE_HEIGHT - 72;
  }
}

const identifiers = ['rqId', 'sin', 'impotnetCode', 'assessmentNumber', 'invitationNumber'] as const;

function isIdentifier(value: string): value is (typeof identifiers)[number] {
  return (identifiers as readonly string[]).includes(value);
}

/** The prefilled enrolment forms in the reader's language. */
export async function enrolmentFormsPdf(file: EnrolmentFile, lang: Lang): Promise<Uint8Array> {
  const t = translator(lang);
  const { enrolment, enterprise } = file;
  const doc = await PDFDocument.create();
  doc.setTitle(toWinAnsi(t('verification.forms.pdfTitle', { number: enrolment.number })), { showInWindowTitleBar: true });
  doc.setAuthor(toWinAnsi(t('ack.government')));
  doc.setLanguage(lang === 'fr' ? 'fr-CA' : 'en-CA');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const s = new Sheet(doc, regular, bold);
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
  for (const r of file.requirements) s.text(`• ${t(`ack.document.${r.requirement}`)} — ${t(`ack.document.${r.requirement}.detail`)}`, { x: MARGIN + 8 });

  s.heading(t('verification.forms.declaration'));
  s.text(t('verification.forms.declarationText', { name: enterprise.legalName }), { after: 8 });

  s.heading(t('verification.forms.representative'));
  s.text(t('verification.forms.representativeHint'), { size: 9.5, color: MUTED });
  s.blank(t('verification.forms.name'));
  s.blank(t('verification.forms.function'));
  s.blank(t('verification.forms.signature'));
  s.blank(t('verification.forms.date'));

  s.heading(t('verification.forms.enroller'));
  s.row(t('verification.forms.name'), `${enrolment.enrollerFirstName} ${enrolment.enrollerLastName}`);
  s.blank(t('verification.forms.signature'));
  s.blank(t('verification.forms.date'));

  const pages = doc.getPages();
  pages.forEach((page, index) => {
    page.drawText(toWinAnsi(t('verification.forms.footer', { number: enrolment.number, page: index + 1, pages: pages.length })), { x: MARGIN, y: 38, size: 8.5, font: regular, color: MUTED });
  });
  return doc.save();
}
