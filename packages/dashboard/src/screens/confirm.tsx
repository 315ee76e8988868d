import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmSpec {
  /** The question, naming what is destroyed: "Delete the webhook to https://…?" */
  title: string;
  /** What is lost, in words: shown as text below the title. */
  consequence: string;
  /** The destructive button's label: "Delete webhook". */
  action: string;
}

interface Props extends ConfirmSpec {
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

/**
 * The same question as a promise: `await confirm(spec)` is true only when the operator pressed
 * the destructive button. Render `dialog` somewhere in the screen.
 */
export function useConfirm(): { confirm: (spec: ConfirmSpec) => Promise<boolean>; dialog: preact.JSX.Element | null } {
  const [open, setOpen] = useState<{ spec: ConfirmSpec; resolve: (confirmed: boolean) => void } | null>(null);
  const confirm = useCallback((spec: ConfirmSpec) => new Promise<boolean>((resolve) => setOpen({ spec, resolve })), []);
  const answer = (confirmed: boolean) => {
    setOpen(null);
    open?.resolve(confirmed);
  };
  const dialog = open ? <Confirm {...open.spec} onConfirm={() => answer(true)} onCancel={() => answer(false)} /> : null;
  return { confirm, dialog };
}

/**
 * `ask`, asked once per action: `useAction` runs an action again after a step-up, and the
 * operator's answer from before it still stands, so the dialog does not open a second time.
 */
export function askOnce(ask: () => Promise<boolean>): () => Promise<boolean> {
  let confirmed = false;
  return async () => {
    confirmed ||= await ask();
    return confirmed;
  };
}
