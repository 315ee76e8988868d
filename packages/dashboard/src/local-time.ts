/** An instant as the operator's browser writes dates, with the zone, so nobody misreads it. */
export const localTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium', timeZoneName: 'short' });
