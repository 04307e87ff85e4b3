// The CEL rules (`x-kubernetes-validations`) of the pinned Istio CRDs, as hand-written predicates
// keyed by the exact rule text. The CRDs use a small, fixed set of expressions built on Kubernetes
// CEL extensions (`url()`, `isURL()`, `substring()`) and Go duration semantics, so a table is
// smaller, faster and more exact than a general CEL interpreter. test/schema.test.ts fails when
// the generated schemas contain a rule this table does not know.

/** A CRD rule: `test` returns whether `self` satisfies it; throwing counts as a violation, as a CEL runtime error does. */
export interface CelRule {
  readonly test: (self: any) => boolean;
  /** What to change when the rule fails. */
  readonly fix: string;
}

const UNITS: { [unit: string]: number } = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const MAX_DURATION_NS = 2 ** 63 - 1;

/** Nanoseconds of a Go `time.ParseDuration` string (`1h2m`, `1.5s`, `100ms`, `0`); throws when invalid. */
export function goDurationNanos(s: string): number {
  const m = /^([-+]?)(.+)$/.exec(s);
  if (!m) throw new Error(`invalid duration "${s}"`);
  if (m[2] === '0') return 0;
  const component = /(\d*)(?:\.(\d*))?([^\d.]+)/y;
  let total = 0;
  let at = 0;
  while (at < m[2].length) {
    component.lastIndex = at;
    const c = component.exec(m[2]);
    if (!c || (c[1] === '' && !c[2]) || !(c[3] in UNITS)) throw new Error(`invalid duration "${s}"`);
    // As Go: the fraction's digits as an integer, times unit / 10^digits, truncated.
    const fraction = c[2] ?? '';
    total += Number(c[1] || '0') * UNITS[c[3]] + Math.trunc(Number(fraction || '0') * (UNITS[c[3]] / 10 ** fraction.length));
    at = component.lastIndex;
  }
  if (total > MAX_DURATION_NS) throw new Error(`invalid duration "${s}"`);
  return m[1] === '-' ? -total : total;
}

/**
 * The scheme of a URL as Go's `url.ParseRequestURI` (behind the Kubernetes CEL `url()` / `isURL()`)
 * parses it; throws where Go returns an error.
 */
export function requestUriScheme(s: string): string {
  if (s === '' || /[\x00-\x1f\x7f]/.test(s)) throw new Error(`invalid URL "${s}"`);
  let scheme = '';
  let rest = s;
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (sm) {
    scheme = sm[1].toLowerCase();
    rest = s.slice(sm[0].length);
  } else if (s.startsWith(':')) {
    throw new Error(`missing protocol scheme in "${s}"`);
  }
  if (!rest.startsWith('/')) {
    if (scheme) return scheme; // opaque
    throw new Error(`invalid URI for request "${s}"`);
  }
  const q = rest.indexOf('?');
  const pathPart = q < 0 ? rest : rest.slice(0, q);
  let path = pathPart;
  if (scheme && pathPart.startsWith('//')) {
    const slash = pathPart.indexOf('/', 2);
    const authority = slash < 0 ? pathPart.slice(2) : pathPart.slice(2, slash);
    path = slash < 0 ? '' : pathPart.slice(slash);
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const port = host.startsWith('[') ? host.slice(host.indexOf(']') + 1) : host.slice(host.indexOf(':') < 0 ? host.length : host.indexOf(':'));
    if (port !== '' && !/^:\d*$/.test(port)) throw new Error(`invalid port in "${s}"`);
    if (/%(?![0-9a-fA-F]{2})/.test(authority)) throw new Error(`invalid escape in "${s}"`);
  }
  if (/%(?![0-9a-fA-F]{2})/.test(path)) throw new Error(`invalid escape in "${s}"`);
  return scheme;
}

function isUrl(s: string): boolean {
  try {
    requestUriScheme(s);
    return true;
  } catch {
    return false;
  }
}

