/**
 * `pnpm start`: the consortium exchange on one machine.
 *
 * Settings (environment): PORT (3000), CX_HOST (127.0.0.1: this machine only; 0.0.0.0 for
 * every interface), CX_DATA_DIR (.exchange-data/, owner-only), CX_PUBLIC_URL
 * (http://localhost:$PORT), CX_ADMIN_TOKEN (an admin key of your choosing; otherwise one
 * is generated on first start and printed once), CX_SIGNER (local | kms), CX_FAULTS (make a
 * share of DynamoDB and KMS calls fail as AWS does, e.g. dynamodb=0.1,kms=0.1,seed=7; off by default),
 * CX_TLS=self-signed (serve HTTPS with a certificate made once and kept in CX_DATA_DIR/tls/) or
 * CX_TLS_CERT and CX_TLS_KEY (PEM files of your own); plain HTTP when none is set;
 * CX_MAIL_RATE (notices written to CX_DATA_DIR/outbox/ per second, 14) and CX_CLAIM_DAYS (how
 * long a claim link works, 30 days).
 */
import { describeFaults, parseFaultSpec, type FaultSpec } from '@cx/runtime/faults';
import { startLocalExchange } from './exchange.js';
import { tlsDir, tlsFromSettings } from './tls.js';

// everything the exchange and its DynamoDB Local engine write (keys, table data) is for the owner only
process.umask(0o077);

// the AWS SDK is pinned to a release that supports Node 20; its reminder to move to Node 22 is noise here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}

let faults: FaultSpec | undefined;
try {
  faults = parseFaultSpec(process.env.CX_FAULTS);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

/** A setting that must be a positive number (an integer when `integer`), or its default when unset. */
function positiveSetting(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    console.error(`${name} must be a positive ${integer ? 'whole number' : 'number'}, not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const mailRate = positiveSetting('CX_MAIL_RATE', 14, false);
const claimDays = positiveSetting('CX_CLAIM_DAYS', 30, true);

const dataDir = process.env.CX_DATA_DIR ?? '.exchange-data';
let tls: ReturnType<typeof tlsFromSettings>;
try {
  tls = tlsFromSettings(process.env, dataDir);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const exchange = await startLocalExchange({
  port,
  host: process.env.CX_HOST || undefined,
  dataDir,
  tls,
  publicUrl: process.env.CX_PUBLIC_URL,
  adminToken: process.env.CX_ADMIN_TOKEN || undefined,
  signer: process.env.CX_SIGNER === 'kms' ? 'kms' : 'local',
  consortium: process.env.CX_CONSORTIUM,
  faults,
  mailRate,
  claimDays,
});

console.log(`Consortium exchange listening on ${exchange.url}`);
console.log(`  public URL (DIDs, links): ${exchange.deps.publicUrl}`);
console.log(`  API docs:                 ${exchange.url}/docs  (OpenAPI: ${exchange.url}/openapi.json)`);
console.log(`  pages:                    ${exchange.url}/verify  ${exchange.url}/catalogue  ${exchange.url}/transfer  ${exchange.url}/my`);
console.log(`  outbox (notices, .eml):   ${exchange.outboxDir}  (nothing is sent; ${mailRate}/s, claim links work ${claimDays} days)`);
if (tls) console.log(`  HTTPS: ${process.env.CX_TLS ? `self-signed certificate in ${tlsDir(dataDir)}/cert.pem (trust it, or tell your client to)` : `certificate ${process.env.CX_TLS_CERT}`}`);
if (faults) console.log(`  FAULTS INJECTED (CX_FAULTS): ${describeFaults(faults)}`);
if (exchange.resumedBatches > 0) console.log(`  resumed ${exchange.resumedBatches} unfinished graduation run(s)`);
if (exchange.generatedAdminKey) {
  console.log(`  admin key (shown once, store it now): ${exchange.generatedAdminKey}`);
} else if (!process.env.CX_ADMIN_TOKEN) {
  console.log('  admin key: made on first start and shown then; set CX_ADMIN_TOKEN to use a key of your own');
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the exchange and DynamoDB Local`);
    exchange.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
