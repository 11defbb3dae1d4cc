export { run, usage, overview, COMMANDS } from './run.js';
export { nodeIo } from './node-io.js';
export type { CliIo, CommandSpec } from './command.js';
export { CATALOGUE_COLUMNS } from './catalogue-rows.js';
export { GRADUATION_COLUMNS } from './graduation-rows.js';
