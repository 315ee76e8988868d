import { client } from '../api.js';
import { linkTo } from '../router.js';
import { useLoad } from '../use-call.js';
import { Status } from './status.js';

const ruleText = (rule: string | null) => (rule === null ? 'administrators only' : rule === '' ? 'anyone' : rule);

/** Every collection, its fields and its list rule; each opens its records. */
export function Collections() {
  const { loaded } = useLoad(() => client.admin.collections(), []);
  return (
    <main aria-labelledby="collections-title">
      <h1 id="collections-title">Collections</h1>
      <Status loaded={loaded} />
      {loaded.status === 'ready' && loaded.data.length === 0 ? <p>No collections yet.</p> : null}
      {loaded.status === 'ready' && loaded.data.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fields</th>
                <th scope="col">List rule</th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((collection) => (
                <tr key={collection.name}>
                  <td>
                    <a {...linkTo(`collections/${collection.name}`)}>{collection.name}</a>
                  </td>
                  <td>{collection.fields.map((field) => `${field.name} (${field.type})`).join(', ')}</td>
                  <td>
                    <code>{ruleText(collection.rules.list)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </main>
  );
}
