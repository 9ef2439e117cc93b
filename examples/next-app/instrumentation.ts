// Runs once when `next dev` / `next start` boots (never during `next build`): decides the upstream API now,
// so the embedded emulator is up (and its URL printed) before the first request rather than during it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { upstream } = await import('./lib/upstream');
  await upstream();
}
