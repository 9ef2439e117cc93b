import type { Scope } from '../context.js';
import { policyRefusal } from '../envelope.js';
import { callJson, noteStatus } from '../scope-io.js';
import type { OwnedKind, ReserveRequest } from '../store/job-store.js';

/** A slot the policy granted to one paid call: it ends as a job ({@link commit}) or as nothing ({@link release}). */
export interface Reservation {
  /**
   * The API made `id`: the ledger entry becomes that job and the user owns it. False when another user
   * owned the id first (the answer is then not handed over).
   */
  commit(id: string): Promise<boolean>;
  /** The API certainly made nothing (refused before sending, or a non-2xx answer): the slot is freed. */
  release(): Promise<void>;
}

/**
 * Takes a slot for one paid call of the user in the store's ledger (one atomic step in the store, so
 * instances sharing it cannot both pass the same count). When the user is at `maxInFlight`, the API is
 * asked about their unfinished jobs first (a job may have finished with nobody watching), then the store
 * once more. Refusals are the policy's 403 envelopes (`job_quota_exceeded`, `too_many_jobs_in_flight`).
 */
export async function admit(scope: Scope, kind: OwnedKind): Promise<Reservation> {
  const { store, policy, reservationTtlMs } = scope.ctx;
  const { userId } = scope;
  const request = (): ReserveRequest => ({
    userId,
    kind,
    limits: {
      maxInFlight: policy.maxInFlight,
      maxPerWindow: policy.maxJobsPerWindow,
      windowMs: policy.windowSeconds * 1000,
    },
    now: Date.now(),
    ttlMs: reservationTtlMs,
  });
  let result = await store.reserve(request());
  if (!result.ok && result.limit === 'in_flight' && result.active.length > 0) {
    for (const id of result.active)
      await noteStatus(scope, id, await callJson(scope, 'GET', `/v1/videos/${id}`));
    result = await store.reserve(request());
  }
  if (!result.ok) {
    if (result.limit === 'window') {
      throw policyRefusal(
        null,
        `You have started ${result.count} paid jobs in the last ${policy.windowSeconds} s; the limit is ${policy.maxJobsPerWindow}.`,
        'job_quota_exceeded',
      );
    }
    throw policyRefusal(
      null,
      `You have ${result.count} jobs in flight; the limit is ${policy.maxInFlight}. Wait for one to finish.`,
      'too_many_jobs_in_flight',
    );
  }
  const { reservation } = result;
  return {
    commit: async (id) => await store.commit(reservation, { userId, id, kind, createdAt: Date.now() }),
    release: async () => {
      await store.release(reservation);
    },
  };
}
