import { Filter } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { linkTo } from '../router.js';
import { useLoad } from '../use-call.js';
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

/** One collection's records: a filter in the server's own syntax, sort by any column, paging. */
export function Records({ name }: { name: string }) {
  const definition = useLoad(() => client.admin.collection(name), [name]);
  const [query, setQuery] = useState<Query>({ filter: '', sort: '-created', page: 1 });
  const [draft, setDraft] = useState('');
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
                    {columns.map((column) => (
                      <td key={column}>{asText(record[column])}</td>
                    ))}
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

function Pager(props: { page: number; totalPages: number; totalItems: number; go: (page: number) => void }) {
  const { page, totalPages, totalItems, go } = props;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
        Previous page
      </button>
      <span role="status">
        Page {page} of {Math.max(totalPages, 1)} ({totalItems} records)
      </span>
      <button type="button" disabled={page >= totalPages} onClick={() => go(page + 1)}>
        Next page
      </button>
    </nav>
  );
}
