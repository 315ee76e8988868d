import { type ChainHead, readCheckpoint, writeCheckpoint } from './chain-checkpoint.js';

export interface CheckpointAnchorOptions {
  path: string;
  key: Buffer;
  /** The stored hash of entry `seq`, or undefined when there is no such entry. */
  findHash: (seq: number) => Promise<string | undefined>;
  /** The last entry pruning deleted behind a signed anchor (which `log verify` checks), 0 when none. */
  findPrunedThrough: () => Promise<number>;
  now: () => number;
  /** Told once when the checkpoint stops moving, and on each failed write. */
  onProblem: (message: string) => void;
}

/**
 * Keeps the checkpoint file at the newest head this process has seen, and only ever moves it
 * forward along the chain. Before each move it checks that the entry it anchored last is still
 * there with the same hash: if it is not (entries were deleted or replaced behind the server's
 * back), gluing new entries onto the shortened chain and anchoring them would hide the cut, so
 * the anchor stops moving and the file keeps the evidence for `bulwark log verify`. An existing
 * file that does not verify is likewise left alone. Once the operator has looked into it,
 * moving the file aside lets the next start anchor afresh.
 */
export function createCheckpointAnchor(options: CheckpointAnchorOptions) {
  let anchored: ChainHead | null = null;
  let hasLoaded = false;
  let frozenReason: string | null = null;

  const freeze = (reason: string) => {
    frozenReason = reason;
    options.onProblem(`audit checkpoint ${options.path} no longer moves: ${reason}; run \`bulwark log verify\``);
  };

  async function load(): Promise<void> {
    hasLoaded = true;
    const reading = await readCheckpoint(options.path, options.key);
    if (reading.status === 'valid') anchored = reading.checkpoint;
    if (reading.status === 'invalid') freeze(`the file is invalid: ${reading.reason}`);
  }

  /** Why the last anchored entry no longer holds, or null when the chain still contains it. */
  async function checkStillAnchored(last: ChainHead, head: ChainHead): Promise<string | null> {
    if (head.seq < last.seq) return `the log ends at entry ${head.seq} but entry ${last.seq} was anchored`;
    const stored = head.seq === last.seq ? head.hash : await options.findHash(last.seq);
    // Another instance's pruning may have passed an entry this one anchored long ago.
    if (stored === undefined && last.seq <= (await options.findPrunedThrough())) return null;
    if (stored === undefined) return `anchored entry ${last.seq} is gone`;
    if (stored !== last.hash) return `anchored entry ${last.seq} was replaced`;
    return null;
  }

  return {
    /** Moves the checkpoint to `head` (the newest entry) when the chain still holds the last anchor. */
    async advance(head: ChainHead): Promise<void> {
      if (!hasLoaded) await load();
      if (frozenReason !== null) return;
      if (anchored) {
        const broken = await checkStillAnchored(anchored, head);
        if (broken) return freeze(broken);
        if (head.seq === anchored.seq) return;
      }
      try {
        await writeCheckpoint(options.path, options.key, { ...head, writtenAtMs: options.now() });
        anchored = { seq: head.seq, hash: head.hash };
      } catch (error) {
        options.onProblem(`audit checkpoint ${options.path} could not be written: ${(error as Error).message}`);
      }
    },
  };
}
