/** Reads an environment variable where the runtime has an environment (Node, Bun, Deno); else undefined. */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    return (g.process?.env?.[name] ?? g.Deno?.env?.get(name))?.trim() || undefined;
  } catch {
    return undefined; // Deno without --allow-env
  }
}
