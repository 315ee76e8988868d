import { SingleBar } from 'cli-progress';

/** Progress of one long command step (`backup`, `restore`, `keys rotate`). */
export interface Progress {
  /** Sets how much there is to do, when it becomes known (bytes, records, …). */
  setTotal: (total: number) => void;
  /** Adds to what is done. */
  advance: (amount: number) => void;
  /** Ends the bar (leaves the last state on the terminal). Safe to call twice. */
  stop: () => void;
}

const SILENT: Progress = { setTotal: () => {}, advance: () => {}, stop: () => {} };

/**
 * A progress bar on standard error when it is a terminal, nothing when piped: the contract's
 * "every long command shows progress on a terminal and stays quiet when piped". Drawn by
 * cli-progress; the bar never goes to standard output, which belongs to the command's result.
 */
export function startProgress(label: string, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return SILENT;
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% {value}/{total} ${unit}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
  });
  let stopped = false;
  bar.start(0, 0);
  return {
    setTotal: (total) => bar.setTotal(total),
    advance: (amount) => bar.increment(amount),
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
