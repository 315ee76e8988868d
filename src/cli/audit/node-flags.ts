import type { Severity } from '../../config/index.js';

export interface RiskyFlag {
  /** The flag as written, e.g. `--inspect=0.0.0.0:9229`. */
  flag: string;
  severity: Severity;
  why: string;
}

/**
 * Node.js flags that do not belong on a production server (https://nodejs.org/api/cli.html).
 * Matched on the flag's name; Node accepts `_` for `-` in V8 flags, so both are matched.
 */
const RISKY_FLAGS: readonly { pattern: RegExp; severity: Severity; why: string }[] = [
  {
    // The inspector runs any code it is sent, with the server's rights and secrets.
    pattern: /^--(inspect(-brk|-wait)?|debug(-brk)?)(=|$)/,
    severity: 'high',
    why: 'opens the debugger: whoever reaches its port runs any code inside the server',
  },
  {
    pattern: /^--insecure-http-parser$/,
    severity: 'high',
    why: 'accepts malformed HTTP, which opens the way to request smuggling',
  },
  {
    pattern: /^--security-revert(=|$)/,
    severity: 'high',
    why: 'reverts a Node.js security fix',
  },
  {
    pattern: /^--tls-min-v1\.[01]$/,
    severity: 'medium',
    why: 'allows TLS 1.0 or 1.1 for the server’s own connections',
  },
  {
    pattern: /^--(expose[-_]internals|allow[-_]natives[-_]syntax|expose[-_]gc|openssl-legacy-provider)$/,
    severity: 'medium',
    why: 'exposes engine internals or legacy crypto: a debugging aid, not for production',
  },
];

/** The risky flags among command-line arguments and NODE_OPTIONS, each with why it is risky. */
export function findRiskyFlags(args: readonly string[]): RiskyFlag[] {
  return args.flatMap((flag) => {
    const match = RISKY_FLAGS.find((risky) => risky.pattern.test(flag));
    return match ? [{ flag, severity: match.severity, why: match.why }] : [];
  });
}

/** NODE_OPTIONS as Node splits it: on spaces, with double quotes holding a value together. */
export function splitNodeOptions(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}
