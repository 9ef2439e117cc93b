'use client';
import { type SoraClient, SoraError } from '@sora-kit/core';
import { createContext, createElement, type ReactNode, useContext } from 'react';

const ClientContext = createContext<SoraClient | null>(null);

/** Props of {@link SoraProvider}. */
export interface SoraProviderProps {
  /**
   * Core's client. In a browser: `createSoraClient({ baseUrl: '/api/sora', apiKey: null })`, pointing at a
   * server handler (`@sora-kit/server`) that adds the key. Create it once (outside the component, or in
   * `useState`): hooks share one poller per job id per client.
   */
  client: SoraClient;
  children?: ReactNode;
}

/** Gives the hooks below it their client. */
export function SoraProvider({ client, children }: SoraProviderProps) {
  return createElement(ClientContext.Provider, { value: client }, children);
}

/** The client of the nearest {@link SoraProvider}; throws (a programming error) when there is none. */
export function useSoraClient(): SoraClient {
  const client = useContext(ClientContext);
  if (!client) throw new SoraError('@sora-kit/react: wrap your components in <SoraProvider client={…}>.');
  return client;
}
