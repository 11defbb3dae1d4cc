import { defineConfig } from 'vitest/config';

// the AWS SDK is pinned to a release that supports Node 20 (see README); its reminder is noise here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SOURCES = '{packages,functions,infra,test}/**';
const EXCLUDE = ['**/node_modules/**', '**/cdk.out/**'];

/**
 * Two tiers: `unit` needs no engine (`pnpm test:unit`, fast enough for every save); `int` holds
 * every `*.int.test.ts` (adapters, API, browser and end-to-end tests) and alone starts
 * DynamoDB Local. `pnpm test` runs both and the summary reporter prints each tier's time.
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: [`${SOURCES}/*.test.ts`], exclude: [...EXCLUDE, '**/*.int.test.ts'] } },
      { extends: true, test: { name: 'int', include: [`${SOURCES}/*.int.test.ts`], exclude: EXCLUDE, globalSetup: ['test/support/global-setup.ts'] } },
    ],
  },
});
