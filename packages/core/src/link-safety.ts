import { UnsafeLinkError } from './errors.js';

// (The error class lives with the others, so that it is named like them.)
export { UnsafeLinkError };

/** Which download links a client may follow besides public ones; see {@link checkLink}. */
export type PrivateLinkPolicy = boolean | ((url: URL) => boolean);

// The URL parser writes every IP host canonically (dotted decimal; compressed lower-case IPv6, IPv4 inside
// as hex), so a few patterns over its output cover every spelling (`0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]`).

/** Loopback, "this network" (0.0.0.0 reaches loopback on Linux), private, link-local (cloud metadata
 * services), carrier-grade NAT, benchmarking, multicast and reserved IPv4 blocks. */
const PRIVATE_V4 =
  /^(0|10|127|169\.254|172\.(1[6-9]|2\d|3[01])|192\.168|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])|198\.1[89]|22[4-9]|2[3-5]\d)\./;
/** IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-translated (`64:ff9b::a.b.c.d`) IPv6: the IPv4 inside decides. */
const EMBEDDED_V4 = /^(?:::ffff|64:ff9b:):(?:([\da-f]{1,4}):)?([\da-f]{1,4})$/;
/** `::/16` (`::`, `::1`, IPv4-compatible, all reserved), and fc00::/7 unique local, fe80::/10 link-local,
 * fec0::/10 site-local and ff00::/8 multicast (with the reserved fe00::/9 between them). */
const PRIVATE_V6 = /^(::|f[c-f][\da-f]{2}:)/;

const privateV4 = (host: string) => /^(\d+\.){3}\d+$/.test(host) && PRIVATE_V4.test(host);

/**
 * Whether a URL's hostname is loopback, private, link-local or otherwise not a public internet address:
 * `localhost` and `*.localhost`, 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, 0/8, ::1,
 * fc00::/7, fe80::/10 and IPv4 inside IPv6. Give it `new URL(...).hostname`: the URL parser has already
 * turned the tricky spellings (`0x7f.1`, `2130706433`, `[::ffff:7f00:1]`) into canonical ones.
 * Names are not resolved (there is no DNS in browsers and edge runtimes), so a public name that resolves
 * to a private address is not caught here: block that at the network layer where it matters.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (/(^|\.)localhost$/.test(host)) return true;
  if (host[0] !== '[') return privateV4(host);
  const v6 = host.slice(1, -1);
  const inside = EMBEDDED_V4.exec(v6);
  if (!inside) return PRIVATE_V6.test(v6);
  const high = Number.parseInt(inside[1] ?? '0', 16);
  const low = Number.parseInt(inside[2]!, 16);
  return privateV4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
}

/**
 * A URL, read against the page's address, so that a relative one (`/api/sora` in a browser, behind a proxy)
 * is on the page's host; undefined where it cannot be read (a relative URL where there is no page).
 */
export function urlOnPage(url: string): URL | undefined {
  try {
    return new URL(url, (globalThis as { location?: { href?: string } }).location?.href);
  } catch {}
}

/**
 * Checks a download link before it is fetched: only `http:` and `https:` (only `https:` when the API is
 * on `https:`: no downgrade), and no loopback, private or
 * link-local host unless the API's own base URL is on such a host (the local emulator, a gateway in the
 * same private network) or `allowPrivate` says so (`true`, or a function deciding per URL; default: none).
 *
 * @returns the parsed link.
 * @throws UnsafeLinkError when the link may not be followed.
 */
export function checkLink(link: string, baseUrl: string, allowPrivate?: PrivateLinkPolicy): URL {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new UnsafeLinkError(link, 'it is not an absolute URL');
  }
  if (!/^https?:$/.test(url.protocol)) {
    throw new UnsafeLinkError(link, `the scheme ${url.protocol} is not http: or https:`);
  }
  if (url.username || url.password) throw new UnsafeLinkError(link, 'it carries credentials');
  const api = urlOnPage(baseUrl);
  const internal = isPrivateHost(url.hostname);
  const allowed =
    internal && (allowPrivate === true || (typeof allowPrivate === 'function' && allowPrivate(url)));
  if (internal && !allowed && !isPrivateHost(api?.hostname ?? '')) {
    throw new UnsafeLinkError(
      link,
      `${url.hostname} is an internal address and the API is not (allowPrivateLinks allows it)`,
    );
  }
  // A link (or a redirect) from an https API to plain http would put the link's token and the bytes on
  // the wire in clear, open to anyone on the path to read or rewrite. (An internal host allowPrivateLinks
  // names is the operator's own network, so their decision.)
  if (url.protocol === 'http:' && api?.protocol === 'https:' && !allowed)
    throw new UnsafeLinkError(link, 'a downgrade from an https: API to http:');
  return url;
}

/**
 * @internal A `RequestInit` field (ignored by every other fetch) through which the client hands
 * `nodeFetch` the check of each redirect it follows, since a redirect is a link too.
 */
export const CHECK_REDIRECT = Symbol.for('sora-kit.checkRedirect');
