/** The persistence contract on MemoryPersistence: no engine, a fresh store per test. */
import { describePersistenceContract } from './contract.js';
import { MemoryPersistence } from './memory-persistence.js';

describePersistenceContract('MemoryPersistence', async () => ({ persistence: new MemoryPersistence() }));
