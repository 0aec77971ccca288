/**
 * Structural comparison of plain JSON-like data (objects, arrays, strings, numbers, booleans,
 * null). Like JSON, object keys whose value is undefined count as absent.
 */

/** Serializes a value as JSON with object keys sorted, so equal data gives equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) =>
      item === undefined ? 'null' : stableStringify(item),
    );
    return `[${items.join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(record[key])}`);
    return `{${entries.join(',')}}`;
  }
  if (value === undefined) {
    return 'null';
  }
  return JSON.stringify(value);
}

/** Compares two values by content: key order does not matter, array order does. */
export function deepEqual(left: unknown, right: unknown): boolean {
  return stableStringify(left) === stableStringify(right);
}
