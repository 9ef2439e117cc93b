/** What stands in for the API key wherever it would otherwise appear. */
export const REDACTED = '[redacted]';

/**
 * Removes a secret from a string, a JSON-like value (an error body) or a `Headers`, so that no error
 * message, `toString()` or inspected error can carry the API key, even when a server echoes it back
 * (some answer 401 with "Incorrect API key provided: <key>"). Secrets shorter than 8 characters are not
 * real keys (a test's `'k'`) and are left alone, or every `k` of a stack trace would be replaced.
 */
export function redact<T>(value: T, secret: string | null | undefined): T {
  if (!secret || secret.length < 8) return value;
  if (typeof value === 'string') return value.replaceAll(secret, REDACTED) as T;
  if (value instanceof Headers) {
    const clean = new Headers();
    for (const [name, v] of value) clean.append(name, v.replaceAll(secret, REDACTED));
    return clean as T;
  }
  if (typeof value !== 'object' || value === null) return value;
  // Round-trip through JSON: the body came from JSON, and the secret is replaced in its escaped form.
  return JSON.parse(JSON.stringify(value).replaceAll(JSON.stringify(secret).slice(1, -1), REDACTED));
}