/** CEL `has(self.f)` on a JSON object. */
export const has = (self: any, name: string) => self[name] !== undefined;
/** CEL `(has(a) ? 1 : 0) + (has(b) ? 1 : 0) + ... <= 1`. */
const atMostOne = (self: any, ...fields: string[]) => fields.filter((f) => has(self, f)).length <= 1;
/** CEL `.size()` of a string: code points. */
export const codePoints = (s: string) => [...s];
/** CEL `self.field`: absent fields are a runtime error. */
export function field(self: any, name: string): any {
  if (!has(self, name)) throw new Error(`no such key: ${name}`);
  return self[name];
}
/** CEL strings-extension `substring(start, end)`: out of range is a runtime error. */
function substring(s: string, start: number, end: number): string {
  const cp = codePoints(s);
  if (end > cp.length) throw new Error(`index out of range: ${end}`);
  return cp.slice(start, end).join('');
}
/** CEL `int(string)`: a base-10 integer, else a runtime error. */
function celInt(s: string): number {
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`cannot convert "${s}" to int`);
  return Number(s);
}

const SCHEMES_WASM = ['', 'http', 'https', 'file', 'oci'];
const wasmUrl = (self: string) => (isUrl(self)
  ? SCHEMES_WASM.includes(requestUriScheme(self))
  : isUrl(`http://${self}`) && SCHEMES_WASM.includes(requestUriScheme(`http://${self}`)));
const wasmUrlRule: CelRule = { test: wasmUrl, fix: 'use an http://, https://, file:// or oci:// URL (or a bare registry reference)' };
const targetOrSelector = 'set either `selector` or `targetRef(s)`, not both';
const validPortName = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const noCredentialNamesWithCertificates: CelRule = {
  test: (self) => atMostOne(self, 'tlsCertificates', 'credentialNames'),
  fix: 'set either `credentialNames` or `tlsCertificates`, not both',
};

