/**
 * An XML Schema dateTimeStamp in UTC without milliseconds, as VC `validFrom`/`validUntil`
 * are usually written.
 * @example dateTime(new Date(0)) // '1970-01-01T00:00:00Z'
 */
export function dateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date-time: ${String(value)}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
