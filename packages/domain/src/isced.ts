/** ISCED-F 2013 fields of education: 2-digit broad, 3-digit narrow and 4-digit detailed codes. */
import isced from '../data/isced-f-2013.json' with { type: 'json' };

type Field = { code: string; name: string };
const all = [...isced.broad, ...isced.narrow, ...isced.detailed] as Field[];
const names = new Map(all.map((f) => [f.code, f.name]));

/** A detailed (4-digit) field, the level catalogue entries are coded at. */
export function isDetailedIscedField(code: string): boolean {
  return /^\d{4}$/.test(code) && names.has(code);
}

/** A broad, narrow or detailed field, as search filters accept. */
export function isIscedField(code: string): boolean {
  return /^\d{2,4}$/.test(code) && names.has(code);
}

export function iscedFieldName(code: string): string | undefined {
  return names.get(code);
}
