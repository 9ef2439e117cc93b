import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { defineConfig, type UserWorkspaceConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const dir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * One project per React major. The package has no plain `react` dependency: the devDependency aliases
 * `react-18` / `react-19` (and `react-dom-*`) are swapped in for `react` / `react-dom` here, for the tests'
 * and the sources' imports and for the libraries inlined below (Testing Library, TanStack Query), and
 * test/setup-react.ts does the same for react-dom's own `require('react')`.
 */
function reactProject(major: 18 | 19): UserWorkspaceConfig {
  const react = dir(`react-${major}`);
  const reactDom = dir(`react-dom-${major}`);
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
      setupFiles: ['test/setup-react.ts', 'test/setup-dom.ts'],
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
