import { listConfigLeaves } from '../../config/index.js';

/** One Markdown table; cells have `|` escaped and line breaks folded, so a value cannot break a row. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const cell = (text: string) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** The opening lines of every generated security document: its title and where it comes from. */
export function header(title: string, sources: string): string[] {
  return [`# ${title}`, '', `Generated from ${sources} by \`npm run docs\`; do not edit by hand.`, ''];
}

/** A configuration key's default as the schema declares it, so documents quote the code's numbers. */
export function configDefault(path: string): unknown {
  const leaf = listConfigLeaves().find((candidate) => candidate.path === path);
  if (!leaf) throw new Error(`no configuration key ${path}`);
  return leaf.schema.default;
}

/** `code` in backticks. */
export const code = (text: string | number): string => `\`${String(text)}\``;
