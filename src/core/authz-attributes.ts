import { asArray, nonEmpty } from './collections';
import { isCidr, isIp } from './names';
import { checkNoSpiffeScheme } from './principal';

// The `when` keys of an AuthorizationPolicy that Istio's validating webhook accepts, and what it
// requires of their values (istio's pkg/config/security, ValidateAttribute).

/** Keys whose values are IP addresses or CIDR ranges. */
const IP_KEYS = ['source.ip', 'remote.ip', 'destination.ip'];
/** Keys taken as they are. */
const PLAIN_KEYS = ['source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'connection.sni'];
/** Keys that name a map entry: `<prefix>[<name>]`. */
const MAP_PREFIXES = ['request.headers', 'request.auth.claims', 'experimental.envoy.filters.'];

/**
 * The authorization attributes Istio knows, as an error message lists them.
 * @internal
 */
export const AUTHORIZATION_ATTRIBUTES = [...IP_KEYS, ...PLAIN_KEYS, 'destination.port', 'request.headers[<name>]', 'request.auth.claims[<name>]',
  'experimental.envoy.filters.<filter>[<key>]'];

/**
 * Throws unless Istio's webhook would accept the condition `key` with `values`; `where` starts the message.
 * @internal
 */
export function checkAuthorizationAttribute(where: string, key: string, values: string[]): void {
  const fail = (why: string) => { throw new Error(`${where}: ${why}`); };
  const prefix = MAP_PREFIXES.find((p) => key.startsWith(p));
  if (prefix) {
    const open = key.indexOf('[');
    if (!(key.endsWith(']') && open > 0 && open < key.length - 2)) {
      fail(`"${key}" must name an entry, ${prefix}${prefix.endsWith('.') ? '<filter>' : ''}[<name>], or Istio's webhook rejects the policy`);
    }
  } else if (IP_KEYS.includes(key)) {
    const bad = values.find((v) => !isIp(v) && !isCidr(v));
    if (bad !== undefined) fail(`${key} takes IP addresses or CIDR ranges (10.0.0.0/8), not "${bad}", or Istio's webhook rejects the policy`);
  } else if (key === 'destination.port') {
    const bad = values.find((v) => !/^\d+$/.test(v) || Number(v) > 65535);
    if (bad !== undefined) fail(`destination.port takes port numbers (0-65535), not "${bad}", or Istio's webhook rejects the policy`);
  } else if (key === 'destination.namespace') {
    fail('destination.namespace is not supported: the policy\'s own namespace is the destination\'s; create the policy for that namespace');
  } else if (key.startsWith('destination.labels')) {
    fail(`${key} is not supported: the workload selector picks the destination; target the workload (\`workload\`)`);
  } else if (key === 'destination.name' || key === 'destination.user') {
    fail(`${key} was removed with Istio's v1alpha1 RBAC; target the workload (\`workload\`), or name its callers in \`from\``);
  } else if (!PLAIN_KEYS.includes(key)) {
    fail(`"${key}" is not an authorization attribute Istio knows, and its webhook rejects the policy: use one of ${AUTHORIZATION_ATTRIBUTES.join(', ')}`);
  }
  if (key === 'source.principal') for (const v of values) checkNoSpiffeScheme(where, v);
}

/** `when` keys only a waypoint (an L7 proxy) can evaluate; ztunnel sees L4 attributes only. */
const L7_CONDITION_PREFIXES = ['request.headers', 'request.auth.claims', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter'];

/**
 * Kiali's L7 test for AuthorizationPolicy rules: request attributes only a waypoint sees (the
 * constructs split policies by it too).
 * @internal
 */
export function authorizationL7(spec: any): string | undefined {
  for (const rule of asArray(spec.rules)) {
    for (const c of asArray(rule?.when)) {
      const key = c?.key;
      if (typeof key === 'string' && L7_CONDITION_PREFIXES.some((p) => key.startsWith(p))) return `when key "${key}"`;
    }
    for (const to of asArray(rule?.to)) {
      for (const field of ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts']) {
        if (nonEmpty(to?.operation?.[field])) return `operation.${field}`;
      }
    }
    for (const from of asArray(rule?.from)) {
      for (const field of ['requestPrincipals', 'notRequestPrincipals']) {
        if (nonEmpty(from?.source?.[field])) return `source.${field}`;
      }
    }
  }
  return undefined;
}
