// The key in the spellings issue 19 found past the redactor: JSON `\u` escapes (wholly or in part),
// percent-encoding (wholly, or `%2D` for `-`), base64 (standard and URL-safe, in each alignment) of the key
// or of text holding it (`Bearer <key>`, `user:<key>`), in strings, errors and parsed bodies.
import { describe, expect, test } from 'vitest';
import { SoraError } from './errors.js';
import { createRedactor, REDACTED } from './redact.js';

const KEY = 'sk-proj-Ab3_dE7-fG9hJ2kL';
const redact = createRedactor(KEY);
const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const b64 = (text: string, alphabet: BufferEncoding = 'base64') => Buffer.from(text).toString(alphabet);

const FORMS = {
  '\\u escapes': [...KEY].map(u).join(''),
  '\\u002D for -': KEY.replaceAll('-', '\\u002D'),
  'percent-encoded': [...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
  '%2D for -': KEY.replaceAll('-', '%2D'),
  base64: b64(KEY),
  base64url: b64(KEY, 'base64url'),
  'base64 of Bearer key': b64(`Bearer ${KEY}`),
  'base64url of Bearer key': b64(`Bearer ${KEY}`, 'base64url'),
  'base64, 1 byte before': b64(`x${KEY}`),
  'base64, 2 bytes before': b64(`xy${KEY}`),
};

describe('createRedactor finds the key in every spelling', () => {
  test.each(Object.entries(FORMS))('%s', (_name, form) => {
    const text = `the API said: ${form}.`;
    const clean = redact(text);
    expect(clean).not.toContain(form);
    expect(clean).toContain(REDACTED);
    // In an error's message and its body, parsed (the page's JSON.parse), the key is gone too.
    const error = redact(new SoraError(`failed: ${form}`));
    expect(error.message).not.toContain(form);
    const body = redact(JSON.parse(`{"error":{"message":"${form}"}}`));
    expect(JSON.stringify(body)).not.toContain(KEY);
  });

  test('text without the key comes back as it is', () => {
    const text = `sk-proj-other ${b64('sk-proj-other')} %2D \\u002d`;
    expect(redact(text)).toBe(text);
  });
});
