/** Previous and next page, and where the list stands; the count is a live status for screen readers. */
export function Pager(props: { page: number; totalPages: number; totalItems: number; go: (page: number) => void }) {
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
