import { describe, expect, it } from 'vitest';
import { missingFromSbom } from '../scripts/sbom-logic.js';

describe('the SBOM completeness check', () => {
  const lock = {
    '': { version: '0.1.0' },
    'node_modules/fastify': { version: '5.1.0' },
    'node_modules/@scope/pkg': { version: '1.2.3' },
    'node_modules/a/node_modules/fastify': { version: '4.0.0' },
    'node_modules/@esbuild/win32-x64': { version: '0.28.2' },
    'node_modules/local': { link: true },
    // A workspace of this repository: its folder, and the link to it.
    'packages/client': { version: '0.1.0' },
    'node_modules/@bulwark/client': { link: true },
  };
  const installed = (path: string) => path !== 'node_modules/@esbuild/win32-x64';

  it('passes when every installed package is listed with its exact version', () => {
    const components = [
      { name: 'fastify', version: '5.1.0' },
      { name: 'fastify', version: '4.0.0' },
      { group: '@scope', name: 'pkg', version: '1.2.3' },
    ];
    expect(missingFromSbom(lock, components, installed)).toEqual([]);
  });

  it('names an installed package that is missing, or listed at another version', () => {
    const components = [
      { name: 'fastify', version: '5.1.0' },
      { group: '@scope', name: 'pkg', version: '9.9.9' },
    ];
    expect(missingFromSbom(lock, components, installed)).toEqual(['@scope/pkg@1.2.3', 'fastify@4.0.0']);
  });
});
