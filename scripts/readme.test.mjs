// The root README, checked against the repository it describes: the pnpm it tells people to install is
// the one `packageManager` pins, its package table lists exactly the published packages, and its
// relative links lead to files that exist. Run by `pnpm test:pack`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readme = await readFile(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

describe('root README', () => {
  it('installs the pnpm that packageManager pins', () => {
    const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec(manifest.packageManager)?.[1];
    assert.ok(pinned, `packageManager is ${manifest.packageManager}`);
    const named = [...readme.matchAll(/pnpm@(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
    assert.ok(named.length > 0, 'the README names no pnpm version to install');
    assert.deepEqual([...new Set(named)], [pinned]);
  });

  it('lists exactly the published packages in its table', async () => {
    const published = [];
    for (const dir of await readdir(join(root, 'packages'))) {
      const file = join(root, 'packages', dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(await readFile(file, 'utf8'));
      if (pkg.private !== true) published.push(pkg.name);
    }
    const listed = [...readme.matchAll(/^\| \[`(@sora-kit\/[^`]+)`\]\(packages\/[^)]+\) \|/gm)].map(
      (m) => m[1],
    );
    assert.deepEqual(listed.sort(), published.sort(), 'add a row per published package to the README table');
  });

  it('has relative links only to files that exist', () => {
    const broken = [...readme.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)]
      .map((m) => m[1])
      .filter((link) => !/^(https?:|mailto:|#)/.test(link))
      .filter((link) => !existsSync(join(root, link.replace(/#.*$/, ''))));
    assert.deepEqual(broken, []);
  });
});
