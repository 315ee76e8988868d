import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/run-cli.js';

/** deploy/systemd/bulwark.service as shipped. */
export const UNIT_PATH = join(REPO_ROOT, 'deploy/systemd/bulwark.service');
export const unitText = (): string => readFileSync(UNIT_PATH, 'utf8');

/** Every `Key=value` of a unit file's [Service] section, a repeated key keeping each value. */
export function serviceDirectives(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1] as string;
    const equals = line.indexOf('=');
    if (header || section !== 'Service' || equals < 0) continue;
    const key = line.slice(0, equals).trim();
    directives.set(key, [...(directives.get(key) ?? []), line.slice(equals + 1).trim()]);
  }
  return directives;
}
