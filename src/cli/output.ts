/** Exit codes: 0 fine, 1 findings or a failed check, 2 usage or configuration error, 130 stopped by Ctrl-C. */
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT's number, as shells report a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** An error the CLI prints as one line (what is wrong and what to do) and exits with. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_USAGE) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface Output {
  isTty: boolean;
  line: (text: string) => void;
  error: (text: string) => void;
}

export const processOutput: Output = {
  isTty: Boolean(process.stdout.isTTY),
  line: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

/** A plain aligned table for terminals; machines get --json instead. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)].join('\n');
}

/** "1 session", "2 sessions", "0 entries": every count the CLI prints agrees with its noun. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
