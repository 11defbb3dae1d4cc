/**
 * `@cx/memory-store`: the persistence port (`Persistence` of `@cx/domain`) kept in memory,
 * for unit tests of core's services: no DynamoDB Local, no AWS SDK, a fresh empty store per
 * `new MemoryPersistence()`. Never for production: nothing outlives the process, and it
 * holds every item in one heap.
 *
 * It behaves as the DynamoDB adapter in packages/store does (conditions, all-or-nothing
 * commits, orders, cursors, copies), and the contract suite in `@cx/memory-store/contract`
 * keeps it honest: the same tests run against both (memory-persistence.test.ts here,
 * packages/store/src/persistence.int.test.ts on DynamoDB Local), so they cannot drift.
 */
export { MemoryPersistence } from './memory-persistence.js';
