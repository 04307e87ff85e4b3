// Hosts as Istio reads them: which hosts match each other, which hosts a gateway accepts, which
// are valid, and the name fragment a host gives the objects written for it. The constructs'
// checks and the analyzer use the same rules.
import { IConstruct } from 'constructs';
import { isDnsName } from './names';

/**
 * Istio's `host.Name.Matches`: equality, or wildcard suffix match in either direction.
 * @internal
 */
export function hostMatches(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * Whether a gateway host pattern (`*`, `*.<domain>` or a name) accepts a route host.
 * @internal
 */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && host !== suffix.slice(1);
  }
  return false;
}

/**
 * Throws unless `host` is `*`, a DNS name or `*.<domain>`.
 * @internal
 */
export function checkHost(scope: IConstruct, host: string): void {
  if (host !== '*' && !isDnsName(host, true)) {
    throw new Error(`${scope.node.path}: host "${host}" is not a valid host: use "*", a DNS name, or "*.<domain>"`);
  }
}

/**
 * Turns a host such as `*.example.com` into a DNS-label fragment (`wildcard-example-com`).
 * @internal
 */
export function hostSlug(host: string): string {
  return host.replace(/^\*$/, 'all').replace(/\*/g, 'wildcard').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/**
 * The namespace a Service host names (`<name>.<namespace>.svc.cluster.local`), if it is one; other
 * hosts may be a ServiceEntry's, declared in any namespace.
 * @internal
 */
export function serviceHostNamespace(host: string): string | undefined {
  return /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(host)?.[1];
}
