import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app/create-app.js';
import { loadConfig } from '../src/config/index.js';

/**
 * Peak resident memory of `bulwark backup` and `bulwark restore` (the built binary) on a
 * SQLite installation holding 5 MB and then 50 MB of stored files: with the sealed stream
 * and tar entries streamed chunk by chunk, both should stay flat as the data grows tenfold.
 * Prints a table and the ratio; asserts nothing.
 *
 *   npm run build && node --import tsx bench/backup-memory.ts
 */
const SIZES_MB = (process.env.BENCH_SIZES_MB ?? '5,50').split(',').map(Number);
const FILE_MB = 1;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Prints the child's peak RSS (KiB) as it exits: the whole run's high-water mark, by the kernel's count. */
const REPORT_MAXRSS =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';

async function initInstallation(dataDir: string): Promise<void> {
  const config = loadConfig({ env: { BULWARK_DATA_DIR: dataDir, BULWARK_LOG_LEVEL: 'silent' }, cwd: dataDir });
  const app = await createApp({ config });
  await app.stop('bench set-up');
}

function run(args: string[]): Promise<{ maxRssKiB: number; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', REPORT_MAXRSS, 'dist/main.js', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => {
      const match = /maxrss (\d+)/.exec(stderr);
      if (code !== 0 || !match) return reject(new Error(`bulwark ${args[0]} failed (${code}): ${stderr}`));
      resolve({ maxRssKiB: Number(match[1]), seconds: (performance.now() - started) / 1000 });
    });
  });
}

async function measure(sizeMb: number) {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-bench-backup-'));
  try {
    const dataDir = join(root, 'data');
    await initInstallation(dataDir);
    const folder = join(dataDir, 'files', 'bench');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (let i = 0; i < sizeMb / FILE_MB; i++) writeFileSync(join(folder, `f${i}`), randomBytes(FILE_MB * 1_048_576));
    const file = join(root, 'bench.bwb');
    const backup = await run(['backup', file, '--data', dataDir]);
    const target = join(root, 'restored');
    mkdirSync(target, { mode: 0o700 });
    copyFileSync(join(dataDir, 'master.key'), join(target, 'master.key'));
    const restore = await run(['restore', file, '--data', target]);
    return { sizeMb, fileMb: statSync(file).size / 1_048_576, backup, restore };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const rows = [];
for (const size of SIZES_MB) rows.push(await measure(size));
const mib = (kib: number) => (kib / 1024).toFixed(1);
console.log('files MB | backup file MB | backup peak RSS MiB | backup s | restore peak RSS MiB | restore s');
for (const row of rows) {
  console.log(
    `${row.sizeMb} | ${row.fileMb.toFixed(1)} | ${mib(row.backup.maxRssKiB)} | ${row.backup.seconds.toFixed(2)} | ${mib(row.restore.maxRssKiB)} | ${row.restore.seconds.toFixed(2)}`,
  );
}
const [small, large] = [rows[0], rows[rows.length - 1]];
if (small && large && small !== large) {
  console.log(
    `peak RSS ratio ${large.sizeMb} MB / ${small.sizeMb} MB: backup ${(large.backup.maxRssKiB / small.backup.maxRssKiB).toFixed(2)}, restore ${(large.restore.maxRssKiB / small.restore.maxRssKiB).toFixed(2)}`,
  );
}
