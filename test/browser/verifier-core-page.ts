/**
 * The browser page's script for the verifier-core tests: bundled by esbuild for the browser
 * (the packages' "browser" builds, as a web wallet or VerifierPlus bundles them), it puts
 * the shared checks on the page's global object for the test to call.
 */
import { verifyWithVerifierCore } from '../interop/verifier-core-checks.js';

/** What the page offers the test. */
export interface VerifierCorePage {
  verifyWithVerifierCore: typeof verifyWithVerifierCore;
}

(globalThis as typeof globalThis & VerifierCorePage).verifyWithVerifierCore = verifyWithVerifierCore;
