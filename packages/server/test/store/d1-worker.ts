// A Worker serving the SQLite store's calls on D1 by HTTP (bundled by d1.test.ts): the store runs where D1
// stores run, inside workerd, and concurrent requests race there as concurrent requests to a Worker do.
// Each `instance` name is a store of its own (as in another isolate); Infinity travels as a marker.
import { type D1Like, sqliteDedupeStore, sqliteStore } from '../../src/store/sqlite.js';

const INFINITY = '\u0000Infinity';
type Target = Record<string, (...args: unknown[]) => unknown>;
const instances = new Map<string, { store: Target; dedupe: Target }>();

export default {
  async fetch(request: Request, env: { DB: D1Like }): Promise<Response> {
    const { instance, target, method, args } = JSON.parse(await request.text(), (_, v) =>
      v === INFINITY ? Number.POSITIVE_INFINITY : v,
    ) as { instance: string; target: 'store' | 'dedupe'; method: string; args: unknown[] };
    let stores = instances.get(instance);
    if (!stores) {
      stores = {
        store: sqliteStore(env.DB) as unknown as Target,
        dedupe: sqliteDedupeStore(env.DB) as unknown as Target,
      };
      instances.set(instance, stores);
    }
    try {
      const value = await stores[target][method]?.(...args);
      return Response.json({ value: value ?? null });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
  },
};
