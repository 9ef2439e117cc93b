// biome-ignore-all lint/correctness/noComponentHookFactories: each test's components close over that test's job and counters
import { render, screen } from '@testing-library/react';
import { StrictMode, useSyncExternalStore, version } from 'react';
import { version as domVersion } from 'react-dom';
import { expect, test } from 'vitest';

test('the project runs on the React it names, with one copy of it', () => {
  expect(version.split('.')[0]).toBe(process.env.REACT_MAJOR);
  expect(domVersion).toBe(version);
  function Hello() {
    const value = useSyncExternalStore(
      () => () => {},
      () => 'hooks work',
    );
    return <p>{value}</p>;
  }
  render(
    <StrictMode>
      <Hello />
    </StrictMode>,
  );
  expect(screen.getByText('hooks work')).toBeTruthy();
});
