// The CEL rules (`x-kubernetes-validations`) of the pinned Gateway API CRDs (v1.5.1, standard
// channel), as hand-written predicates keyed by the exact rule text, like the Istio ones in
// cel-rules.ts. Chosen over a CEL engine by measurement (docs/analysis.md, "CEL rules"): on a
// realistic object set the predicates cost a fraction of the fastest engine's time per object, load
// in no time and add no dependency. `self` is the value after the CRD's defaults are applied, as
// the API server evaluates it. test/gateway-api-schema.test.ts runs every rule text through a CEL
// implementation (@bufbuild/cel) as well and fails when the two disagree on a fixture, or when
// the generated schemas contain a rule this table does not know.
//
// Semantics kept from CEL: reading an absent field is a runtime error (a violation), `size()` of a
// string counts code points, `matches()` is an RE2 search (the patterns below are the rules' RE2
// patterns in JS syntax: `(?i)` becomes the `i` flag).
import { CelRule, codePoints, field, goDurationNanos, has } from './cel-rules';
import { isCelIp } from './ip-address';

/** `!has(x.f) || x.f == ''`. */
const blank = (x: any, name: string) => !has(x, name) || x[name] === '';
/** `has(x.f) && size(x.f) > 0` for a list. */
const nonEmpty = (x: any, name: string) => has(x, name) && x[name].length > 0;
/** CEL `list.exists_one(e, p)`: exactly one element satisfies p. */
const one = <T>(list: T[], p: (e: T) => boolean) => list.filter(p).length === 1;
/** CEL `a || b`: true when either is true, even if the other is an error. */
function or(...terms: (() => boolean)[]): boolean {
  let error: unknown;
  for (const term of terms) {
    try {
      if (term()) return true;
    } catch (e) {
      error = e;
    }
  }
  if (error) throw error;
  return false;
}

