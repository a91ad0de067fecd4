/**
 * The one CJK font every report picture and PDF uses, resolved from an npm package so `npm ci` is all a
 * machine needs (no system fonts, no download at run time).
 *
 * `@embedpdf/fonts-sc` ships Noto Sans Hans (Noto Sans CJK SC under an early name, OFL-1.1) cut to GB2312 as
 * plain OpenType files: every Chinese character of everyday text, and every place name of the city table
 * (tests/reports/fonts.test.ts checks them). Both consumers read the file itself: resvg draws the charts' labels
 * with it and pdfkit embeds a subset of it in the PDF.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The family name inside the font files (name table): the charts' SVG asks for it, resvg finds it among the loaded files. */
export const CJK_FONT_FAMILY = 'Noto Sans S Chinese';

const packageDir = join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..');
const fontFile = (name: string) => {
  const path = join(packageDir, 'fonts', name);
  // A missing file would otherwise surface as boxes instead of characters in every picture: fail loudly instead.
  if (!existsSync(path)) throw new Error(`CJK font ${path} is missing: run npm ci (package @embedpdf/fonts-sc)`);
  return path;
};

export const CJK_FONT = {
  family: CJK_FONT_FAMILY,
  regular: fontFile('NotoSansHans-Regular.otf'),
  bold: fontFile('NotoSansHans-Bold.otf'),
} as const;
