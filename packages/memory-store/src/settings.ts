import type { SettingsRepository } from '@cx/domain';
import { Items } from './items.js';

export class MemorySettings implements SettingsRepository {
  private readonly items = new Items<{ value: unknown }>();

  async get<T>(name: string): Promise<T | undefined> {
    return this.items.get(name)?.value as T | undefined;
  }

  async setOnce(name: string, value: unknown): Promise<boolean> {
    if (this.items.has(name)) return false;
    this.items.set(name, { value });
    return true;
  }
}
