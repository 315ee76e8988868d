import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  /** The question, naming what is affected: "Lift the ban on 203.0.113.5?" */
  title: string;
  /** What happens and what is lost, as text. */
  children: ComponentChildren;
  /** The destructive button's label, a verb: "Lift ban", "Delete user". */
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Asks before a destructive action, in a native modal `<dialog>` (focus held inside, Escape
 * cancels). Cancel takes the focus first, so a stray Enter never confirms.
 */
export function Confirm({ title, children, confirmLabel, busy = false, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    cancel.current?.focus();
    return () => element.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-consequence"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div id="confirm-consequence">{children}</div>
      <div class="actions">
        <button ref={cancel} type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
