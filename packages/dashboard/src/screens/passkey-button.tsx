/** Whether this browser can use passkeys (WebAuthn in a secure context). */
export const passkeysSupported = () => typeof globalThis.PublicKeyCredential === 'function';

interface Props {
  label: string;
  busy: boolean;
  onClick: () => void;
}

/** A secondary button for a passkey step; absent where the browser has no WebAuthn. */
export function PasskeyButton({ label, busy, onClick }: Props) {
  if (!passkeysSupported()) return null;
  return (
    <button type="button" class="secondary" onClick={onClick} disabled={busy}>
      {label}
    </button>
  );
}
