import type { TextDetector } from '../detector';

/**
 * Descriptions far longer than a description needs, and text pushed out of view. A tool's purpose
 * fits in a paragraph; pages of text give room to hide instructions where no person reads, and a
 * long run of blank lines or spaces pushes the rest below what a client's tool list shows.
 *
 * Tuned against real servers: Firecrawl documents its tools at length (up to ~7,000 characters with
 * worked JSON examples) and Context7 and sequential-thinking at ~2,000–2,800, so the default bar is
 * 4,000 characters for low and four times that (16,000) for medium; padding is 200+ blank characters
 * or 20+ blank lines in a row, which no real server in the corpus comes near.
 */
const PADDING = /[ \t\u00a0\u2000-\u200a\u3000]{200,}|(?:[ \t]{0,40}\r?\n){20,}/g;

export const descriptionTooLong: TextDetector = ({ item, server }, emit) => {
  if (!item.descriptive) return;
  const text = item.text;
  const length = text.length;
  const limit = server.longDescription;
  if (length >= limit) {
    const severity = length >= limit * 4 ? 'medium' : 'low';
    emit({
      ruleId: 'tool-description-too-long',
      severity,
      start: Math.min(length, limit),
      end: Math.min(length, limit + 80),
      original: true,
      message: `${length.toLocaleString('en-US')} characters (the check reports from ${limit.toLocaleString('en-US')}): room for instructions no person reads. The quote is where the first ${limit.toLocaleString('en-US')} end.`,
    });
  }
  PADDING.lastIndex = 0;
  const m = PADDING.exec(text);
  if (m !== null) {
    const resumes = m.index + m[0].length;
    emit({
      ruleId: 'tool-description-too-long',
      severity: 'medium',
      start: resumes,
      end: Math.min(length, resumes + 120),
      original: true,
      message: `${m[0].length} blank characters in a row at offset ${m.index}: the text after them is pushed out of view. The quote is where it resumes.`,
    });
  }
};
