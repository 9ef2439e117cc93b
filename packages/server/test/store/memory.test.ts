// The reference store against the contract it defines (no index: it sorts the user's jobs per page).
import { memoryDedupeStore } from '@sora-kit/core';
import { memoryStore } from '../../src/store/memory.js';
import { describeJobStore } from './contract.js';

describeJobStore('memory', async () => ({
  store: memoryStore(),
  dedupe: memoryDedupeStore(),
  close: async () => {},
}));
