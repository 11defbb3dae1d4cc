/**
 * `pnpm cx <command>`: the exchange's command line for consortium admins and university staff.
 * Settings come from CX_URL, CX_API_KEY and CX_INSTITUTION; `cx --help` lists the commands.
 */
import { nodeIo, run } from './index.js';

process.exitCode = await run(process.argv.slice(2), nodeIo());
