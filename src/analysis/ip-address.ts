// IP address checks with the semantics of the Go functions behind Kubernetes admission: the
// OpenAPI `ipv4` / `ipv6` formats (Go's net.ParseIP) and the CEL `isIP()` of the Kubernetes IP
// library (Go's netip.ParseAddr, refusing zones and IPv4-mapped IPv6 addresses). Node's
// `net.isIP` accepts the same dotted-quad and IPv6 syntax (no leading zeros), plus zones.
import { isIP } from 'net';

/** The eight 16-bit groups of an IPv6 address that `net.isIP` accepted. */
function ipv6Groups(s: string): number[] {
  let text = s;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
  }
  const parts = (x: string | undefined) => (x ? x.split(':').map((g) => parseInt(g, 16)) : []);
  const [head, tail] = text.split('::');
  if (tail === undefined) return parts(head);
  const h = parts(head);
  const t = parts(tail);
  return [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
}

/** Whether `s` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, in any notation). */
function isIpv4Mapped(s: string): boolean {
  const g = ipv6Groups(s);
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
}

/** Kubernetes CEL `isIP(s)`: an IPv4 or IPv6 address without a zone, not IPv4-mapped. */
export function isCelIp(s: string): boolean {
  if (s.includes('%')) return false;
  const family = isIP(s);
  return family === 4 || (family === 6 && !isIpv4Mapped(s));
}

/**
 * The OpenAPI `ipv4` / `ipv6` string formats as the API server checks them: Go's net.ParseIP
 * accepts the text (no zone), and it is written as IPv4 (has a `.`) or IPv6 (has a `:`).
 */
export function isFormatIp(s: string, family: 4 | 6): boolean {
  return !s.includes('%') && isIP(s) !== 0 && s.includes(family === 4 ? '.' : ':');
}
