import { PageSizes, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { formatDateTime } from '../../platform/i18n/format.js';
import { translator, type Lang, type MessageKey, type Translate } from '../../platform/i18n/index.js';
import { toWinAnsi, wrapText } from '../../platform/pdf/text.js';
import type { DocumentRequirement } from './rules.js';
import type { Acknowledgement } from './service.js';

/**
 * The acknowledgement of receipt of an enterprise's enrolment (seed 000: "consultez l'accusé de
 * réception et notez le code d'utilisateur et le mot de passe temporaire"), as a printable Letter
 * PDF drawn in process with the standard Helvetica fonts.
 */

// ---------------------------------------------------------------------------------------------
// Layout

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.Letter;
const MARGIN = 54;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const CONTENT_BOTTOM = 68;
const LABEL_WIDTH = 200;
const VALUE_X = MARGIN + LABEL_WIDTH + 10;
const VALUE_WIDTH = PAGE_WIDTH - MARGIN - VALUE_X;

const BLUE = rgb(0x09 / 255, 0x57 / 255, 0x97 / 255);
const DARK_BLUE = rgb(0x22 / 255, 0x36 / 255, 0x54 / 255);
const TEXT = rgb(0.13, 0.13, 0.13);
const MUTED = rgb(0.36, 0.38, 0.42);
const RULE = rgb(0.78, 0.8, 0.84);
const WARNING_FILL = rgb(1, 0.96, 0.82);
const WARNING_EDGE = rgb(0.88, 0.68, 0.07);
const INFO_FILL = rgb(0.92, 0.95, 0.98);
const WHITE = rgb(1, 1, 1);

type Fonts = { regular: PDFFont; bold: PDFFont; mono: PDFFont };
type Style = { font: PDFFont; size: number; color: RGB };

function lineHeight(size: number): number {
  return size * 1.32;
}

/** From the top of a line to its baseline. */
function baselineDrop(size: number): number {
  return lineHeight(size) - size * 0.3;
}

/**
 * A piece of content measured before it is drawn: it is never split across pages. Every piece
 * here is a few lines long, so keeping each whole costs little space and reads better.
 */
type Block = { height: number; draw: (page: PDFPage, top: number) => void };

/** Draws lines downwards from `top`; returns the height used. */
function drawLines(page: PDFPage, lines: string[], style: Style, x: number, top: number): number {
  lines.forEach((line, index) => {
    page.drawText(line, { x, y: top - index * lineHeight(style.size) - baselineDrop(style.size), size: style.size, font: style.font, color: style.color });
  });
  return lines.length * lineHeight(style.size);
}

function lines(text: string, style: Style, width: number): string[] {
  return wrapText(toWinAnsi(text), style.font, style.size, width);
}

function paragraph(text: string, style: Style, after = 6, x = MARGIN): Block {
  const wrapped = lines(text, style, PAGE_WIDTH - MARGIN - x);
  return { height: wrapped.length * lineHeight(style.size) + after, draw: (page, top) => drawLines(page, wrapped, style, x, top) };
}

class Writer {
  page!: PDFPage;
  y = 0;

  constructor(readonly doc: PDFDocument) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  /** Places the blocks one under the other; `keep` more points must fit with the first one. */
  place(blocks: Block[], keep = 0): void {
    blocks.forEach((block, index) => {
      if (this.y - block.height - (index === 0 ? keep : 0) < CONTENT_BOTTOM) this.newPage();
      block.draw(this.page, this.y);
      this.y -= block.height;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The acknowledgement

const documentRequirements: readonly DocumentRequirement[] = ['signed_forms', 'mandate', 'board_resolution', 'proof_of_authority'];

function isDocumentRequirement(value: string): value is DocumentRequirement {
  return (documentRequirements as readonly string[]).includes(value);
}

function requiredDocuments(ack: Acknowledgement): DocumentRequirement[] {
  return ack.enrolment.documentsRequired.map((value) => {
    if (!isDocumentRequirement(value)) throw new Error(`unknown document requirement: ${value}`);
    return value;
  });
}

function roleLabel(t: Translate, ack: Acknowledgement): string {
  const role = t(`ack.role.${ack.enrolment.enrollerRole}`);
  const fn = ack.enrolment.enrollerFunction;
  return fn ? t('ack.roleWithFunction', { role, function: t(`ack.function.${fn}`) }) : role;
}

/** The blue government band, drawn at the top of the first page. */
function band(fonts: Fonts, t: Translate): Block {
  const height = 52;
  return {
    // Drawn from the page's edge; what follows starts 20 points under the band.
    height: height + 20 - MARGIN,
    draw(page) {
      page.drawRectangle({ x: 0, y: PAGE_HEIGHT - height, width: PAGE_WIDTH, height, color: BLUE });
      page.drawText(toWinAnsi(t('ack.government')), { x: MARGIN, y: PAGE_HEIGHT - 26, size: 15, font: fonts.bold, color: WHITE });
      page.drawText(toWinAnsi(t('site.name')), { x: MARGIN, y: PAGE_HEIGHT - 41, size: 9.5, font: fonts.regular, color: WHITE });
    },
  };
}

function heading(fonts: Fonts, title: string): Block {
  const style: Style = { font: fonts.bold, size: 12.5, color: BLUE };
  const before = 6;
  const text = lines(title, style, CONTENT_WIDTH);
  const textHeight = text.length * lineHeight(style.size);
  return {
    height: before + textHeight + 7,
    draw(page, top) {
      drawLines(page, text, style, MARGIN, top - before);
      const y = top - before - textHeight - 2;
      page.drawLine({ start: { x: MARGIN, y }, end: { x: PAGE_WIDTH - MARGIN, y }, thickness: 0.75, color: RULE });
    },
  };
}

/** A section: its heading stays on the page of its first block. */
function section(w: Writer, fonts: Fonts, title: string, blocks: Block[]): void {
  const [first, ...rest] = blocks;
  w.place([heading(fonts, title)], first?.height ?? 0);
  w.place([...(first ? [first] : []), ...rest]);
}

type Row = { label: string; value: string; font?: PDFFont; size?: number };

/** A label and its value, in two columns; the label sits on the value's first baseline. */
function row(fonts: Fonts, item: Row): Block {
  const labelStyle: Style = { font: fonts.bold, size: 9.5, color: MUTED };
  const valueStyle: Style = { font: item.font ?? fonts.regular, size: item.size ?? 10.5, color: TEXT };
  const labelLines = lines(item.label, labelStyle, LABEL_WIDTH);
  const valueLines = lines(item.value, valueStyle, VALUE_WIDTH);
  const labelOffset = baselineDrop(valueStyle.size) - baselineDrop(labelStyle.size);
  const height = Math.max(labelOffset + labelLines.length * lineHeight(labelStyle.size), valueLines.length * lineHeight(valueStyle.size));
  return {
    height: height + 3,
    draw(page, top) {
      drawLines(page, labelLines, labelStyle, MARGIN, top - labelOffset);
      drawLines(page, valueLines, valueStyle, VALUE_X, top);
    },
  };
}

/** A shaded box with a coloured edge. */
function box(fill: RGB, edge: RGB, parts: { text: string; style: Style; after: number }[]): Block {
  const padding = 10;
  const x = MARGIN + 16;
  const wrapped = parts.map((part) => ({ ...part, lines: lines(part.text, part.style, PAGE_WIDTH - MARGIN - 16 - x) }));
  const inner = wrapped.reduce((sum, part) => sum + part.lines.length * lineHeight(part.style.size) + part.after, 0);
  const height = inner + 2 * padding;
  return {
    height: height + 8,
    draw(page, top) {
      page.drawRectangle({ x: MARGIN, y: top - height, width: CONTENT_WIDTH, height, color: fill });
      page.drawRectangle({ x: MARGIN, y: top - height, width: 4, height, color: edge });
      let y = top - padding;
      for (const part of wrapped) y -= drawLines(page, part.lines, part.style, x, y) + part.after;
    },
  };
}

function passwordBox(fonts: Fonts, t: Translate, password: string | null): Block {
  if (password === null) {
    return box(INFO_FILL, BLUE, [{ text: t('ack.temporaryPassword.shown', { link: t('signin.forgot') }), style: { font: fonts.regular, size: 10, color: TEXT }, after: 0 }]);
  }
  return box(WARNING_FILL, WARNING_EDGE, [
    { text: t('ack.temporaryPassword'), style: { font: fonts.bold, size: 9.5, color: MUTED }, after: 2 },
    { text: password, style: { font: fonts.mono, size: 15, color: TEXT }, after: 4 },
    { text: t('ack.temporaryPassword.warning'), style: { font: fonts.bold, size: 10, color: TEXT }, after: 0 },
  ]);
}

/** One item of a numbered list: an optional bold title, then its text. */
function listItem(fonts: Fonts, number: number, item: { title?: string; text: string }): Block {
  const x = MARGIN + 20;
  const width = PAGE_WIDTH - MARGIN - x;
  const titleStyle: Style = { font: fonts.bold, size: 10.5, color: TEXT };
  const textStyle: Style = { font: fonts.regular, size: 10, color: TEXT };
  const titleLines = item.title ? lines(item.title, titleStyle, width) : [];
  const textLines = lines(item.text, textStyle, width);
  const first = titleLines.length > 0 ? titleStyle : textStyle;
  return {
    height: titleLines.length * lineHeight(titleStyle.size) + textLines.length * lineHeight(textStyle.size) + (item.title ? 6 : 4),
    draw(page, top) {
      drawLines(page, [`${number}.`], { ...first, font: fonts.bold }, MARGIN + 2, top);
      const below = drawLines(page, titleLines, titleStyle, x, top);
      drawLines(page, textLines, textStyle, x, top - below);
    },
  };
}

function footers(doc: PDFDocument, fonts: Fonts, t: Translate, number: string): void {
  const pages = doc.getPages();
  const style = { size: 8.5, font: fonts.regular, color: MUTED };
  pages.forEach((page, index) => {
    page.drawLine({ start: { x: MARGIN, y: 52 }, end: { x: PAGE_WIDTH - MARGIN, y: 52 }, thickness: 0.5, color: RULE });
    page.drawText(toWinAnsi(t('ack.footer', { number, page: index + 1, pages: pages.length })), { x: MARGIN, y: 38, ...style });
    const government = toWinAnsi(t('ack.government'));
    page.drawText(government, { x: PAGE_WIDTH - MARGIN - fonts.regular.widthOfTextAtSize(government, style.size), y: 38, ...style });
  });
}

/** The acknowledgement as a Letter-size PDF in the reader's language (one or two pages). */
export async function acknowledgementPdf(ack: Acknowledgement, lang: Lang): Promise<Uint8Array> {
  const t = translator(lang);
  const { enrolment, enterprise } = ack;
  const documents = requiredDocuments(ack);
  const deferred = documents.length > 0;

  const doc = await PDFDocument.create();
  const meta = (key: MessageKey) => toWinAnsi(t(key, { number: enrolment.number, name: enterprise.legalName }));
  doc.setTitle(meta('ack.pdf.title'), { showInWindowTitleBar: true });
  doc.setSubject(meta('ack.pdf.subject'));
  doc.setAuthor(meta('ack.government'));
  doc.setCreator(meta('site.name'));
  doc.setLanguage(lang === 'fr' ? 'fr-CA' : 'en-CA');

  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.CourierBold),
  };
  const body: Style = { font: fonts.regular, size: 10.5, color: TEXT };
  const rows = (items: Row[]) => items.map((item) => row(fonts, item));
  const w = new Writer(doc);

  w.place([
    band(fonts, t),
    paragraph(t('ack.title'), { font: fonts.bold, size: 17, color: DARK_BLUE }, 2),
    paragraph(t('ack.subtitle'), { font: fonts.regular, size: 10.5, color: MUTED }, 8),
    paragraph(t('ack.intro'), body, 4),
  ]);

  section(w, fonts, t('ack.section.enrolment'), rows([
    { label: t('ack.number'), value: enrolment.number, font: fonts.bold, size: 12 },
    { label: t('ack.transmittedAt'), value: formatDateTime(lang, enrolment.createdAt) },
    { label: t('ack.outcome'), value: t(deferred ? 'ack.outcome.deferred' : 'ack.outcome.immediate'), font: fonts.bold },
    { label: t('ack.state'), value: t(`ack.state.${enrolment.state}`) },
  ]));

  section(w, fonts, t('ack.section.enterprise'), rows([
    { label: t('ack.legalName'), value: enterprise.legalName, font: fonts.bold },
    { label: t('ack.rqId'), value: enterprise.rqId },
    { label: t('ack.neq'), value: enterprise.neq },
    { label: t('ack.legalType'), value: t(`ack.legalType.${enrolment.legalType}`) },
  ]));

  section(w, fonts, t('ack.section.enroller'), rows([
    { label: t('ack.enrollerName'), value: `${enrolment.enrollerFirstName} ${enrolment.enrollerLastName}` },
    { label: t('ack.enrollerRole'), value: roleLabel(t, ack) },
    { label: t('ack.enrollerEmail'), value: enrolment.enrollerEmail },
  ]));

  section(w, fonts, t('ack.section.access'), [
    paragraph(t('ack.rse'), body, 6),
    ...rows([{ label: t('ack.userCode'), value: ack.userCode, font: fonts.mono, size: 15 }]),
    passwordBox(fonts, t, ack.temporaryPassword),
  ]);

  if (deferred) {
    const items = documents.map((d, index) => listItem(fonts, index + 1, { title: t(`ack.document.${d}`), text: t(`ack.document.${d}.detail`) }));
    // The list of documents is a checklist: the intro and the whole list stay together.
    const intro = paragraph(t('ack.documents.intro', { number: enrolment.number }), body, 6);
    const together: Block = {
      height: intro.height + items.reduce((sum, item) => sum + item.height, 0),
      draw(page, top) {
        let y = top;
        for (const block of [intro, ...items]) {
          block.draw(page, y);
          y -= block.height;
        }
      },
    };
    section(w, fonts, t('ack.section.documents'), [together]);
  }

  const steps = [t('ack.next.signIn', { userCode: ack.userCode }), t('ack.next.password'), t('ack.next.mfa')];
  if (deferred) steps.push(t('ack.next.documents'));
  steps.push(t(deferred ? 'ack.next.ministry.deferred' : 'ack.next.ministry'));
  section(w, fonts, t('ack.section.next'), steps.map((text, index) => listItem(fonts, index + 1, { text })));

  footers(doc, fonts, t, enrolment.number);
  return doc.save();
}
