/** One shared value: what its watchers read, and how many keep it alive. */
export interface Entry<S> {
  state: S;
  readonly listeners: Set<() => void>;
  holds: number;
}

/** Entries by key, each started by its first holder and stopped soon after its last one lets go. */
export interface SharedEntries<S, E extends Entry<S>> {
  get(key: string): E;
  /** Sets the entry's state and tells its listeners. */
  set(entry: E, state: S): void;
  /** Keeps the entry alive (its work running) until the returned function is called. */
  hold(key: string): () => void;
  /** Listens to the entry's changes, and holds it while listening. */
  subscribe(key: string, listener: () => void): () => void;
}

/**
 * Builds the keyed entries behind every hook: one entry per key, however many components watch it.
 *
 * The stop is deferred to a new task: StrictMode unmounts and remounts every effect once, synchronously, and
 * a remount (or another component taking over the same key in the same commit) must find the work still
 * running rather than start a second request.
 */
export function sharedEntries<S, E extends Entry<S>>(
  create: (key: string) => E,
  start: (key: string, entry: E) => void,
  stop: (key: string, entry: E) => void,
): SharedEntries<S, E> {
  const entries = new Map<string, E>();
  const get = (key: string) => {
    let entry = entries.get(key);
    if (!entry) {
      entry = create(key);
      entries.set(key, entry);
    }
    return entry;
  };
  const hold = (key: string) => {
    const entry = get(key);
    if (entry.holds++ === 0) start(key, entry);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--entry.holds === 0) {
        setTimeout(() => {
          if (entry.holds === 0) stop(key, entry);
        });
      }
    };
  };
  return {
    get,
    set(entry, state) {
      entry.state = state;
      for (const listener of [...entry.listeners]) listener();
    },
    hold,
    subscribe(key, listener) {
      const entry = get(key);
      entry.listeners.add(listener);
      const release = hold(key);
      return () => {
        entry.listeners.delete(listener);
        release();
      };
    },
  };
}
