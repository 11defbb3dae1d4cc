import { z } from 'zod';

/** Institution ids are slugs: they appear in URLs, DIDs and table keys. */
export const institutionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a slug: 2-40 lowercase letters, digits or hyphens, not starting with a hyphen')
  .meta({ example: 'uni-leiden' });

export const httpUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

/** An ISO 8601 timestamp with a time zone. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** Query parameters of every list route. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size, 1-100.' }),
  cursor: z.string().max(2048).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
});

/** The shape of every list answer. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
  });
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
