/**
 * Checks a table name given to a SQL store: it is written into statements (names cannot be parameters),
 * so only plain lower-case identifiers pass, optionally qualified by a schema.
 */
export function checkTableName(name: unknown, field: string): string {
  if (typeof name !== 'string' || !/^[a-z_][a-z0-9_]{0,39}(\.[a-z_][a-z0-9_]{0,39})?$/.test(name)) {
    throw new TypeError(
      `Invalid value for '${field}': ${JSON.stringify(name)}. Allowed: a lower-case SQL name ` +
        '(letters, digits, _; at most 40 characters), optionally qualified as schema.table.',
    );
  }
  return name;
}
