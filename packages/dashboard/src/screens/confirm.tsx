import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmSpec {
  /** The question, e.g. "Delete user a@b.c?". */
  title: string;
  /** What is lost, as plain text. */
  consequence: string;
  /** The destructive button's label, e.g. "Delete user". */
  action: string;
}

/**
 * The one confirmation of every destructive action: a native modal `<dialog>` naming what is
 * lost, Cancel focused first so Enter or Escape never destroys anything by accident.
 */
export function ConfirmDialog({ spec, done }: { spec: ConfirmSpec; done: (confirmed: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ref.current?.showModal();
    cancel.current?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-consequence"
      onCancel={(event) => {
        event.preventDefault();
        done(false);
      }}
    >
      <h2 id="confirm-title">{spec.title}</h2>
      <p id="confirm-consequence">{spec.consequence}</p>
      <div class="dialog-actions">
        <button ref={cancel} type="button" class="secondary" onClick={() => done(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => done(true)}>
          {spec.action}
        </button>
      </div>
    </dialog>
  );
}

/** `confirm(spec)` resolves true only when the operator presses the destructive button; render `dialog`. */
export function useConfirm(): { confirm: (spec: ConfirmSpec) => Promise<boolean>; dialog: preact.JSX.Element | null } {
  const [open, setOpen] = useState<{ spec: ConfirmSpec; resolve: (confirmed: boolean) => void } | null>(null);
  const confirm = useCallback(
    (spec: ConfirmSpec) =>
      new Promise<boolean>((resolve) => {
        setOpen({ spec, resolve });
      }),
    [],
  );
  const dialog = open ? (
    <ConfirmDialog
      spec={open.spec}
      done={(confirmed) => {
        setOpen(null);
        open.resolve(confirmed);
      }}
    />
  ) : null;
  return { confirm, dialog };
}
