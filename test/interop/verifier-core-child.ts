/**
 * verifier-core in a Node process of its own, as a Node verifier runs it: started with
 * NODE_EXTRA_CA_CERTS naming the local exchange's certificate (Node reads it only at start),
 * it reads `{ credentials, registryUrl }` as JSON on stdin and writes the outcomes as JSON.
 */
import { text } from 'node:stream/consumers';
import { verifyWithVerifierCore } from './verifier-core-checks.js';

const { credentials, registryUrl } = JSON.parse(await text(process.stdin)) as { credentials: Record<string, unknown>[]; registryUrl: string };
// stdout is the answer: the libraries' own logging goes to stderr
console.log = console.error;
process.stdout.write(JSON.stringify(await verifyWithVerifierCore(credentials, registryUrl)));
