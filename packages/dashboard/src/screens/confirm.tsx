import { useEffect, useRef } from 'preact/hooks';

interface Props {
  /** The question, naming what is destroyed: "Delete the webhook to https://…?" */
  title: string;
  /** What is lost, in words: shown as text below the title. */
  consequence: string;
  /** The destructive button's label: "Delete webhook". */
  action: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The one confirmation of a destructive action: a native modal `<dialog>` (focus kept inside,
 * Escape cancels) with the consequence as text, Cancel focused first so Enter never destroys.
 * Rendered only while a confirmation is asked for.
 */
export function Confirm({ title, consequence, action, busy = false, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (!element.open) element.showModal();
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
      <p id="confirm-consequence">{consequence}</p>
      <div class="actions">
        <button type="button" class="secondary" ref={cancel} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          {action}
        </button>
      </div>
    </dialog>
  );
}
