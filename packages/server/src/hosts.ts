import { refuse } from './refusals.js';

/**
 * Loopback names: what a developer's browser uses for a local server. Allowed only outside production,
 * where no public name was configured.
 */
const LOOPBACK = /^(localhost|.+\.localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** The host names this handler answers for, resolved once from the options. */
export type HostCheck = (request: Request, url: URL) => boolean;

/** The name of a `host[:port]` (lower case, port and a trailing dot dropped); undefined when malformed. */
function hostname(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * The Host allow-list (DNS rebinding): a page on an attacker's name that resolves to this server (or to
 * 127.0.0.1 on a developer's machine) is same-origin with itself, so its requests pass the cross-site
 * check; only the name it used, in `Host` (and `X-Forwarded-Host`, which such a page may set), tells it
 * apart. Entries are names (`app.example.com`), or `.example.com` for the name and all its subdomains;
 * `'any'` turns the check off (a proxy in front checks Host). Without `allowedHosts` the list is the
 * names of `trustedOrigins`; outside production loopback names pass too. In production with neither, any
 * Host passes (and the handler warns once).
 */
export function hostCheck(
  allowedHosts: readonly string[] | 'any' | undefined,
  trustedOrigins: readonly string[],
  production: boolean,
  logger: Pick<Console, 'warn'>,
): HostCheck {
  if (allowedHosts === 'any') return () => true;
  const names = (allowedHosts ?? trustedOrigins.map((origin) => new URL(origin).host)).map((entry) => {
    const name = entry.startsWith('.') ? `.${hostname(entry.slice(1))}` : hostname(entry);
    if (!name || name === '.undefined')
      throw new TypeError(`Invalid value for 'allowedHosts': ${JSON.stringify(entry)}. Allowed: host names.`);
    return name;
  });
  if (names.length === 0 && production) {
    logger.warn(
      "@sora-kit/server: no 'allowedHosts' (or 'trustedOrigins'): requests are served whatever their Host, " +
        'which leaves DNS rebinding open. Pass the public host names of the app.',
    );
    return () => true;
  }
  const judge = (host: string) => {
    const name = hostname(host);
    if (name === undefined) return false;
    if (!production && LOOPBACK.test(name)) return true;
    return names.some((entry) =>
      entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry,
    );
  };
  // The verdict per `Host` text, remembered: a handful of names reach a server, and parsing each as a URL
  // was a measurable part of every request. Bounded: names sent to flood it only clear it,
  // and a name longer than DNS allows is judged each time, never kept.
  const verdicts = new Map<string, boolean>();
  const allowed = (host: string) => {
    let verdict = verdicts.get(host);
    if (verdict === undefined) {
      verdict = judge(host);
      if (host.length > 260) return verdict;
      if (verdicts.size >= 256) verdicts.clear();
      verdicts.set(host, verdict);
    }
    return verdict;
  };
  return (request, url) => {
    const forwarded = request.headers.get('x-forwarded-host');
    const hosts = [url.host, request.headers.get('host') ?? url.host];
    if (forwarded !== null) hosts.push(...forwarded.split(',').map((h) => h.trim()));
    return hosts.every(allowed);
  };
}

/** 421: the request named a host this handler does not serve. */
export function unknownHost(): Response {
  return refuse('unknown_host').toResponse();
}
