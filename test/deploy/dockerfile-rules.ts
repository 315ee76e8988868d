/**
 * The rules Bulwark's Dockerfile and .dockerignore keep (issue 22 item 1), as a checker over
 * their text: the test feeds it the real files, and broken copies of them to prove that each
 * rule can fail. Returns the ids of the rules broken, with a line each saying where.
 */

interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line of the instruction's first line. */
  line: number;
}

interface Violation {
  rule: DockerRule;
  detail: string;
}

export type DockerRule =
  | 'multi-stage'
  | 'base-pinned'
  | 'non-root-user'
  | 'secret-in-arg-or-env'
  | 'secret-copied'
  | 'compiler-in-final-stage'
  | 'healthcheck'
  | 'dockerignore';

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** Names that say "this holds a secret": a build argument or image variable must not. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|MASTER_KEY|PRIVATE_KEY|API_KEY|CREDENTIAL|_KEY$)/i;
/** Values that look like one: a URL with a password, a PEM block, 32+ characters of key material. */
const SECRET_VALUE = /(:\/\/[^/\s:@]+:[^@\s]+@|-----BEGIN|[A-Za-z0-9+_-]{32,})/;
/** Sources no COPY or ADD may take: environment files, data folders, keys and certificates' keys. */
const SECRET_SOURCE = /(^|\/)(\.env(\..*)?|bulwark_data|data|master\.key|[^/\s]*\.(key|pem|p12|pfx))(\/|$)/;
/** Toolchains and package managers that have no place in the image that runs. */
const TOOLCHAIN = /\b(apt-get|apt|apk|dnf|yum|gcc|g\+\+|clang|make|python3?|build-essential|node-gyp)\b/;
/** What .dockerignore must keep out of the build context. */
const REQUIRED_IGNORES = ['.git', 'node_modules', 'bulwark_data', '**/.env', '**/*.key', '**/*.pem'] as const;

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: Instruction | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending) pending.args = `${pending.args} ${body}`.trim();
    else {
      const [keyword = '', ...rest] = body.split(/\s+/);
      pending = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: index + 1 };
    }
    if (!continued) {
      instructions.push(pending);
      pending = null;
    }
  });
  return instructions;
}

/** The instructions of each stage, from its FROM to the next. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** FROM's image, without `--platform=…` and `AS name`. */
function fromImage(from: Instruction): string {
  return from.args.split(/\s+/).filter((word) => !word.startsWith('--'))[0] ?? '';
}

function stageName(from: Instruction): string | undefined {
  return /\sAS\s+(\S+)$/i.exec(` ${from.args}`)?.[1]?.toLowerCase();
}

/** Every rule for the Dockerfile's text; an empty list when it keeps them all. */
export function checkDockerfile(text: string): Violation[] {
  const instructions = parseDockerfile(text);
  const stages = stagesOf(instructions);
  const final = stages.at(-1) ?? [];
  const violations: Violation[] = [];
  const add = (rule: DockerRule, at: Instruction | undefined, detail: string) =>
    violations.push({ rule, detail: at ? `line ${at.line}: ${detail}` : detail });

  if (stages.length < 2) add('multi-stage', undefined, 'one stage builds and runs: build tools reach the image');
  const names = new Set(stages.map((stage) => stage[0] && stageName(stage[0])).filter(Boolean));
  for (const stage of stages) {
    const from = stage[0] as Instruction;
    const image = fromImage(from);
    if (!names.has(image.toLowerCase()) && !DIGEST.test(image))
      add('base-pinned', from, `${image} is not pinned by digest`);
  }
  checkFinalStage(final, names, add);
  for (const instruction of instructions) checkSecrets(instruction, add);
  return violations;
}

type Add = (rule: DockerRule, at: Instruction | undefined, detail: string) => void;

function checkFinalStage(final: Instruction[], stageNames: Set<string | undefined>, add: Add): void {
  const from = final[0];
  if (from && stageNames.has(fromImage(from).toLowerCase())) {
    add('compiler-in-final-stage', from, 'the final stage starts from a build stage and inherits its tools');
  }
  for (const run of final.filter((i) => i.keyword === 'RUN' && TOOLCHAIN.test(i.args))) {
    add('compiler-in-final-stage', run, `the final stage installs or runs a toolchain: ${run.args}`);
  }
  const user = final.filter((i) => i.keyword === 'USER').at(-1);
  const uid = user ? /^(\d+)(:\d+)?$/.exec(user.args)?.[1] : undefined;
  if (!user || uid === undefined || Number(uid) === 0) {
    add('non-root-user', user, `the final stage must end as a numeric non-root USER (found: ${user?.args ?? 'none'})`);
  }
  const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK');
  // Exec form (`CMD ["…"]`): the shell form needs /bin/sh, which the run stage does not have.
  if (!healthcheck || !/\bCMD\s+\[/.test(healthcheck.args)) {
    add('healthcheck', healthcheck, 'the final stage needs an exec-form HEALTHCHECK CMD ["…"]');
  }
}

function checkSecrets(instruction: Instruction, add: Add): void {
  if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
    for (const [name, value] of assignments(instruction)) {
      if (SECRET_NAME.test(name) || SECRET_VALUE.test(value)) {
        add(
          'secret-in-arg-or-env',
          instruction,
          `${instruction.keyword} ${name} looks like a secret; give it at run time`,
        );
      }
    }
  }
  // Sources from the build context; a `--from=stage` copy takes what that stage made, whose own
  // context copies are checked here too.
  const isFromContext = !/(^|\s)--from=/.test(instruction.args);
  if ((instruction.keyword === 'COPY' || instruction.keyword === 'ADD') && isFromContext) {
    const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
    for (const source of words.slice(0, -1)) {
      if (SECRET_SOURCE.test(source.replace(/^\.?\//, ''))) {
        add('secret-copied', instruction, `${instruction.keyword} of ${source} puts data or a key in a layer`);
      }
    }
  }
}

/** `NAME=value` pairs of an ARG or ENV (also the legacy `ENV NAME value`). */
function assignments(instruction: Instruction): Array<[string, string]> {
  const args = instruction.args;
  if (!args.includes('=')) {
    const [name = '', ...value] = args.split(/\s+/);
    return [[name, value.join(' ')]];
  }
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|\S*))?/g)].map((m) => [
    m[1] ?? '',
    (m[2] ?? '').replace(/^"|"$/g, ''),
  ]);
}

/** .dockerignore must keep the repository, installed modules, data and keys out of the context. */
export function checkDockerignore(text: string): Violation[] {
  const patterns = new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return REQUIRED_IGNORES.filter((pattern) => !patterns.has(pattern)).map((pattern) => ({
    rule: 'dockerignore' as const,
    detail: `.dockerignore does not exclude ${pattern}`,
  }));
}
