/**
 * The shape of a message catalogue: each key a text with `{name}` placeholders, or, where a
 * number decides the wording, one text per plural category of the language (the categories
 * `Intl.PluralRules` answers: `one` and `other` for English and German; `other` is always
 * required, as every language has it). A plural message gets its number as `{count}`.
 */
export type PluralMessage = { other: string } & Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>>;
export type Message = string | PluralMessage;

/** The placeholder names of one text: `'{n} of {total}'` -> `'n' | 'total'`. */
export type PlaceholdersOfText<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | PlaceholdersOfText<Rest> : never;

/** The placeholder names of a message; a plural message always takes `count`. */
export type PlaceholdersOf<M> = M extends string ? PlaceholdersOfText<M> : M extends PluralMessage ? 'count' | PlaceholdersOfText<M[keyof M] & string> : never;

/** The placeholder names of a text or plural message, read at run time (for the completeness test). */
export function placeholderNames(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  const names = new Set<string>(typeof message === 'string' ? [] : ['count']);
  for (const text of texts) for (const match of text!.matchAll(/\{(\w+)\}/g)) names.add(match[1]!);
  return [...names].sort();
}
