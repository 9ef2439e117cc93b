import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { defineConfig, type UserWorkspaceConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const dir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * One project per React major: `react` / `react-dom` (19) and the devDependency aliases `react-18` /
 * `react-dom-18`. Each project points `react` and `react-dom` at its own copy, for the tests' and the
 * sources' imports and for the libraries inlined below (Testing Library, TanStack Query); test/setup-react.ts
 * does the same for react-dom's own `require('react')` (pnpm links react-dom@18 to react@19 as its peer).
 */
function reactProject(major: 18 | 19): UserWorkspaceConfig {
  const react = dir(major === 18 ? 'react-18' : 'react');
  const reactDom = dir(major === 18 ? 'react-dom-18' : 'react-dom');
  return {
    extends: true,
    resolve: {
      alias: [
        { find: /^react$/, replacement: `${react}/index.js` },
        { find: /^react\/(.*)$/, replacement: `${react}/$1.js` },
        { find: /^react-dom$/, replacement: `${reactDom}/index.js` },
        { find: /^react-dom\/(.*)$/, replacement: `${reactDom}/$1.js` },
      ],
    },
    test: {
      name: `react-${major}`,
      env: { REACT_DIR: react, REACT_DOM_DIR: reactDom, REACT_MAJOR: String(major) },
      setupFiles: ['test/setup-node-http.ts', 'test/setup-react.ts', 'test/setup-dom.ts'],
      server: { deps: { inline: ['@testing-library/react', '@tanstack/react-query'] } },
    },
  };
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [reactProject(19), reactProject(18)],
  },
});
