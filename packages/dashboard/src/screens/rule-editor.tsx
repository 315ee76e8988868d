import type { CollectionInfo } from '@bulwark/client';
import { checkCollectionRule, type RuleProblem } from '@bulwark/rule-check';

/** Who a rule lets in: `null` administrators only, `""` anyone, otherwise an expression. */
type Rule = string | null;

interface Props {
  action: 'list' | 'view' | 'create' | 'update' | 'delete';
  value: Rule;
  onChange: (rule: Rule) => void;
  /** The collection as it stands in the form, and every saved one (for relation paths). */
  draft: CollectionInfo;
  all: readonly CollectionInfo[];
  /** What the server answered for this rule at the last save, if it refused it. */
  refusal: string | undefined;
}

/** Line and column (1-based) of a 0-based position in `text`. */
function lineAndColumn(text: string, position: number): { line: number; column: number; lineText: string } {
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = (before[line - 1] ?? '').length + 1;
  return { line, column, lineText: text.split('\n')[line - 1] ?? '' };
}

/**
 * One of a collection's five rules. As the operator types, the rule is checked by the server's own
 * code (`@bulwark/rule-check`, the check saving runs) against the fields in the form: its message
 * with a caret under the position, or "valid". The server checks again on save.
 */
export function RuleEditor({ action, value, onChange, draft, all, refusal }: Props) {
  const id = `rule-${action}`;
  const mode = value === null ? 'admins' : value === '' ? 'anyone' : 'expression';
  const problem = value ? checkCollectionRule(value, draft, all) : null;
  return (
    <fieldset class="rule">
      <legend>{action} rule</legend>
      <label>
        Who may {action}
        <select
          value={mode}
          onChange={(event) => {
            const chosen = event.currentTarget.value;
            onChange(chosen === 'admins' ? null : chosen === 'anyone' ? '' : '@request.auth.id != ""');
          }}
        >
          <option value="admins">Administrators only</option>
          <option value="anyone">Anyone, signed in or not</option>
          <option value="expression">Those the expression admits</option>
        </select>
      </label>
      {mode === 'expression' ? (
        <>
          <label for={id}>{action} expression</label>
          <textarea
            id={id}
            class="rule-text"
            rows={2}
            spellcheck={false}
            aria-describedby={`${id}-check`}
            aria-invalid={problem ? 'true' : 'false'}
            value={value ?? ''}
            onInput={(event) => onChange(event.currentTarget.value)}
          />
          <RuleCheck id={`${id}-check`} text={value ?? ''} problem={problem} />
        </>
      ) : null}
      {refusal ? (
        <p class="error" data-testid={`${id}-server`}>
          The server refused this rule at the last save: {refusal}
        </p>
      ) : null}
    </fieldset>
  );
}

function RuleCheck({ id, text, problem }: { id: string; text: string; problem: RuleProblem | null }) {
  if (!problem) {
    return (
      <p id={id} class="rule-valid" data-testid={id}>
        valid
      </p>
    );
  }
  const at = problem.position === undefined ? undefined : lineAndColumn(text, problem.position);
  return (
    <div id={id} class="rule-problem" data-testid={id}>
      <p class="error">
        {at ? `Line ${at.line}, column ${at.column}: ` : ''}
        <span data-testid={`${id}-message`}>{problem.message}</span>
      </p>
      {at ? (
        <pre class="caret" aria-hidden="true">
          {`${at.lineText}\n${' '.repeat(at.column - 1)}^`}
        </pre>
      ) : null}
    </div>
  );
}
