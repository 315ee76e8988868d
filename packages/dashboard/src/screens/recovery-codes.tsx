/** New recovery codes, shown once: kept on screen until the operator says they are saved. */
export function RecoveryCodes({ codes, saved }: { codes: string[]; saved: () => void }) {
  return (
    <section class="card" aria-labelledby="new-codes-title">
      <h3 id="new-codes-title">Your new recovery codes</h3>
      <p>
        Each signs you in once if you lose your other factors. They are shown only now; the old ones no longer work.
      </p>
      <ul class="codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={saved}>
        I have saved them
      </button>
    </section>
  );
}