const DNS_LABELS = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
/** Hostnames of Gateway addresses: an optional `*.` then DNS labels. */
const ADDRESS_HOSTNAME = new RegExp(`^(\\*\\.)?${DNS_LABELS}$`);
/** RFC 1123 hostnames of TLSRoute. */
const RFC_1123 = new RegExp(`^(${DNS_LABELS})$`);
/** Label and annotation keys: an optional DNS-subdomain prefix and `/`, then a name. */
const LABEL_KEY = new RegExp(`^(${DNS_LABELS}/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$`);
const GRPC_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** Two references name the same object: group, kind, name and (for routes' parents) namespace. */
const sameTarget = (a: any, b: any) => field(a, 'group') === field(b, 'group') && field(a, 'kind') === field(b, 'kind') && field(a, 'name') === field(b, 'name');
const sameNamespace = (a: any, b: any) => (blank(a, 'namespace') && blank(b, 'namespace')) || (has(a, 'namespace') && has(b, 'namespace') && a.namespace === b.namespace);
const sameSection = (a: any, b: any) => (blank(a, 'sectionName') && blank(b, 'sectionName')) || (has(a, 'sectionName') && has(b, 'sectionName') && a.sectionName === b.sectionName);
/** The section rules of `targetRefs` / `parentRefs`: `same(p1, p2)` says whether two references name one object. */
function sectionRules(same: (a: any, b: any) => boolean): [(self: any[]) => boolean, (self: any[]) => boolean] {
  return [
    (self) => self.every((p1) => self.every((p2) => !same(p1, p2) || blank(p1, 'sectionName') === blank(p2, 'sectionName'))),
    (self) => self.every((p1) => one(self, (p2) => same(p1, p2) && sameSection(p1, p2))),
  ];
}
const [targetSectionsSet, targetSectionsUnique] = sectionRules(sameTarget);
const [parentSectionsSet, parentSectionsUnique] = sectionRules((a, b) => sameTarget(a, b) && sameNamespace(a, b));
const sectionNameSet = 'give every reference to that object a `sectionName`, or give none of them one';
const sectionNameUnique = 'remove the duplicate reference, or give each reference to that object a different `sectionName`';

/** Gateway `addresses`: each value of the type appears once. */
const uniqueAddresses = (type: string) => (self: any[]) => self.every((a1) => !(field(a1, 'type') === type && has(a1, 'value'))
  || one(self, (a2) => field(a2, 'type') === a1.type && has(a2, 'value') && a2.value === a1.value));

/** `listeners`: the same port, protocol and hostname twice (ListenerSet: only among listeners with a port). */
const sameListener = (l1: any, l2: any) => field(l1, 'port') === field(l2, 'port') && field(l1, 'protocol') === field(l2, 'protocol')
  && (has(l1, 'hostname') && has(l2, 'hostname') ? l1.hostname === l2.hostname : !has(l1, 'hostname') && !has(l2, 'hostname'));
const uniqueListener: Omit<CelRule, 'test'> = { fix: 'give each listener a different port, protocol or hostname' };

/** The sum of `rules[i].matches.size()` over the first 16 rules (GRPCRoute: a rule without matches counts 0). */
const totalMatches = (self: any[], optional: boolean) => self.slice(0, 16).reduce((n, r) => n + (optional && !has(r, 'matches') ? 0 : field(r, 'matches').length), 0);
const matchesRuleText = (optional: boolean) => Array.from({ length: 16 }, (_, i) => (optional
  ? `(self.size() > ${i} ? (has(self[${i}].matches) ? self[${i}].matches.size() : 0) : 0)`
  : `(self.size() > ${i} ? self[${i}].matches.size() : 0)`)).join(' + ') + ' <= 128';
const tooManyMatches = 'keep the matches of all rules together at 128 or fewer: split the route';

/** A `ReplacePrefixMatch` path change with its prefix, in the filter's `requestRedirect` or `urlRewrite`. */
const replacesPrefix = (f: any, kind: string) => has(f, kind) && has(f[kind], 'path') && field(f[kind].path, 'type') === 'ReplacePrefixMatch' && has(f[kind].path, 'replacePrefixMatch');
/** `size(self.matches) == 1 && has(self.matches[0].path) && self.matches[0].path.type == 'PathPrefix'`. */
const onePrefixMatch = (rule: any) => !(field(rule, 'matches').length !== 1 || !has(rule.matches[0], 'path') || field(rule.matches[0].path, 'type') !== 'PathPrefix');
const prefixText = (kind: string) => `has(f.${kind}) && has(f.${kind}.path) && f.${kind}.path.type == 'ReplacePrefixMatch' && has(f.${kind}.path.replacePrefixMatch)`;
const onePrefixText = "((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true)";
const onePrefixFix = 'match exactly one `PathPrefix` path in this rule, or replace the full path (`ReplaceFullPath`)';

/** `(self.type in ['Exact','PathPrefix']) ? <test of self.value> : true` of HTTPRoute path matches. */
const literalPath = (test: (value: string) => boolean) => (self: any) => !['Exact', 'PathPrefix'].includes(field(self, 'type')) || test(field(self, 'value'));
const cleanPath = 'write the path without `//`, `/./`, `/../`, `%2f`, `#` or a trailing `/.` or `/..`';

export const GATEWAY_API_CEL_RULES: { [rule: string]: CelRule } = {
  // BackendTLSPolicy
  "self.all(p1, self.all(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '')) : true))": {
    test: targetSectionsSet,
    fix: sectionNameSet,
  },
  "self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))": {
    test: targetSectionsUnique,
    fix: sectionNameUnique,
  },
  '!(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 && has(self.wellKnownCACertificates) && self.wellKnownCACertificates != "")': {
    test: (self) => !(nonEmpty(self, 'caCertificateRefs') && !blank(self, 'wellKnownCACertificates')),
    fix: 'set either `caCertificateRefs` or `wellKnownCACertificates`, not both',
  },
  '(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 || has(self.wellKnownCACertificates) && self.wellKnownCACertificates != "")': {
    test: (self) => nonEmpty(self, 'caCertificateRefs') || !blank(self, 'wellKnownCACertificates'),
    fix: 'set `caCertificateRefs` (a ConfigMap with the CA bundle) or `wellKnownCACertificates: System`',
  },

  // Gateway (and ListenerSet listeners)
  "self.all(a1, a1.type == 'IPAddress' && has(a1.value) ? self.exists_one(a2, a2.type == a1.type && has(a2.value) && a2.value == a1.value) : true )": {
    test: uniqueAddresses('IPAddress'),
    fix: 'list each IP address once',
  },
  "self.all(a1, a1.type == 'Hostname'  && has(a1.value) ? self.exists_one(a2, a2.type == a1.type && has(a2.value) && a2.value == a1.value) : true )": {
    test: uniqueAddresses('Hostname'),
    fix: 'list each hostname once',
  },
  'self.type == \'Hostname\' ? (!has(self.value) || self.value.matches(r"""^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$""")): true': {
    test: (self) => field(self, 'type') !== 'Hostname' || !has(self, 'value') || ADDRESS_HOSTNAME.test(self.value),
    fix: 'use a lower-case DNS name, optionally starting with `*.`',
  },
  'self.type == \'Hostname\' ? self.value.matches(r"""^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"""): true': {
    test: (self) => field(self, 'type') !== 'Hostname' || ADDRESS_HOSTNAME.test(field(self, 'value')),
    fix: 'use a lower-case DNS name, optionally starting with `*.`',
  },
  'self.all(key, key.matches(r"""^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$"""))': {
    test: (self) => Object.keys(self).every((key) => LABEL_KEY.test(key)),
    fix: 'use keys of the form `prefix/name`: an optional lower-case DNS prefix, a name of up to 63 letters, digits, `-`, `_` and `.` that starts and ends alphanumeric',
  },
  'self.all(key, key.split("/")[0].size() < 253)': {
    test: (self) => Object.keys(self).every((key) => codePoints(key.split('/')[0]).length < 253),
    fix: 'shorten the key\'s prefix to under 253 characters',
  },
  "self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true)": {
    test: (self) => self.every((l: any) => !['HTTP', 'TCP', 'UDP'].includes(field(l, 'protocol')) || !has(l, 'tls')),
    fix: 'remove `tls` from the HTTP/TCP/UDP listener, or use protocol HTTPS or TLS',
  },
  "self.all(l, (l.protocol == 'HTTPS' && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode == 'Terminate') : true)": {
    test: (self) => self.every((l: any) => !(field(l, 'protocol') === 'HTTPS' && has(l, 'tls')) || ['', 'Terminate'].includes(field(l.tls, 'mode'))),
    fix: 'use `tls.mode: Terminate` on an HTTPS listener (for Passthrough, use protocol TLS)',
  },
  "self.all(l, (l.protocol == 'TLS' ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' : true))": {
    test: (self) => self.every((l: any) => field(l, 'protocol') !== 'TLS' || (has(l, 'tls') && !blank(l.tls, 'mode'))),
    fix: 'set `tls` (mode Terminate or Passthrough) on the TLS listener',
  },
  "self.all(l, l.protocol in ['TCP', 'UDP']  ? (!has(l.hostname) || l.hostname == '') : true)": {
    test: (self) => self.every((l: any) => !['TCP', 'UDP'].includes(field(l, 'protocol')) || blank(l, 'hostname')),
    fix: 'remove `hostname` from the TCP/UDP listener',
  },
  'self.all(l1, self.exists_one(l2, l1.name == l2.name))': {
    test: (self) => self.every((l1: any) => one(self, (l2: any) => field(l1, 'name') === field(l2, 'name'))),
    fix: 'give every listener a different name',
  },
  'self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname))))': {
    test: (self) => self.every((l1: any) => one(self, (l2: any) => sameListener(l1, l2))),
    ...uniqueListener,
  },
  'self.all(l1, !has(l1.port) || self.exists_one(l2, has(l2.port) && l1.port == l2.port && l1.protocol == l2.protocol && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname))))': {
    test: (self) => self.every((l1: any) => !has(l1, 'port') || one(self, (l2: any) => has(l2, 'port') && sameListener(l1, l2))),
    ...uniqueListener,
  },
  "self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true": {
    test: (self) => field(self, 'mode') !== 'Terminate' || or(() => field(self, 'certificateRefs').length > 0, () => Object.keys(field(self, 'options')).length > 0),
    fix: 'add `certificateRefs` (the Secret with the certificate and key) to the terminating listener',
  },
  'self.all(t1, self.exists_one(t2, t1.port == t2.port))': {
    test: (self) => self.every((t1: any) => one(self, (t2: any) => field(t1, 'port') === field(t2, 'port'))),
    fix: 'configure each port once in `tls.frontend.perPort`',
  },

  // Routes: parents, rules, backends, filters
  "self.all(p1, self.all(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__ )) ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '')) : true))": {
    test: parentSectionsSet,
    fix: sectionNameSet,
  },
  "self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == '')) || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__ )) && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))": {
    test: parentSectionsUnique,
    fix: sectionNameUnique,
  },
  [matchesRuleText(true)]: { test: (self) => totalMatches(self, true) <= 128, fix: tooManyMatches },
  [matchesRuleText(false)]: { test: (self) => totalMatches(self, false) <= 128, fix: tooManyMatches },
  "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true": {
    test: (self) => !(codePoints(field(self, 'group')).length === 0 && field(self, 'kind') === 'Service') || has(self, 'port'),
    fix: 'set `port` on the Service reference',
  },
  '!(has(self.percent) && has(self.fraction))': { test: (self) => !(has(self, 'percent') && has(self, 'fraction')), fix: 'set either `percent` or `fraction`, not both' },
  'self.numerator <= self.denominator': { test: (self) => field(self, 'numerator') <= field(self, 'denominator'), fix: 'use a `numerator` no larger than the `denominator` (100 by default)' },
  'has(self.type) ? has(self.service) || has(self.method) : true': {
    test: (self) => !has(self, 'type') || has(self, 'service') || has(self, 'method'),
    fix: 'set the gRPC `service`, `method` or both',
  },
  '(!has(self.type) || self.type == \'Exact\') && has(self.service) ? self.service.matches(r"""^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$"""): true': {
    test: (self) => !((!has(self, 'type') || self.type === 'Exact') && has(self, 'service')) || GRPC_SERVICE.test(self.service),
    fix: 'use a fully qualified gRPC service name such as `shop.v1.Cart`',
  },
  '(!has(self.type) || self.type == \'Exact\') && has(self.method) ? self.method.matches(r"""^[A-Za-z_][A-Za-z_0-9]*$"""): true': {
    test: (self) => !((!has(self, 'type') || self.type === 'Exact') && has(self, 'method')) || GRPC_METHOD.test(self.method),
    fix: 'use a gRPC method name such as `AddItem`: letters, digits and `_`',
  },
  '(has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) || self.filters.all(f, !has(f.requestRedirect))): true': {
    test: (self) => !nonEmpty(self, 'backendRefs') || !has(self, 'filters') || self.filters.every((f: any) => !has(f, 'requestRedirect')),
    fix: 'remove `backendRefs` from the redirecting rule, or move the redirect to a rule of its own',
  },
  [`(has(self.filters) && self.filters.exists_one(f, ${prefixText('requestRedirect')})) ? ${onePrefixText} : true`]: {
    test: (self) => !(has(self, 'filters') && one(self.filters, (f: any) => replacesPrefix(f, 'requestRedirect'))) || onePrefixMatch(self),
    fix: onePrefixFix,
  },
  [`(has(self.filters) && self.filters.exists_one(f, ${prefixText('urlRewrite')})) ? ${onePrefixText} : true`]: {
    test: (self) => !(has(self, 'filters') && one(self.filters, (f: any) => replacesPrefix(f, 'urlRewrite'))) || onePrefixMatch(self),
    fix: onePrefixFix,
  },
  [`(has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, ${prefixText('requestRedirect')})) )) ? ${onePrefixText} : true`]: {
    test: (self) => !(has(self, 'backendRefs') && one(self.backendRefs, (b: any) => has(b, 'filters') && one(b.filters, (f: any) => replacesPrefix(f, 'requestRedirect')))) || onePrefixMatch(self),
    fix: onePrefixFix,
  },
  [`(has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, ${prefixText('urlRewrite')})) )) ? ${onePrefixText} : true`]: {
    test: (self) => !(has(self, 'backendRefs') && one(self.backendRefs, (b: any) => has(b, 'filters') && one(b.filters, (f: any) => replacesPrefix(f, 'urlRewrite')))) || onePrefixMatch(self),
    fix: onePrefixFix,
  },
  "!(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))": {
    test: (self) => !(self.some((f: any) => field(f, 'type') === 'RequestRedirect') && self.some((f: any) => field(f, 'type') === 'URLRewrite')),
    fix: 'use either a RequestRedirect or a URLRewrite filter in one rule, not both',
  },
  "!('*' in self && self.size() > 1)": { test: (self) => !(self.includes('*') && self.length > 1), fix: 'list `*` alone, or list the values without `*`' },
  "!(has(self.request) && has(self.backendRequest) && duration(self.request) != duration('0s') && duration(self.backendRequest) > duration(self.request))": {
    test: (self) => !(has(self, 'request') && has(self, 'backendRequest') && goDurationNanos(self.request) !== 0 && goDurationNanos(self.backendRequest) > goDurationNanos(self.request)),
    fix: 'use a `backendRequest` timeout no longer than the `request` timeout',
  },

  // TLSRoute hostnames
  'self.all(h, !isIP(h))': { test: (self) => self.every((h: string) => !isCelIp(h)), fix: 'use host names (SNI), not IP addresses' },
  "self.all(h, !h.contains('*') ? h.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$') : true)": {
    test: (self) => self.every((h: string) => h.includes('*') || RFC_1123.test(h)),
    fix: 'use lower-case DNS names (RFC 1123)',
  },
  "self.all(h, h.contains('*') ? (h.startsWith('*.') && h.substring(2).matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$')) : true)": {
    test: (self) => self.every((h: string) => !h.includes('*') || (h.startsWith('*.') && RFC_1123.test(codePoints(h).slice(2).join('')))),
    fix: 'put the wildcard only as the whole first label: `*.example.com`',
  },
};

// BackendTLSPolicy subject alt names: the field of the type is set, and only that one.
for (const [type, name] of [['Hostname', 'hostname'], ['URI', 'uri']]) {
  GATEWAY_API_CEL_RULES[`!(self.type == "${type}" && (!has(self.${name}) || self.${name} == ""))`] = {
    test: (self) => !(field(self, 'type') === type && blank(self, name)),
    fix: `set \`${name}\` on the \`${type}\` subject alt name`,
  };
  GATEWAY_API_CEL_RULES[`!(self.type != "${type}" && has(self.${name}) && self.${name} != "")`] = {
    test: (self) => !(field(self, 'type') !== type && !blank(self, name)),
    fix: `remove \`${name}\`, or set \`type: ${type}\``,
  };
}
// Filters of HTTPRoute and GRPCRoute (rules and backendRefs): each typed field goes with its type,
// and a type of filter appears once in a list.
for (const [name, type] of [['requestHeaderModifier', 'RequestHeaderModifier'], ['responseHeaderModifier', 'ResponseHeaderModifier'],
  ['requestMirror', 'RequestMirror'], ['requestRedirect', 'RequestRedirect'], ['urlRewrite', 'URLRewrite'], ['extensionRef', 'ExtensionRef'], ['cors', 'CORS']]) {
  GATEWAY_API_CEL_RULES[`!(has(self.${name}) && self.type != '${type}')`] = {
    test: (self) => !(has(self, name) && field(self, 'type') !== type),
    fix: `remove \`${name}\`, or set \`type: ${type}\``,
  };
  GATEWAY_API_CEL_RULES[`!(!has(self.${name}) && self.type == '${type}')`] = {
    test: (self) => !(!has(self, name) && field(self, 'type') === type),
    fix: `set \`${name}\` on the ${type} filter`,
  };
}
for (const type of ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'CORS']) {
  GATEWAY_API_CEL_RULES[`self.filter(f, f.type == '${type}').size() <= 1`] = {
    test: (self) => self.filter((f: any) => field(f, 'type') === type).length <= 1,
    fix: `merge the ${type} filters into one`,
  };
}
// Path changes of RequestRedirect and URLRewrite: the type names the field that is set.
for (const [name, type] of [['replaceFullPath', 'ReplaceFullPath'], ['replacePrefixMatch', 'ReplacePrefixMatch']]) {
  GATEWAY_API_CEL_RULES[`self.type == '${type}' ? has(self.${name}) : true`] = {
    test: (self) => field(self, 'type') !== type || has(self, name),
    fix: `set \`${name}\` for \`type: ${type}\``,
  };
  GATEWAY_API_CEL_RULES[`has(self.${name}) ? self.type == '${type}' : true`] = {
    test: (self) => !has(self, name) || field(self, 'type') === type,
    fix: `set \`type: ${type}\`, or remove \`${name}\``,
  };
}
// HTTPRoute path matches: an Exact or PathPrefix value is a clean absolute path.
Object.assign(GATEWAY_API_CEL_RULES, {
  "(self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true": { test: literalPath((v) => v.startsWith('/')), fix: 'start the path with `/`' },
  "self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'": {
    test: (self: any) => ['Exact', 'PathPrefix', 'RegularExpression'].includes(field(self, 'type')),
    fix: 'use type Exact, PathPrefix or RegularExpression',
  },
  '(self.type in [\'Exact\',\'PathPrefix\']) ? self.value.matches(r"""^(?:[-A-Za-z0-9/._~!$&\'()*+,;=:@]|[%][0-9a-fA-F]{2})+$""") : true': {
    test: literalPath((v) => PATH_CHARACTERS.test(v)),
    fix: 'percent-encode the characters a URL path cannot hold',
  },
});
for (const part of ['//', '/./', '/../', '%2f', '%2F', '#']) {
  GATEWAY_API_CEL_RULES[`(self.type in ['Exact','PathPrefix']) ? !self.value.contains('${part}') : true`] = { test: literalPath((v) => !v.includes(part)), fix: cleanPath };
}
for (const end of ['/..', '/.']) {
  GATEWAY_API_CEL_RULES[`(self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('${end}') : true`] = { test: literalPath((v) => !v.endsWith(end)), fix: cleanPath };
}
