import { renderAuthenticationPathways } from './authentication-pathways.js';
import { renderBannedWords } from './banned-words-doc.js';
import { renderCommunicationMap } from './communication-map.js';
import { renderCryptoInventory } from './crypto-inventory.js';
import { renderDataClassification } from './data-classification.js';
import { type PackageFacts, renderDependencyPolicy } from './dependency-policy.js';
import { renderLoggingInventory } from './logging-inventory.js';

export { authPathways } from './authentication-pathways.js';
export { DEPENDENCY_POLICY_FILES, type PackageFacts } from './dependency-policy.js';

/** What the documents read besides the code: the README's Connections table and package.json. */
export interface SecurityDocInputs {
  readme: string;
  packageJson: PackageFacts;
}

/**
 * Every generated document under docs/security/, by path from the repository root. `npm run
 * docs` writes them; test/security-docs.test.ts fails when a committed file differs, so code
 * that changes what a document says cannot be merged without regenerating it.
 */
export function renderSecurityDocs(inputs: SecurityDocInputs): Record<string, string> {
  return {
    'docs/security/crypto-inventory.md': renderCryptoInventory(),
    'docs/security/data-classification.md': renderDataClassification(),
    'docs/security/communication-map.md': renderCommunicationMap(inputs.readme),
    'docs/security/logging-inventory.md': renderLoggingInventory(),
    'docs/security/authentication-pathways.md': renderAuthenticationPathways(),
    'docs/security/dependency-update-policy.md': renderDependencyPolicy(inputs.packageJson),
    'docs/security/banned-password-words.md': renderBannedWords(),
  };
}
