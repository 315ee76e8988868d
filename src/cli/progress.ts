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
  // Drawn from the first setTotal on: a bar started before the total is known would show
  // 0/0 as 100%.
  let started = false;
  let stopped = false;
  const ensureStarted = (total: number) => {
    if (started) return;
    started = true;
    bar.start(total, 0);
  };
  return {
    setTotal: (total) => {
      if (stopped) return;
      if (started) bar.setTotal(total);
      else ensureStarted(total);
    },
    advance: (amount) => {
      if (stopped) return;
      ensureStarted(0);
      bar.increment(amount);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}
