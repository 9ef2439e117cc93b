import { SoraError } from './errors.js';

/**
 * A download link (a gateway's JSON `{url}`) that points where the client must not go: a non-HTTP(S)
 * scheme, or a loopback, private, link-local or otherwise internal address while the API itself is public.
 * A hostile or compromised gateway could otherwise make a server-side client read its own cloud metadata
 * service (`169.254.169.254`), an admin port on `127.0.0.1`, or a neighbour on the private network (SSRF).
 */
export class UnsafeLinkError extends SoraError {
  constructor(
    /** The link, as the server sent it. */
    readonly url: string,
    reason: string,
  ) {
    super(`Refused the download link ${JSON.stringify(url.slice(0, 200))}: ${reason}`);
  }
}
UnsafeLinkError.prototype.name = 'UnsafeLinkError';

/** Which download links a client may follow besides public ones; see {@link checkLink}. */
export type PrivateLinkPolicy = boolean | ((url: URL) => boolean);

const ipv4 = (host: string): number[] | undefined => {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
};

const privateIpv4 = ([a = 0, b = 0]: number[]): boolean =>
  a === 0 || // "this network", 0.0.0.0 reaches loopback on Linux
  a === 10 ||
  a === 127 ||
  (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
  (a === 169 && b === 254) || // link-local, cloud metadata services
  (a === 172 && b >= 16 && b <= 31) ||
  (a === 192 && b === 168) ||
  (a === 198 && (b === 18 || b === 19)) || // benchmarking networks
  a >= 224; // multicast and reserved

/** The 16-bit groups of an IPv6 address as the URL parser writes it (compressed, lower case). */
const ipv6Groups = (host: string): number[] | undefined => {
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string | undefined) =>
    half ? half.split(':').map((g) => Number.parseInt(g, 16)) : [];
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  if ([...head, ...tail].some((g) => !(g >= 0 && g <= 0xffff))) return undefined;
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return groups.length === 8 ? groups : undefined;
};

const privateIpv6 = (g: number[]): boolean => {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 <= 1) return true; // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated (64:ff9b::a.b.c.d): judge the IPv4 inside.
  if ((zeroPrefix && g5 === 0xffff) || (g0 === 0x64 && g1 === 0xff9b)) {
    return privateIpv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  }
  return (
    (g0 & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (g0 & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (g0 & 0xffc0) === 0xfec0 || // site-local (deprecated) fec0::/10
    (g0 & 0xff00) === 0xff00 // multicast
  );
};

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
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host.startsWith('[') && host.endsWith(']')) {
    const groups = ipv6Groups(host.slice(1, -1));
    return groups ? privateIpv6(groups) : true; // unparsable: not public
  }
  const v4 = ipv4(host);
  return v4 ? privateIpv4(v4) : false;
}

/**
 * Checks a download link before it is fetched: only `http:` and `https:`, and no loopback, private or
 * link-local host unless the API's own base URL is on such a host (the local emulator, a gateway in the
 * same private network) or `allowPrivate` says so (`true`, or a function deciding per URL).
 *
 * @returns the parsed link.
 * @throws UnsafeLinkError when the link may not be followed.
 */
export function checkLink(link: string, baseUrl: string, allowPrivate: PrivateLinkPolicy = false): URL {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new UnsafeLinkError(link, 'it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsafeLinkError(link, `the scheme ${url.protocol} is not http: or https:`);
  }
  if (url.username || url.password) throw new UnsafeLinkError(link, 'it carries credentials');
  if (!isPrivateHost(url.hostname)) return url;
  if (isPrivateHost(new URL(baseUrl).hostname)) return url;
  if (allowPrivate === true || (typeof allowPrivate === 'function' && allowPrivate(url))) return url;
  throw new UnsafeLinkError(
    link,
    `${url.hostname} is a loopback, private or link-local address and the API (${new URL(baseUrl).host}) is not; ` +
      'pass allowPrivateLinks to follow it',
  );
}
