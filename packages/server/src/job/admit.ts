import type { Scope } from '../context.js';
import { policyRefusal } from '../envelope.js';
import { callJson, noteStatus } from '../scope-io.js';

/** Admits a new paid job under the policy's in-flight and per-window limits, then runs `send`. */
export async function startJob(scope: Scope, send: () => Promise<Response>): Promise<Response> {
  const { pending } = scope.ctx;
  const { userId } = scope;
  // Reserved before the first await, so concurrent requests of one user cannot all pass the same count.
  const mine = (pending.get(userId) ?? 0) + 1;
  pending.set(userId, mine);
  try {
    await admit(scope, mine - 1);
    return await send();
  } finally {
    const left = (pending.get(userId) ?? 1) - 1;
    if (left > 0) pending.set(userId, left);
    else pending.delete(userId);
  }
}

async function admit(scope: Scope, othersPending: number): Promise<void> {
  const { store, policy } = scope.ctx;
  const since = Date.now() - policy.windowSeconds * 1000;
  let usage = await store.usage(scope.userId, since);
  if (usage.createdSince + othersPending >= policy.maxJobsPerWindow) {
    throw policyRefusal(
      null,
      `You have started ${usage.createdSince} jobs in the last ${policy.windowSeconds} s; the limit is ${policy.maxJobsPerWindow}.`,
      'job_quota_exceeded',
    );
  }
  if (usage.active.length + othersPending >= policy.maxInFlight) {
    // The store may not have seen jobs finish (nobody polled them): ask the API about those before refusing.
    for (const id of usage.active)
      await noteStatus(scope, id, await callJson(scope, 'GET', `/v1/videos/${id}`));
    usage = await store.usage(scope.userId, since);
    if (usage.active.length + othersPending >= policy.maxInFlight) {
      throw policyRefusal(
        null,
        `You have ${usage.active.length} jobs in flight; the limit is ${policy.maxInFlight}. Wait for one to finish.`,
        'too_many_jobs_in_flight',
      );
    }
  }
}
