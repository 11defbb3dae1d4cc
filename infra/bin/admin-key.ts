/**
 * `pnpm admin-key --table <TableName> [--region <region>] [--operator <name>]`
 *
 * Makes a consortium admin key in a deployed exchange, with the AWS credentials of the
 * shell (the deployer's), and prints it once: only its hash is stored. `TableName` is an
 * output of the stack (`cdk deploy` prints it).
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { deployedStore, issueAdminKey } from '../src/admin-key.js';

// the AWS SDK is pinned to a release that supports Node 20; its reminder to move to Node 22 is noise here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: pnpm admin-key --table <TableName> [--region <region>] [--operator <name>]';

let args;
try {
  args = parseArgs({
    options: { table: { type: 'string' }, region: { type: 'string' }, operator: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args.table) {
  console.error(`--table is required\n${USAGE}`);
  process.exit(2);
}

try {
  const store = await deployedStore({ table: args.table, region: args.region });
  const { keyId, apiKey } = await issueAdminKey(store, { operator: args.operator ?? userInfo().username });
  console.log(`Admin key ${keyId} created in ${args.table}. It is shown only this once; store it now:\n\n${apiKey}\n`);
} catch (error) {
  console.error(`could not create an admin key: ${(error as Error).message}`);
  process.exit(1);
}