/** Every rule text of the pinned CRDs, with its predicate. */
export const CEL_RULES: { [rule: string]: CelRule } = {
  'duration(self) >= duration(\'1ms\')': {
    test: (self) => goDurationNanos(self) >= 1e6,
    fix: 'use a Go duration of at least 1ms, such as `250ms`, `5s` or `1m30s`',
  },
  'self.all(key, !key.contains("*"))': { test: (self) => Object.keys(self).every((k) => !k.includes('*')), fix: 'select on exact label keys, without `*`' },
  'self.all(key, key.size() != 0)': { test: (self) => Object.keys(self).every((k) => k.length !== 0), fix: 'remove the empty label key' },
  '!self.contains("*")': { test: (self) => !self.includes('*'), fix: 'select on exact label values, without `*`' },
  'self.size() == 0': { test: (self) => codePoints(self).length === 0, fix: 'remove `namespace`: the target must be in the policy\'s namespace' },
  '(has(self.selector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': { test: (self) => atMostOne(self, 'selector', 'targetRefs'), fix: targetOrSelector },
  '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': {
    test: (self) => atMostOne(self, 'selector', 'targetRef', 'targetRefs'),
    fix: targetOrSelector,
  },
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': {
    test: (self) => atMostOne(self, 'workloadSelector', 'targetRefs'),
    fix: 'set either `workloadSelector` or `targetRefs`, not both',
  },
  'has(self.wasm) != has(self.lua)': { test: (self) => has(self, 'wasm') !== has(self, 'lua'), fix: 'set exactly one of `wasm` and `lua`' },
  'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) &&\nurl("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])': wasmUrlRule,
  'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) &&\nurl("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])': wasmUrlRule,
  '(has(self.valueFrom) ? self.valueFrom : "") != "HOST" || !has(self.value)': {
    test: (self) => (self.valueFrom ?? '') !== 'HOST' || !has(self, 'value'),
    fix: 'remove `value` or set `valueFrom: INLINE`',
  },
  'has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)': {
    test: (self) => (self.context === 'WAYPOINT' ? has(self, 'waypoint') : !has(self, 'waypoint')),
    fix: 'set `waypoint` exactly when `context` is WAYPOINT',
  },
  '0 < self && self <= 65535': { test: (self) => self > 0 && self <= 65535, fix: 'use a port number from 1 to 65535' },
  '(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': noCredentialNamesWithCertificates,
  '(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1': noCredentialNamesWithCertificates,
  '(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': {
    test: (self) => atMostOne(self, 'credentialName', 'credentialNames'),
    fix: 'set either `credentialName` or `credentialNames`, not both',
  },
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1': {
    test: (self) => atMostOne(self, 'workloadSelector', 'endpoints'),
    fix: 'set either `workloadSelector` or `endpoints`, not both',
  },
  '!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))': {
    test: (self) => !((self.addresses ?? []).some((a: string) => a.includes('/')) && !['STATIC', 'NONE'].includes(self.resolution ?? 'NONE')),
    fix: 'use `resolution: STATIC` or `NONE` with CIDR addresses, or list plain IP addresses',
  },
  '((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true': {
    test: (self) => (self.resolution ?? 'NONE') !== 'NONE' || !has(self, 'endpoints'),
    fix: 'remove `endpoints` or set `resolution` to STATIC or DNS',
  },
  '((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true': {
    test: (self) => self.resolution !== 'DNS_ROUND_ROBIN' || (self.endpoints ?? []).length <= 1,
    fix: 'list at most one endpoint, or use `resolution: DNS`',
  },
  'has(self.address) || has(self.network)': { test: (self) => has(self, 'address') || has(self, 'network'), fix: 'set `address` (or `network`)' },
  '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': {
    test: (self) => !(self.address ?? '').startsWith('unix://') || !has(self, 'ports'),
    fix: 'remove `ports` from the unix:// endpoint',
  },
  'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true': {
    test: (self) => !self.startsWith('unix://') || ['/', '@'].includes(substring(self, 7, 8)),
    fix: 'write the socket as `unix:///absolute/path` or `unix://@abstract`',
  },
  'self.startsWith("unix://") ? !self.endsWith("/") : true': { test: (self) => !self.startsWith('unix://') || !self.endsWith('/'), fix: 'name the socket file, not a directory' },
  'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))': {
    test: (self) => Object.keys(self).every((k) => codePoints(k).length < 63 && validPortName.test(k)),
    fix: 'name ports with letters, digits and inner dashes, under 63 characters',
  },
  'self != "*"': { test: (self) => self !== '*', fix: 'list the concrete host names (a `*.example.com` wildcard is allowed)' },
  'self.all(l1, self.exists_one(l2, l1.number == l2.number))': {
    test: (self) => self.every((l1: any) => self.filter((l2: any) => field(l1, 'number') === field(l2, 'number')).length === 1),
    fix: 'give every port a distinct number',
  },
  'self in ["", "HTTP", "HTTPS"]': { test: (self) => ['', 'HTTP', 'HTTPS'].includes(self), fix: 'use `HTTP` or `HTTPS`' },
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&\n!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true': {
    test: (self) => !(has(self, 'serviceAccounts') || has(self, 'notServiceAccounts'))
      || ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].every((f) => !has(self, f)),
    fix: 'match on `serviceAccounts` alone, or on `principals` / `namespaces` alone, in one source',
  },
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true': {
    test: (self) => !has(self, 'portLevelMtls') || Object.keys(self.selector?.matchLabels ?? {}).length > 0,
    fix: 'add `selector.matchLabels` selecting the workload the port-level mTLS applies to',
  },
  'self.all(key, 0 < int(key) && int(key) <= 65535)': {
    test: (self) => Object.keys(self).every((k) => celInt(k) > 0 && celInt(k) <= 65535),
    fix: 'key `portLevelMtls` by port numbers from 1 to 65535',
  },
  '(has(self.jwksUri) ? 1 : 0) + (has(self.jwks_uri) ? 1 : 0) + (has(self.jwks) ? 1 : 0) <= 1': {
    test: (self) => atMostOne(self, 'jwksUri', 'jwks_uri', 'jwks'),
    fix: 'set one of `jwksUri` and `jwks`',
  },
  'url(self).getScheme() in ["http", "https"]': {
    test: (self) => ['http', 'https'].includes(requestUriScheme(self)),
    fix: 'use an absolute http:// or https:// URL',
  },
  '((has(self.operation) ? self.operation : "") == "UPSERT") ? (self.value != "") : true': {
    test: (self) => self.operation !== 'UPSERT' || field(self, 'value') !== '',
    fix: 'set `value` to the tag\'s expression',
  },
  '((has(self.operation) ? self.operation : "") == "REMOVE") ? !has(self.value) : true': {
    test: (self) => self.operation !== 'REMOVE' || !has(self, 'value'),
    fix: 'remove `value` from the REMOVE override',
  },
};
