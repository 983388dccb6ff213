import { PageSizes, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Lang } from '../i18n/index.js';
import { toWinAnsi, wrapText } from './text.js';

/**
 * A Letter page cursor for the form-like PDFs (the enrolment forms, the MES form, the service agreement):
 * a blue band, headings, label–value rows and lines to sign by hand, in the standard fonts.
 */

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.Letter;
const MARGIN = 54;
const BOTTOM = 60;
const LABEL_WIDTH = 190;
const BLUE = rgb(0x09 / 255, 0x57 / 255, 0x97 / 255);
const TEXT = rgb(0.13, 0.13, 0.13);
const MUTED = rgb(0.36, 0.38, 0.42);
const WHITE = rgb(1, 1, 1);

/** A page cursor that writes wrapped lines and starts a new page when it runs out of room. */
export class Sheet {
  page: PDFPage;
  y: number;

  constructor(
    readonly doc: PDFDocument,
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

  /** `indent`: points from the left margin (a list's items). */
  text(text: string, options: { bold?: boolean; size?: number; tone?: 'muted' | 'accent'; indent?: number; after?: number } = {}): void {
    const size = options.size ?? 10.5;
    const font = options.bold ? this.bold : this.regular;
    const x = MARGIN + (options.indent ?? 0);
    const lines = wrapText(toWinAnsi(text), font, size, PAGE_WIDTH - MARGIN - x);
    this.room(lines.length * size * 1.32);
    for (const line of lines) {
      this.y -= size * 1.32;
      this.page.drawText(line, { x, y: this.y + size * 0.3, size, font, color: options.tone === 'muted' ? MUTED : options.tone === 'accent' ? BLUE : TEXT });
    }
    this.y -= options.after ?? 4;
  }

  heading(text: string): void {
    this.room(60);
    this.y -= 8;
    this.text(text, { bold: true, size: 12.5, tone: 'accent', after: 2 });
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_WIDTH - MARGIN, y: this.y }, thickness: 0.75, color: MUTED });
    this.y -= 6;
  }

  row(label: string, value: string): void {
    const size = 10.5;
    const labelLines = wrapText(toWinAnsi(label), this.regular, 9.5, LABEL_WIDTH);
    // An empty value shows a dash; a value's own line breaks are kept.
    const valueLines = (value || '—').split('\n').flatMap((part) => wrapText(toWinAnsi(part || ' '), this.bold, size, PAGE_WIDTH - MARGIN * 2 - LABEL_WIDTH - 10));
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

  /** A small line at the foot of every page, once all are written (« page 2 of 3 »). */
  footers(line: (page: number, pages: number) => string): void {
    const pages = this.doc.getPages();
    pages.forEach((page, index) => page.drawText(toWinAnsi(line(index + 1, pages.length)), { x: MARGIN, y: 38, size: 8.5, font: this.regular, color: MUTED }));
  }
}

/** A new document with its title, author and language, and a sheet on its first page. */
export async function newSheet(meta: { title: string; author: string; lang: Lang }): Promise<Sheet> {
  const doc = await PDFDocument.create();
  doc.setTitle(toWinAnsi(meta.title), { showInWindowTitleBar: true });
  doc.setAuthor(toWinAnsi(meta.author));
  doc.setLanguage(meta.lang === 'fr' ? 'fr-CA' : 'en-CA');
  return new Sheet(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
}
