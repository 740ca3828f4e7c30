import { isIP } from 'node:net';

/**
 * What kind of network an IP address belongs to. Everything but `public` is refused by the
 * HTTP step unless the operator allows it (see {@link isAddressAllowed}).
 */
export type AddressClass =
  | 'public'
  | 'loopback' // 127.0.0.0/8, ::1
  | 'private' // 10/8, 172.16/12, 192.168/16, fc00::/7
  | 'link_local' // 169.254/16, fe80::/10
  | 'cgnat' // 100.64/10
  | 'unspecified' // 0.0.0.0/8, ::
  | 'metadata' // 169.254.169.254, fd00:ec2::254 (cloud instance metadata)
  | 'reserved'; // multicast, broadcast, documentation, benchmarking, 240/4, ...

/** Operator switches carried in `StepContext.http`. */
export interface NetworkPolicy {
  /** Lets 127.0.0.0/8 and ::1 through (local development and tests). */
  allowLoopback?: boolean;
  /** Lets every non-public address through, metadata endpoints included. */
  allowPrivateNetworks?: boolean;
  /**
   * Specific addresses or CIDR ranges let through, e.g. `['10.0.5.0/24', 'fd12::7']`, for one
   * internal API without opening every private network. IPv4-mapped IPv6 matches IPv4 entries.
   */
  allowAddresses?: readonly string[];
}

type Range = readonly [bytes: readonly number[], prefix: number, cls: AddressClass];

// Order matters: the first match wins, so narrow ranges come before wider ones.
const V4_RANGES: readonly Range[] = [
  [[169, 254, 169, 254], 32, 'metadata'],
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[10, 0, 0, 0], 8, 'private'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 168, 0, 0], 16, 'private'],
  [[169, 254, 0, 0], 16, 'link_local'],
  [[100, 64, 0, 0], 10, 'cgnat'],
  [[192, 0, 0, 0], 24, 'reserved'], // IETF protocol assignments
  [[192, 0, 2, 0], 24, 'reserved'], // TEST-NET-1
  [[198, 18, 0, 0], 15, 'reserved'], // benchmarking
  [[198, 51, 100, 0], 24, 'reserved'], // TEST-NET-2
  [[203, 0, 113, 0], 24, 'reserved'], // TEST-NET-3
  [[224, 0, 0, 0], 4, 'reserved'], // multicast
  [[240, 0, 0, 0], 4, 'reserved'], // future use + broadcast
];

const V6_RANGES: readonly Range[] = [
  [[0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], 128, 'metadata'],
  [[0xfc], 7, 'private'],
  [[0xfe, 0x80], 10, 'link_local'],
  [[0xfe, 0xc0], 10, 'reserved'], // deprecated site-local
  [[0xff], 8, 'reserved'], // multicast
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'reserved'], // discard-only
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'], // documentation
];

/**
 * Classify an IP address literal (IPv4, IPv6, with or without brackets or a zone id).
 * IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are classified by that IPv4 address.
 *
 * @throws TypeError when `address` is not an IP literal.
 * @example classifyAddress('::ffff:127.0.0.1') // 'loopback'
 */
export function classifyAddress(address: string): AddressClass {
  const bytes = parseIp(address);
  if (!bytes) throw new TypeError(`not an IP address: ${address}`);
  return bytes.length === 4 ? classifyV4(bytes) : classifyV6(bytes);
}

/** Whether the HTTP step may connect to `address` under the operator's policy. */
export function isAddressAllowed(address: string, policy: NetworkPolicy = {}): boolean {
  const cls = classifyAddress(address);
  if (cls === 'public' || policy.allowPrivateNetworks) return true;
  if (cls === 'loopback' && policy.allowLoopback === true) return true;
  return (policy.allowAddresses ?? []).some((cidr) => inCidr(address, cidr));
}

/**
 * Whether `address` lies in `cidr` (`a.b.c.d/n`, `x::/n`, or a single address).
 * @throws TypeError on a malformed CIDR (an operator configuration mistake).
 */
export function inCidr(address: string, cidr: string): boolean {
  const [net, bits, ...extra] = cidr.trim().split('/');
  const netBytes = parseIp(net);
  const prefix = bits === undefined ? (netBytes?.length ?? 0) * 8 : Number(bits);
  if (
    !netBytes ||
    extra.length > 0 ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > netBytes.length * 8
  ) {
    throw new TypeError(`invalid CIDR "${cidr}"`);
  }
  const addr = unmapV4(parseIp(address));
  const range = unmapV4(netBytes);
  const shift = netBytes.length === range.length ? 0 : 96; // an IPv4-mapped network was given
  if (!addr || addr.length !== range.length) return false;
  return inPrefix(addr, range, prefix - shift);
}

/** `::ffff:a.b.c.d` → `a.b.c.d`; other addresses unchanged. */
function unmapV4(bytes: number[]): number[];
function unmapV4(bytes: number[] | undefined): number[] | undefined;
function unmapV4(bytes: number[] | undefined): number[] | undefined {
  if (
    bytes?.length === 16 &&
    bytes.slice(0, 10).every((x) => x === 0) &&
    bytes[10] === 0xff &&
    bytes[11] === 0xff
  ) {
    return bytes.slice(12);
  }
  return bytes;
}

function classifyV4(b: readonly number[]): AddressClass {
  return match(b, V4_RANGES) ?? 'public';
}

function classifyV6(b: readonly number[]): AddressClass {
  const zeroUntil = (n: number) => b.slice(0, n).every((x) => x === 0);
  if (zeroUntil(15) && b[15] === 0) return 'unspecified';
  if (zeroUntil(15) && b[15] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated)
  if (zeroUntil(10) && b[10] === 0xff && b[11] === 0xff) return classifyV4(b.slice(12));
  if (zeroUntil(8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) {
    return classifyV4(b.slice(12));
  }
  // Deprecated IPv4-compatible ::a.b.c.d: nothing legitimate uses it any more.
  if (zeroUntil(12)) return 'reserved';
  // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address.
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return classifyV4(b.slice(12));
  if (b[0] === 0x20 && b[1] === 0x02) return classifyV4(b.slice(2, 6)); // 6to4
  return match(b, V6_RANGES) ?? 'public';
}

function match(b: readonly number[], ranges: readonly Range[]): AddressClass | undefined {
  for (const [net, prefix, cls] of ranges) {
    if (inPrefix(b, net, prefix)) return cls;
  }
  return undefined;
}

function inPrefix(b: readonly number[], net: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const i = bit / 8;
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((b[i] ?? 0) & mask) !== ((net[i] ?? 0) & mask)) return false;
  }
  return true;
}

function startsWith(b: readonly number[], head: readonly number[]): boolean {
  return head.every((x, i) => b[i] === x);
}

/** Parse an IP literal to 4 or 16 bytes; undefined when it is not one. */
export function parseIp(input: string): number[] | undefined {
  let s = input.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const kind = isIP(s);
  if (kind === 4) return s.split('.').map(Number);
  if (kind === 6) return parseV6(s);
  return undefined;
}

function parseV6(s: string): number[] {
  let text = s.toLowerCase();
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    text = text.slice(0, lastColon + 1) + '0:0'; // placeholder groups, replaced below
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const fill = new Array(8 - left.length - right.length).fill(0);
  const words = [...left, ...fill, ...right];
  const bytes = words.flatMap((w) => [(w >> 8) & 0xff, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
