import type { SecuritySummary } from '@bulwark/client';
import { client } from '../api.js';
import { localTime } from '../local-time.js';
import { linkTo } from '../router.js';
import { useLoad } from '../use-call.js';
import { Status } from './status.js';

type Finding = SecuritySummary['findings'][number];

const SEVERITY_LABEL: Record<Finding['severity'], string> = { high: 'High', medium: 'Medium', low: 'Low' };

/** Every finding the server reports, most severe first, each with its fix: nothing folded away. */
function Findings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <p>No findings: every configuration and deployment check passes.</p>;
  return (
    <ul class="findings">
      {findings.map((finding) => (
        <li key={finding.id} class={`finding ${finding.severity}`}>
          <p>
            <strong class="severity">{SEVERITY_LABEL[finding.severity]}</strong> {finding.message}{' '}
            <code>{finding.id}</code>
          </p>
          <p>Fix: {finding.fix}</p>
        </li>
      ))}
    </ul>
  );
}

function Counts({ caption, rows }: { caption: string; rows: SecuritySummary['events'] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Entries</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name}>
              <td>
                <code>{row.name}</code>
              </td>
              <td>{row.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The configuration findings in force and what the audit log saw in the last 24 hours. */
export function Security() {
  const { loaded } = useLoad(() => client.operations.securitySummary(), []);
  return (
    <main aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      <Status loaded={loaded} />
      {loaded.status === 'ready' ? (
        <>
          <section aria-labelledby="findings-title">
            <h2 id="findings-title">Findings ({loaded.data.findings.length})</h2>
            <p>
              The checks of <code>bulwark audit</code> on this server's configuration and files, as they stand now.
            </p>
            <Findings findings={loaded.data.findings} />
          </section>
          <section aria-labelledby="activity-title">
            <h2 id="activity-title">Last 24 hours</h2>
            <p>
              {loaded.data.total} audit entries from {localTime(loaded.data.from)} to {localTime(loaded.data.to)}.{' '}
              <a {...linkTo('audit')}>Search the audit log</a>
            </p>
            {loaded.data.total > 0 ? (
              <div class="counts">
                <Counts caption="By family" rows={loaded.data.families} />
                <Counts caption="By event type" rows={loaded.data.events} />
              </div>
            ) : null}
          </section>
        </>
      ) : null}
    </main>
  );
}

/** A line on the landing screen: how many findings of each severity, linking to the full list. */
export function SecurityPanel() {
  const { loaded } = useLoad(() => client.operations.securitySummary(), []);
  if (loaded.status !== 'ready') return <Status loaded={loaded} />;
  const { findings } = loaded.data;
  const counts = (['high', 'medium', 'low'] as const)
    .map((severity) => [severity, findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  return (
    <aside class={`security-panel ${findings.some((finding) => finding.severity === 'high') ? 'high' : ''}`}>
      <p>
        <strong>Security:</strong>{' '}
        {counts.length > 0 ? `${counts.join(', ')} finding${findings.length === 1 ? '' : 's'}` : 'no findings'};{' '}
        {loaded.data.total} audit entries in the last 24 hours. <a {...linkTo('security')}>See the details</a>
      </p>
    </aside>
  );
}
