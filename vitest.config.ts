import { defineConfig } from 'vitest/config';

// the AWS SDK is pinned to a release that supports Node 20 (see README); its reminder is noise here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export default defineConfig({
  test: {
    include: ['{packages,functions,infra,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**'],
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
