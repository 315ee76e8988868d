import type { CollectionInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { linkTo, navigate } from '../router.js';
import { useLoad } from '../use-call.js';
import { CollectionEditor } from './collection-editor.js';
import { SchemaFile } from './schema-file.js';
import { Status } from './status.js';

/**
 * The collections' definitions: `schema` lists them and creates one, `schema/<name>` edits or
 * deletes one. Every change goes through the admin collections API.
 */
export function Schema({ name }: { name: string | undefined }) {
  const { loaded, reload } = useLoad(() => client.admin.collections(), [name]);
  const [creating, setCreating] = useState(false);
  const all: CollectionInfo[] = loaded.status === 'ready' ? loaded.data : [];
  const saved = name ? all.find((collection) => collection.name === name) : undefined;
  const done = (next: string | undefined) => {
    setCreating(false);
    reload();
    navigate(next ? `schema/${next}` : 'schema');
  };
  return (
    <main aria-labelledby="schema-title">
      <p>
        <a {...linkTo('schema')}>Schema</a> /
      </p>
      <h1 id="schema-title">{name ? `Edit ${name}` : 'Schema'}</h1>
      <Status loaded={loaded} />
      {loaded.status === 'ready' && name && !saved ? <p role="alert">There is no collection {name}.</p> : null}
      {loaded.status === 'ready' && saved ? (
        <CollectionEditor key={saved.name} saved={saved} all={all} onDone={done} />
      ) : null}
      {loaded.status === 'ready' && !name ? (
        <>
          <ul class="schema-list">
            {all.map((collection) => (
              <li key={collection.name}>
                <a {...linkTo(`schema/${collection.name}`)}>Edit {collection.name}</a>{' '}
                <span>
                  ({collection.fields.length} {collection.fields.length === 1 ? 'field' : 'fields'})
                </span>
              </li>
            ))}
          </ul>
          {creating ? (
            <>
              <h2>New collection</h2>
              <CollectionEditor saved={undefined} all={all} onDone={done} />
            </>
          ) : (
            <button type="button" onClick={() => setCreating(true)}>
              New collection
            </button>
          )}
          <SchemaFile onApplied={reload} />
        </>
      ) : null}
    </main>
  );
}
