import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  /** What is lost, as a sentence; user data stays text. */
  consequence: string;
  /** The destructive button's label, e.g. "Delete notes and its 12 records". */
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The one confirmation of a destructive action: a native modal `<dialog>` (focus stays inside,
 * Escape cancels) that names what will be lost, with Cancel focused first so Enter never destroys.
 */
export function Confirm({ title, consequence, action, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    cancel.current?.focus();
    return () => element?.close();
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
        <button type="button" class="danger" onClick={onConfirm}>
          {action}
        </button>
      </div>
    </dialog>
  );
}
