/**
 * An instant as the operator's browser writes dates, with the zone, so nobody misreads it.
 * (Intl refuses `dateStyle` together with `timeZoneName`, hence the fields one by one.)
 */
export const localTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
