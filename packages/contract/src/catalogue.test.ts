/**
 * The catalogue contract as partners read it in the OpenAPI document: `translations` on every
 * kind, keyed by language, with an example, and the `q` filter saying it searches every language.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { catalogueRoutes } from './catalogue.js';

function openApiDocument() {
  const app = new OpenAPIHono();
  for (const kind of [catalogueRoutes.component, catalogueRoutes.microDegree, catalogueRoutes.badge]) {
    for (const route of [kind.put, kind.get, kind.getVersion, kind.withdraw]) app.openapi(route, (c) => c.json({} as never, 200));
  }
  app.openapi(catalogueRoutes.searchComponents, (c) => c.json({} as never, 200));
  return app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'test', version: '1' } });
}

describe('the catalogue contract', () => {
  const doc = openApiDocument();
  const schemas = doc.components!.schemas as Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }>;

  it.each(['ComponentBody', 'MicroDegreeBody', 'Component', 'MicroDegree'])('%s has optional translations of EntryTranslation, keyed by two-letter codes, with an example', (name) => {
    const translations = schemas[name]!.properties!.translations!;
    expect(translations).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/EntryTranslation' },
      propertyNames: { pattern: '^[a-z]{2}$' },
      maxProperties: 24,
      example: { de: { title: expect.any(String) } },
    });
    expect(schemas[name]!.required ?? []).not.toContain('translations');
  });

  it('has badge translations of their own fields', () => {
    expect(schemas.BadgeBody!.properties!.translations).toMatchObject({ additionalProperties: { $ref: '#/components/schemas/BadgeTranslation' } });
    expect(Object.keys(schemas.BadgeTranslation!.properties!)).toEqual(['name', 'description', 'criteria']);
    expect(schemas.BadgeTranslation!.required).toEqual(['name']);
    expect(schemas.EntryTranslation!.required).toEqual(['title']);
  });

  it('says q searches every language of an entry', () => {
    const parameters = (doc.paths?.['/v1/components']?.get?.parameters ?? []) as Array<{ name: string; description?: string }>;
    expect(parameters.find((p) => p.name === 'q')?.description).toContain('translations');
  });
});
