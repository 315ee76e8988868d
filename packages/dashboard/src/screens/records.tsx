import { Filter } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { linkTo } from '../router.js';
import { useLoad } from '../use-call.js';
import { Pager } from './pager.js';
import { RecordEditor } from './record-editor.js';
import { filesIn } from './record-values.js';
import { Status } from './status.js';

const PER_PAGE = 20;

/** A value as text: strings as they are, everything else as JSON. Never markup. */
const asText = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

interface Query {
  filter: string;
  sort: string;
  page: number;
}

/**
 * One collection's records: a filter in the server's own syntax, sort by any column, paging;
 * a record opens in the editor (fields, files, delete), and new ones are made there too.
 */
export function Records({ name }: { name: string }) {
  const definition = useLoad(() => client.admin.collection(name), [name]);
  const [query, setQuery] = useState<Query>({ filter: '', sort: '-created', page: 1 });
  const [draft, setDraft] = useState('');
  // The record in the editor: null for a new one, undefined when the editor is closed.
  const [editing, setEditing] = useState<(Record<string, unknown> & { id: string }) | null | undefined>(undefined);
  const records = useLoad(
    () =>
      client.collection(name).list({
        ...(query.filter.trim() ? { filter: new Filter(query.filter) } : {}),
        sort: query.sort,
        page: query.page,
        perPage: PER_PAGE,
      }),
    [name, query],
  );
  const fields = definition.loaded.status === 'ready' ? definition.loaded.data.fields.map((field) => field.name) : [];
  const columns = ['id', ...fields, 'created', 'updated'];
  const fileFields = new Set(
    definition.loaded.status === 'ready'
      ? definition.loaded.data.fields.filter((field) => field.type === 'file').map((field) => field.name)
      : [],
  );
  // A file field's cell names its files; every other value is text.
  const cell = (column: string, value: unknown) =>
    fileFields.has(column)
      ? filesIn(value)
          .map((file) => file.name)
          .join(', ')
      : asText(value);

  const applyFilter = (event: Event) => {
    event.preventDefault();
    setQuery({ ...query, filter: draft, page: 1 });
  };
  const sortKey = query.sort.replace(/^-/, '');
  const descending = query.sort.startsWith('-');

  return (
    <main aria-labelledby="records-title">
      <p>
        <a {...linkTo('')}>Collections</a> /
      </p>
      <h1 id="records-title">{name}</h1>
      <Status loaded={definition.loaded} />
      {definition.loaded.status === 'ready' && editing !== undefined ? (
        <RecordEditor
          key={editing?.id ?? 'new'}
          collection={definition.loaded.data}
          record={editing}
          onChanged={records.reload}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
      <form class="toolbar" onSubmit={applyFilter}>
        <label>
          Filter
          <input
            name="filter"
            placeholder={'title ~ "draft" && created > "2026-01-01"'}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Apply</button>
        <label>
          Sort by
          <select
            name="sort"
            value={sortKey}
            onChange={(e) => setQuery({ ...query, sort: (descending ? '-' : '') + e.currentTarget.value, page: 1 })}
          >
            {columns.map((column) => (
              <option key={column} value={column}>
                {column}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select
            name="order"
            value={descending ? 'desc' : 'asc'}
            onChange={(e) =>
              setQuery({ ...query, sort: (e.currentTarget.value === 'desc' ? '-' : '') + sortKey, page: 1 })
            }
          >
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => setEditing(null)}>
          New record
        </button>
      </form>
      <Status loaded={records.loaded} />
      {records.loaded.status === 'ready' ? (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {records.loaded.data.items.map((record) => (
                  <tr key={String(record.id)}>
                    {columns.map((column) =>
                      column === 'id' ? (
                        <td key={column}>
                          <button type="button" class="link" onClick={() => setEditing(record)}>
                            {record.id}
                          </button>
                        </td>
                      ) : (
                        <td key={column}>{cell(column, record[column])}</td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={records.loaded.data.page}
            totalPages={records.loaded.data.totalPages}
            totalItems={records.loaded.data.totalItems}
            go={(page) => setQuery({ ...query, page })}
          />
        </>
      ) : null}
    </main>
  );
}
