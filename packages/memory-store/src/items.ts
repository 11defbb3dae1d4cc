/**
 * A map of stored items that never shares an object with its callers: values are copied
 * on the way in and on the way out, as a database would. Properties holding `undefined`
 * are dropped on the way in, as the DynamoDB adapter's marshalling drops them.
 */
export class Items<T> {
  private readonly map = new Map<string, T>();

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** A copy of the item, or undefined. */
  get(key: string): T | undefined {
    const value = this.map.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  /** The stored item itself, for conditions and updates inside this package only. */
  peek(key: string): T | undefined {
    return this.map.get(key);
  }

  set(key: string, value: T): void {
    this.map.set(key, stored(value));
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Copies of every item, in no particular order. */
  values(): T[] {
    return [...this.map.values()].map((value) => structuredClone(value));
  }

  /** Copies of the items whose key starts with `prefix`, in no particular order. */
  valuesUnder(prefix: string): T[] {
    return [...this.map].filter(([key]) => key.startsWith(prefix)).map(([, value]) => structuredClone(value));
  }
}

/** A deep copy without `undefined` members (kept in arrays, where they become null in JSON). */
function stored<T>(value: T): T {
  return withoutUndefined(structuredClone(value));
}

function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    value.forEach(withoutUndefined);
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, member] of Object.entries(value)) {
      if (member === undefined) delete (value as Record<string, unknown>)[name];
      else withoutUndefined(member);
    }
  }
  return value;
}
