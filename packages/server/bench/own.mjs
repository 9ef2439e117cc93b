// Records `ids` as the user's jobs in a store the way the handler does: a reservation, then its commit.
const LIMITS = { maxInFlight: 1e9, maxPerWindow: 1e9, windowMs: 3_600_000 };

export async function own(store, userId, ids) {
  for (const id of ids) {
    const now = Date.now();
    const slot = await store.reserve({ userId, kind: 'video', limits: LIMITS, now, ttlMs: 60_000 });
    if (!slot.ok) throw new Error(`the store refused a slot: ${slot.limit}`);
    await store.commit(slot.reservation, { userId, id, kind: 'video', createdAt: now });
  }
}
