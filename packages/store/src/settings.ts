import type { SettingsRepository } from '@cx/domain';
import { entities } from './entities.js';
import type { Table } from './table.js';

/** Consortium-wide settings kept in the table (e.g. whether the first admin key was made). */
export class Settings implements SettingsRepository {
  constructor(private readonly table: Table) {}

  async get<T>(name: string): Promise<T | undefined> {
    const item = await this.table.get<{ value: T }>(entities.setting.key({ name }), true);
    return item?.value;
  }

  /** Sets a value only if it was never set: true when this call set it. */
  async setOnce(name: string, value: unknown): Promise<boolean> {
    try {
      await this.table.transact([
        {
          Put: {
            TableName: this.table.name,
            Item: { ...entities.setting.key({ name }), ...entities.setting.metadata, value },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConflictError') return false;
      throw error;
    }
  }
}
