/**
 * The one Trusted Types policy the dashboard CSP allows (`trusted-types bulwark-dashboard`, with
 * `require-trusted-types-for 'script'`). It turns nothing into HTML, script or a script URL: every
 * such sink refuses plain strings under the CSP, and this policy refuses too, so no code path —
 * ours, Preact's or a dependency's — can make user data into markup. Created first, before any
 * other module runs, so nothing else can claim the name.
 */
export const POLICY_NAME = 'bulwark-dashboard';

type PolicyFactory = {
  createPolicy(name: string, rules: Record<string, (input: string) => never>): unknown;
};

function refuse(kind: string): (input: string) => never {
  return () => {
    throw new TypeError(`The dashboard never turns text into ${kind}.`);
  };
}

export function installTrustedTypesPolicy(): void {
  const factory = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
  if (!factory) return;
  factory.createPolicy(POLICY_NAME, {
    createHTML: refuse('HTML'),
    createScript: refuse('script'),
    createScriptURL: refuse('a script URL'),
  });
}
