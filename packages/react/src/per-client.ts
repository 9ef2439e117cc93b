import type { SoraClient } from '@sora-kit/core';

/** Memoizes `make` per client: one store per client, dropped with it. */
export function perClient<T>(make: (client: SoraClient) => T): (client: SoraClient) => T {
  const made = new WeakMap<SoraClient, T>();
  return (client) => {
    let value = made.get(client);
    if (value === undefined) {
      value = make(client);
      made.set(client, value);
    }
    return value;
  };
}
