// react-dom is CommonJS and loaded by Node itself: its `require('react')` must find the React of this
// test project (pnpm links react-dom@18 to the workspace's react@19 as its peer).
import { Module } from 'node:module';

const targets: Record<string, string | undefined> = {
  react: process.env.REACT_DIR,
  'react-dom': process.env.REACT_DOM_DIR,
};
const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, ...rest) {
  const match = /^(react|react-dom)(\/.*)?$/.exec(request);
  const target = match ? targets[match[1] as string] : undefined;
  return resolve.call(this, target ? target + (match?.[2] ?? '') : request, ...rest);
};
