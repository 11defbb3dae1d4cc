import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,functions,infra,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // the AWS SDK is pinned to a release that supports Node 20 (see README); its reminder is noise here
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
