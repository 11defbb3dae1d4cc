import type { mergedOpenApiDocument } from '@cx/http';

/** An OpenAPI 3.1 document, as the function apps describe themselves. */
export type OpenApiDocument = ReturnType<typeof mergedOpenApiDocument>;
