import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldRecords, Manifest, type ManifestRecord, parseManifest } from './manifest.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sora-kit-manifest-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const at = '2026-01-01T00:00:00.000Z';

describe('manifest', () => {
  it('folds records into the state of each line', () => {
    const records: ManifestRecord[] = [
      { type: 'batch', version: 1, nonce: 'n', jobs_file: 'j', at },
      { type: 'creating', line: 1, hash: 'h1', idempotency_key: 'k1', at },
      { type: 'creating', line: 2, hash: 'h2', idempotency_key: 'k2', at },
      { type: 'created', line: 1, hash: 'h1', id: 'video_1', at },
      { type: 'completed', line: 1, id: 'video_1', expires_at: 99, at },
      { type: 'downloaded', line: 1, id: 'video_1', file: 'a.mp4', bytes: 3, at },
    ];
    const lines = foldRecords(records);
    expect(lines.get(1)).toMatchObject({
      status: 'downloaded',
      id: 'video_1',
      file: 'a.mp4',
      idempotencyKey: 'k1',
    });
    expect(lines.get(2)).toMatchObject({ status: 'creating', idempotencyKey: 'k2' });
    expect(lines.has(3)).toBe(false);
  });

  it('drops a torn last record, keeps a whole one that lacks its newline', () => {
    const header = JSON.stringify({ type: 'batch', version: 1, nonce: 'n', jobs_file: 'j', at });
    const created = JSON.stringify({ type: 'creating', line: 1, hash: 'h', idempotency_key: 'k', at });
    const torn = parseManifest(`${header}\n${created}\n{"type":"crea`);
    expect(torn.records).toHaveLength(2);
    expect(torn.validLength).toBe(Buffer.byteLength(`${header}\n${created}\n`));
    const whole = parseManifest(`${header}\n${created}`);
    expect(whole.records).toHaveLength(2);
    expect(whole.needsNewline).toBe(true);
    expect(() => parseManifest(`${header}\nnot json\n${created}\n`)).toThrow(/line 2 is not valid JSON/);
  });

  it('is durable across opens, repairs a torn tail, and keeps its idempotency keys', async () => {
    const first = await Manifest.open(dir, '/jobs.jsonl');
    const key = first.idempotencyKey(1, 'hash');
    await first.append({ type: 'creating', line: 1, hash: 'hash', idempotency_key: key });
    await first.close();
    await writeFile(
      join(dir, 'manifest.jsonl'),
      `${await readFile(join(dir, 'manifest.jsonl'), 'utf8')}{"type":"cre`,
    );

    const second = await Manifest.open(dir, '/jobs.jsonl');
    expect(second.nonce).toBe(first.nonce);
    expect(second.idempotencyKey(1, 'hash')).toBe(key);
    expect(second.lines.get(1)).toMatchObject({ status: 'creating', idempotencyKey: key });
    await second.append({ type: 'created', line: 1, hash: 'hash', id: 'video_1' });
    await second.close();
    const text = await readFile(join(dir, 'manifest.jsonl'), 'utf8');
    expect(parseManifest(text).records.map((r) => r.type)).toEqual(['batch', 'creating', 'created']);
  });

  it('a new batch gets other idempotency keys for the same lines', async () => {
    const a = await Manifest.open(dir, '/jobs.jsonl');
    const other = await mkdtemp(join(tmpdir(), 'sora-kit-manifest-'));
    const b = await Manifest.open(other, '/jobs.jsonl');
    expect(a.idempotencyKey(1, 'h')).not.toBe(b.idempotencyKey(1, 'h'));
    await a.close();
    await b.close();
    await rm(other, { recursive: true, force: true });
  });

  it('refuses a second run in the same folder while the first holds the lock', async () => {
    const first = await Manifest.open(dir, '/jobs.jsonl');
    await writeFile(join(dir, 'manifest.lock'), `${process.ppid}\n`); // a live process that is not us
    await expect(Manifest.open(dir, '/jobs.jsonl')).rejects.toThrow(
      /Another sora-kit batch \(pid \d+\) is running/,
    );
    await writeFile(join(dir, 'manifest.lock'), '999999999\n'); // a dead one: taken over
    const second = await Manifest.open(dir, '/jobs.jsonl');
    await second.close();
    await first.close();
  });
});
