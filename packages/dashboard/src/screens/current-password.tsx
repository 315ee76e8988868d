interface Props {
  label: string;
  value: string;
  onInput: (value: string) => void;
}

/**
 * The one field that asks for the current password (sign-in, step-up): masked, named for
 * password managers, and open to paste; nothing here blocks either.
 */
export function CurrentPassword({ label, value, onInput }: Props) {
  return (
    <label>
      {label}
      <input
        name="password"
        type="password"
        autocomplete="current-password"
        required
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  );
}
