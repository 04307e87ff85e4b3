// SchemaValidator on the Gateway API v1.5.1 CRDs: structural schema, defaults, and every CEL rule.
// The CEL rules are checked three ways on the fixtures below: the expected findings written here,
// the hand-written predicates (src/analysis/gateway-api-cel-rules.ts, through schemaFindings), and
// the rule text itself run on a second CEL implementation (@bufbuild/cel, with RE2 regexes) at every
// place of every fixture where the CRD evaluates a rule.
import { isIP } from 'net';
import { URL } from 'url';
import { celEnv, celFunc, CelScalar, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { App, Chart, Testing } from 'cdk8s';
import { walk } from './crd-schema';
import { validateObjects } from './validate';
import { gatewayApi, MeshAnalyzer, SchemaValidator, Severity } from '../src';
import { GATEWAY_API_CEL_RULES } from '../src/analysis/gateway-api-cel-rules';
import { isCelIp, isFormatIp } from '../src/analysis/ip-address';
import { schemaFindings } from '../src/analysis/schema';
import { GATEWAY_API_CRD_SCHEMAS } from '../src/imports/gateway-api-schemas';

const GW = 'gateway.networking.k8s.io/v1';
const obj = (kind: string, spec: any, apiVersion = GW) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns' }, spec });
const messages = (o: any) => schemaFindings(o).map((f) => f.message);

const gateway = (spec: any) => obj('Gateway', { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], ...spec });
const listeners = (...ls: any[]) => gateway({ listeners: ls });
const httpRoute = (spec: any) => obj('HTTPRoute', { parentRefs: [{ name: 'gw' }], ...spec });
const routeRule = (r: any) => httpRoute({ rules: [r] });
const filters = (...fs: any[]) => routeRule({ filters: fs });
const backendFilters = (...fs: any[]) => routeRule({ backendRefs: [{ name: 'b', port: 80, filters: fs }] });
const path = (p: any) => routeRule({ matches: [{ path: p }] });
const grpcRoute = (spec: any) => obj('GRPCRoute', { parentRefs: [{ name: 'gw' }], ...spec });
const grpcMethod = (method: any) => grpcRoute({ rules: [{ matches: [{ method }] }] });
const tlsRoute = (hostnames: string[]) => obj('TLSRoute', { parentRefs: [{ name: 'gw' }], hostnames, rules: [{ backendRefs: [{ name: 'b', port: 443 }] }] });
const service = (name: string, extra: any = {}) => ({ group: '', kind: 'Service', name, ...extra });
const btls = (spec: any) => obj('BackendTLSPolicy', { targetRefs: [service('b')], ...spec, validation: { hostname: 'b.example.com', wellKnownCACertificates: 'System', ...spec.validation } });
const san = (...subjectAltNames: any[]) => btls({ validation: { subjectAltNames } });
const caRef = { group: '', kind: 'ConfigMap', name: 'ca' };
const mirror = (m: any) => filters({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, ...m } });
const redirectPath = (p: any) => filters({ type: 'RequestRedirect', requestRedirect: { path: p } });
const matchesOf = (n: number, m: any) => Array.from({ length: n }, () => m);
const ext = { group: 'example.com', kind: 'Plugin', name: 'p' };

/** Each filter field with its type and a valid value. */
const FILTER_FIELDS: Array<[string, string, any]> = [
  ['requestHeaderModifier', 'RequestHeaderModifier', { set: [{ name: 'x-a', value: '1' }] }],
  ['responseHeaderModifier', 'ResponseHeaderModifier', { remove: ['x-b'] }],
  ['requestMirror', 'RequestMirror', { backendRef: { name: 'm', port: 80 } }],
  ['requestRedirect', 'RequestRedirect', { scheme: 'https' }],
  ['urlRewrite', 'URLRewrite', { hostname: 'a.example.com' }],
  ['extensionRef', 'ExtensionRef', ext],
  ['cors', 'CORS', { allowOrigins: ['https://a.example.com'] }],
];

/** [case, object, expected messages (`path: message` prefixes), none when valid]. */
const CASES: Array<[string, any, string | string[]]> = [
  // BackendTLSPolicy
  ['BackendTLSPolicy: the same target with and without sectionName', btls({ targetRefs: [service('b'), service('b', { sectionName: 'https' })] }),
    'spec.targetRefs: sectionName must be specified when targetRefs includes 2 or more references to the same target'],
  ['BackendTLSPolicy: the same target twice', btls({ targetRefs: [service('b'), service('b')] }),
    'spec.targetRefs: sectionName must be unique when targetRefs includes 2 or more references to the same target'],
  ['BackendTLSPolicy: the same section twice', btls({ targetRefs: [service('b', { sectionName: 'a' }), service('b', { sectionName: 'a' })] }),
    'spec.targetRefs: sectionName must be unique'],
  ['BackendTLSPolicy: sections of one target, and another target', btls({ targetRefs: [service('b', { sectionName: 'a' }), service('b', { sectionName: 'c' }), service('d')] }), ''],
  ['BackendTLSPolicy: both CA sources', btls({ validation: { caCertificateRefs: [caRef] } }),
    'spec.validation: must not contain both CACertificateRefs and WellKnownCACertificates'],
  ['BackendTLSPolicy: no CA source', obj('BackendTLSPolicy', { targetRefs: [service('b')], validation: { hostname: 'b.example.com', caCertificateRefs: [] } }),
    'spec.validation: must specify either CACertificateRefs or WellKnownCACertificates'],
  ['BackendTLSPolicy: CA references only', obj('BackendTLSPolicy', { targetRefs: [service('b')], validation: { hostname: 'b.example.com', caCertificateRefs: [caRef] } }), ''],
  ['BackendTLSPolicy: Hostname SAN without hostname', san({ type: 'Hostname' }),
    'spec.validation.subjectAltNames[0]: SubjectAltName element must contain Hostname, if Type is set to Hostname'],
  ['BackendTLSPolicy: URI SAN with a hostname', san({ type: 'URI', uri: 'spiffe://cluster.local/ns/a/sa/b', hostname: 'a.example.com' }),
    'spec.validation.subjectAltNames[0]: SubjectAltName element must not contain Hostname, if Type is not set to Hostname'],
  ['BackendTLSPolicy: URI SAN without uri', san({ type: 'URI' }), 'spec.validation.subjectAltNames[0]: SubjectAltName element must contain URI, if Type is set to URI'],
  ['BackendTLSPolicy: Hostname SAN with a uri', san({ type: 'Hostname', hostname: 'a.example.com', uri: 'spiffe://cluster.local/ns/a/sa/b' }),
    'spec.validation.subjectAltNames[0]: SubjectAltName element must not contain URI, if Type is not set to URI'],
  ['BackendTLSPolicy: SANs', san({ type: 'Hostname', hostname: 'a.example.com' }, { type: 'URI', uri: 'spiffe://cluster.local/ns/a/sa/b' }), ''],

  // Gateway
  ['Gateway: an IP address twice (type defaulted)', gateway({ addresses: [{ value: '10.0.0.1' }, { type: 'IPAddress', value: '10.0.0.1' }] }),
    'spec.addresses: IPAddress values must be unique'],
  ['Gateway: a hostname address twice', gateway({ addresses: [{ type: 'Hostname', value: 'lb.example.com' }, { type: 'Hostname', value: 'lb.example.com' }] }),
    'spec.addresses: Hostname values must be unique'],
  ['Gateway: an upper-case hostname address', gateway({ addresses: [{ type: 'Hostname', value: 'LB.example.com' }] }),
    'spec.addresses[0]: Hostname value must be empty or contain only valid characters'],
  ['Gateway: addresses', gateway({ addresses: [{ value: '10.0.0.1' }, { value: '2001:db8::1' }, { type: 'Hostname', value: '*.lb.example.com' }, { type: 'NamedAddress', value: 'reserved-ip' }] }), ''],
  ['Gateway: an infrastructure label key starting with a dash', gateway({ infrastructure: { labels: { '-team': 'a' } } }),
    'spec.infrastructure.labels: Label keys must be in the form of an optional DNS subdomain prefix'],
  ['Gateway: an infrastructure annotation key with a 253-character prefix', gateway({ infrastructure: { annotations: { [`${'a'.repeat(253)}/n`]: 'x' } } }),
    'spec.infrastructure.annotations: If specified, the annotation key\'s prefix must be a DNS subdomain not longer than 253 characters in total.'],
  ['Gateway: infrastructure labels and annotations', gateway({ infrastructure: { labels: { 'app.kubernetes.io/part-of': 'mesh', 'team': 'a' }, annotations: { [`${'a'.repeat(252)}/n`]: 'x' } } }), ''],
  ['Gateway: TLS on an HTTP listener', listeners({ name: 'http', port: 80, protocol: 'HTTP', tls: { certificateRefs: [{ name: 'cert' }] } }),
    'spec.listeners: tls must not be specified for protocols [\'HTTP\', \'TCP\', \'UDP\']'],
  ['Gateway: an HTTPS listener in Passthrough mode', listeners({ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Passthrough' } }),
    'spec.listeners: tls mode must be Terminate for protocol HTTPS'],
  ['Gateway: a TLS listener without tls', listeners({ name: 'tls', port: 443, protocol: 'TLS' }), 'spec.listeners: tls mode must be set for protocol TLS'],
  ['Gateway: a TCP listener with a hostname', listeners({ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'db.example.com' }),
    'spec.listeners: hostname must not be specified for protocols [\'TCP\', \'UDP\']'],
  ['Gateway: two listeners named alike', listeners({ name: 'a', port: 80, protocol: 'HTTP' }, { name: 'a', port: 81, protocol: 'HTTP' }), [
    'spec.listeners[1]: duplicate entry with name="a"',
    'spec.listeners: Listener name must be unique within the Gateway',
  ]],
  ['Gateway: two listeners on one port, protocol and hostname', listeners({ name: 'a', port: 80, protocol: 'HTTP' }, { name: 'b', port: 80, protocol: 'HTTP' }),
    'spec.listeners: Combination of port, protocol and hostname must be unique for each listener'],
  ['Gateway: a terminating listener without certificates (mode defaulted)', listeners({ name: 'https', port: 443, protocol: 'HTTPS', tls: {} }),
    'spec.listeners[0].tls: certificateRefs or options must be specified when mode is Terminate'],
  ['Gateway: listeners', listeners(
    { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'cert' }] } },
    { name: 'https-b', port: 443, protocol: 'HTTPS', hostname: 'b.example.org', tls: { mode: 'Terminate', certificateRefs: [{ name: 'cert-b' }] } },
    // Options without certificateRefs: CEL's `||` is true when one side is, even if the other is an error.
    { name: 'https-options', port: 8443, protocol: 'HTTPS', tls: { options: { 'example.com/cert-source': 'vault' } } },
    { name: 'tls', port: 9443, protocol: 'TLS', tls: { mode: 'Passthrough' } },
    { name: 'tcp', port: 9000, protocol: 'TCP' },
  ), ''],
  ['Gateway: one port twice in tls.frontend.perPort', gateway({
    tls: {
      frontend: {
        default: { validation: { caCertificateRefs: [caRef] } },
        perPort: [443, 443].map((port) => ({ port, tls: { validation: { caCertificateRefs: [caRef] } } })),
      },
    },
  }), ['spec.tls.frontend.perPort[1]: duplicate entry with port=443', 'spec.tls.frontend.perPort: Port for TLS configuration must be unique within the Gateway']],
  ['Gateway: tls.frontend.perPort', gateway({
    tls: {
      frontend: {
        default: { validation: { caCertificateRefs: [caRef] } },
        perPort: [{ port: 443, tls: { validation: { caCertificateRefs: [caRef] } } }, { port: 8443, tls: { validation: { caCertificateRefs: [caRef], mode: 'AllowInsecureFallback' } } }],
      },
    },
  }), ''],
  ['Gateway: an upper-case hostname in status', { ...gateway({}), status: { addresses: [{ type: 'Hostname', value: 'LB.example.com' }] } },
    'status.addresses[0]: Hostname value must only contain valid characters'],
  ['Gateway: status addresses', { ...gateway({}), status: { addresses: [{ type: 'Hostname', value: 'lb.example.com' }, { value: '10.0.0.1' }] } }, ''],
  ['ListenerSet: two listeners on one port, protocol and hostname', obj('ListenerSet', {
    parentRef: { name: 'gw' },
    listeners: [
      { name: 'a', port: 80, protocol: 'HTTP', hostname: 'a.example.com' }, { name: 'b', port: 80, protocol: 'HTTP', hostname: 'a.example.com' },
    ],
  }), 'spec.listeners: Combination of port, protocol and hostname must be unique for each listener'],
  ['ListenerSet: listeners', obj('ListenerSet', {
    parentRef: { name: 'gw' },
    listeners: [
      { name: 'a', port: 80, protocol: 'HTTP', hostname: 'a.example.com' }, { name: 'b', port: 80, protocol: 'HTTP', hostname: 'b.example.com' },
    ],
  }), ''],
  // controllerName is immutable (`self == oldSelf`): a transition rule, which a created object does not meet.
  ['GatewayClass', obj('GatewayClass', { controllerName: 'istio.io/gateway-controller' }), ''],

  // Routes: parents and rules
  ['HTTPRoute: the same parent with and without sectionName', httpRoute({ parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'https' }] }),
    'spec.parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent'],
  ['HTTPRoute: the same parent twice', httpRoute({ parentRefs: [{ name: 'gw' }, { name: 'gw' }] }),
    'spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent'],
  ['HTTPRoute: parents by namespace and section', httpRoute({
    parentRefs: [
      { name: 'gw' }, { name: 'gw', namespace: 'other' }, { name: 'gw', namespace: 'edge', sectionName: 'a' }, { name: 'gw', namespace: 'edge', sectionName: 'b' },
      { group: '', kind: 'Service', name: 'gw', port: 80 },
    ],
  }), ''],
  ['GRPCRoute: the same parent section twice', grpcRoute({ parentRefs: [{ name: 'gw', sectionName: 'a' }, { name: 'gw', sectionName: 'a' }] }),
    'spec.parentRefs: sectionName must be unique'],
  ['HTTPRoute: 129 matches', httpRoute({ rules: [{ matches: matchesOf(64, {}) }, { matches: matchesOf(64, {}) }, { matches: [{}] }] }),
    'spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128'],
  ['HTTPRoute: 128 matches, and rules with the default match', httpRoute({ rules: [{ matches: matchesOf(64, {}) }, { matches: matchesOf(62, {}) }, {}, {}] }), ''],
  ['HTTPRoute: no rules (defaulted)', httpRoute({}), ''],
  ['GRPCRoute: 129 matches', grpcRoute({ rules: [{ matches: matchesOf(64, { method: { service: 'a.B' } }) }, { matches: matchesOf(65, { method: { service: 'a.B' } }) }] }), [
    'spec.rules[1].matches: has 65 items, more than 64',
    'spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
  ]],
  ['GRPCRoute: 128 matches and a rule without matches', grpcRoute({ rules: [{ matches: matchesOf(64, { method: { service: 'a.B' } }) }, { matches: matchesOf(64, { method: { service: 'a.B' } }) }, {}] }), ''],
  ['HTTPRoute: a Service backend without a port', routeRule({ backendRefs: [{ name: 'b' }] }), 'spec.rules[0].backendRefs[0]: Must have port for Service reference'],
  ['HTTPRoute: a mirror to a Service without a port', filters({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm' } } }),
    'spec.rules[0].filters[0].requestMirror.backendRef: Must have port for Service reference'],
  ['HTTPRoute: backends', routeRule({ backendRefs: [{ name: 'b', port: 80, weight: 90 }, { group: 'example.com', kind: 'Bucket', name: 'c', weight: 10 }] }), ''],
  ['GRPCRoute: a Service backend without a port', grpcRoute({ rules: [{ backendRefs: [{ name: 'b' }] }] }), 'spec.rules[0].backendRefs[0]: Must have port for Service reference'],

  // Routes: filters
  ...FILTER_FIELDS.map(([name, type]): [string, any, string] => [`HTTPRoute: a ${type} filter without ${name}`, filters({ type }),
    `spec.rules[0].filters[0]: filter.${name} must be specified for ${type} filter.type`]),
  ...FILTER_FIELDS.map(([name, type, value]): [string, any, string] => [`HTTPRoute: ${name} on another filter type`,
    backendFilters(type === 'ExtensionRef' ? { type: 'CORS', cors: FILTER_FIELDS[6][2], extensionRef: value } : { type: 'ExtensionRef', extensionRef: ext, [name]: value }),
    `spec.rules[0].backendRefs[0].filters[0]: filter.${name} must be nil if the filter.type is not ${type}`]),
  ['HTTPRoute: every filter type', routeRule({ filters: FILTER_FIELDS.filter(([, type]) => type !== 'RequestRedirect').map(([name, type, value]) => ({ type, [name]: value })) }), ''],
  ...['RequestHeaderModifier', 'ResponseHeaderModifier', 'URLRewrite', 'CORS'].map((type): [string, any, string] => {
    const [name, , value] = FILTER_FIELDS.find(([, t]) => t === type)!;
    return [`HTTPRoute: two ${type} filters`, filters({ type, [name]: value }, { type, [name]: value }), `spec.rules[0].filters: ${type} filter cannot be repeated`];
  }),
  ['HTTPRoute: two RequestRedirect filters', filters({ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }, { type: 'RequestRedirect', requestRedirect: { port: 8443 } }),
    'spec.rules[0].filters: RequestRedirect filter cannot be repeated'],
  ['GRPCRoute: a filter type and field apart, and repeated', grpcRoute({
    rules: [{
      filters: [
        { type: 'RequestHeaderModifier', responseHeaderModifier: { remove: ['x-a'] } }, { type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-b'] } },
      ],
    }],
  }), [
    'spec.rules[0].filters[0]: filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type',
    'spec.rules[0].filters[0]: filter.responseHeaderModifier must be nil if the filter.type is not ResponseHeaderModifier',
    'spec.rules[0].filters: RequestHeaderModifier filter cannot be repeated',
  ]],
  ['GRPCRoute: filters', grpcRoute({ rules: [{ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-b'] } }, { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['x-c'] } }] }] }), ''],
  ['HTTPRoute: a mirror by percent and fraction', mirror({ percent: 10, fraction: { numerator: 1 } }),
    'spec.rules[0].filters[0].requestMirror: Only one of percent or fraction may be specified in HTTPRequestMirrorFilter'],
  ['HTTPRoute: a mirror fraction above the defaulted denominator', mirror({ fraction: { numerator: 150 } }),
    'spec.rules[0].filters[0].requestMirror.fraction: numerator must be less than or equal to denominator'],
  ['HTTPRoute: mirror fractions', routeRule({
    filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, fraction: { numerator: 50 } } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'n', port: 80 }, fraction: { numerator: 3, denominator: 3 } } }],
  }), ''],
  ['HTTPRoute: a redirect beside backends', routeRule({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }], backendRefs: [{ name: 'b', port: 80 }] }),
    'spec.rules[0]: RequestRedirect filter must not be used together with backendRefs'],
  ['HTTPRoute: a redirect and a rewrite in one rule', filters({ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }, { type: 'URLRewrite', urlRewrite: { hostname: 'a.example.com' } }),
    'spec.rules[0].filters: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both'],
  ['HTTPRoute: a prefix redirect on an Exact match', routeRule({
    matches: [{ path: { type: 'Exact', value: '/a' } }],
    filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } }],
  }),
  'spec.rules[0]: When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
  ['HTTPRoute: a prefix rewrite on two matches', routeRule({
    matches: [{ path: { type: 'PathPrefix', value: '/a' } }, { path: { type: 'PathPrefix', value: '/b' } }],
    filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/c' } } }],
  }),
  'spec.rules[0]: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
  ['HTTPRoute: a backend\'s prefix redirect on a regex match', routeRule({
    matches: [{ path: { type: 'RegularExpression', value: '/a.*' } }],
    backendRefs: [{ name: 'b', port: 80, filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/x' } } }] }],
  }),
  'spec.rules[0]: Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
  ['HTTPRoute: a backend\'s prefix rewrite on two matches', routeRule({
    matches: [{ path: { type: 'PathPrefix', value: '/a' } }, { headers: [{ name: 'x-a', value: '1' }] }],
    backendRefs: [{ name: 'b', port: 80, filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/x' } } }] }],
  }),
  'spec.rules[0]: Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified'],
  ['HTTPRoute: prefix changes on one PathPrefix match (defaulted or written)', httpRoute({
    rules: [
      { filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }], backendRefs: [{ name: 'b', port: 80 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }] },
      { matches: [{ path: { value: '/api' } }], backendRefs: [{ name: 'b', port: 80, filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }] }] },
    ],
  }), ''],
  ['HTTPRoute: CORS origins * and another', filters({ type: 'CORS', cors: { allowOrigins: ['*', 'https://a.example.com'] } }),
    'spec.rules[0].filters[0].cors.allowOrigins: AllowOrigins cannot contain \'*\' alongside other origins'],
  ['HTTPRoute: CORS methods * and another', backendFilters({ type: 'CORS', cors: { allowMethods: ['GET', '*'] } }),
    'spec.rules[0].backendRefs[0].filters[0].cors.allowMethods: AllowMethods cannot contain \'*\' alongside other methods'],
  ['HTTPRoute: CORS headers * and another, and a header twice', filters({ type: 'CORS', cors: { allowHeaders: ['x-a', '*', 'x-a'] } }), [
    'spec.rules[0].filters[0].cors.allowHeaders[2]: duplicate entry "x-a"',
    'spec.rules[0].filters[0].cors.allowHeaders: AllowHeaders cannot contain \'*\' alongside other methods',
  ]],
  ['HTTPRoute: CORS', filters({ type: 'CORS', cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST'], allowHeaders: ['*'], allowCredentials: false, maxAge: 60 } }), ''],
  ['HTTPRoute: ReplaceFullPath without replaceFullPath', redirectPath({ type: 'ReplaceFullPath' }),
    'spec.rules[0].filters[0].requestRedirect.path: replaceFullPath must be specified when type is set to \'ReplaceFullPath\''],
  ['HTTPRoute: ReplacePrefixMatch with replaceFullPath', filters({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replaceFullPath: '/x' } } }), [
    'spec.rules[0].filters[0].urlRewrite.path: type must be \'ReplaceFullPath\' when replaceFullPath is set',
    'spec.rules[0].filters[0].urlRewrite.path: replacePrefixMatch must be specified when type is set to \'ReplacePrefixMatch\'',
  ]],
  ['HTTPRoute: ReplaceFullPath with replacePrefixMatch', redirectPath({ type: 'ReplaceFullPath', replaceFullPath: '/x', replacePrefixMatch: '/y' }),
    'spec.rules[0].filters[0].requestRedirect.path: type must be \'ReplacePrefixMatch\' when replacePrefixMatch is set'],
  ['HTTPRoute: ReplaceFullPath', redirectPath({ type: 'ReplaceFullPath', replaceFullPath: '/x' }), ''],

  // HTTPRoute path matches
  ['HTTPRoute: a relative path', path({ type: 'Exact', value: 'a' }),
    'spec.rules[0].matches[0].path: value must be an absolute path and start with \'/\' when type one of [\'Exact\', \'PathPrefix\']'],
  ...[['//', '/a//b'], ['/./', '/a/./b'], ['/../', '/a/../b'], ['%2f', '/a%2fb'], ['%2F', '/a%2Fb']].map(([part, value]): [string, any, string] => [`HTTPRoute: a path with ${part}`,
    path({ type: 'PathPrefix', value }), `spec.rules[0].matches[0].path: must not contain '${part}' when type one of ['Exact', 'PathPrefix']`]),
  ['HTTPRoute: a path with #', path({ type: 'Exact', value: '/a#b' }), [
    'spec.rules[0].matches[0].path: must not contain \'#\' when type one of [\'Exact\', \'PathPrefix\']',
    'spec.rules[0].matches[0].path: must only contain valid characters',
  ]],
  ['HTTPRoute: a path ending in /..', path({ type: 'PathPrefix', value: '/a/..' }), 'spec.rules[0].matches[0].path: must not end with \'/..\' when type one of [\'Exact\', \'PathPrefix\']'],
  ['HTTPRoute: a path ending in /.', path({ type: 'PathPrefix', value: '/a/.' }), 'spec.rules[0].matches[0].path: must not end with \'/.\' when type one of [\'Exact\', \'PathPrefix\']'],
  ['HTTPRoute: a path with a space', path({ value: '/a b' }),
    'spec.rules[0].matches[0].path: must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&\'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types [\'Exact\', \'PathPrefix\']'],
  ['HTTPRoute: an unknown path match type', path({ type: 'Prefix', value: '/' }), [
    'spec.rules[0].matches[0].path.type: "Prefix" is not one of "Exact", "PathPrefix", "RegularExpression"',
    'spec.rules[0].matches[0].path: type must be one of [\'Exact\', \'PathPrefix\', \'RegularExpression\']',
  ]],
  ['HTTPRoute: paths', httpRoute({
    rules: [{
      matches: [
        { path: { type: 'Exact', value: '/a/b.c/%20~' } }, { path: { value: '/api/' } }, { path: { type: 'RegularExpression', value: '/a//b/../(c|d)#' } }, {},
      ],
    }],
  }), ''],
  ['HTTPRoute: a backend timeout longer than the request timeout', routeRule({ timeouts: { request: '1s', backendRequest: '1s1ms' } }),
    'spec.rules[0].timeouts: backendRequest timeout cannot be longer than request timeout'],
  ['HTTPRoute: timeouts', httpRoute({ rules: [{ timeouts: { request: '1m', backendRequest: '30s' } }, { timeouts: { request: '0s', backendRequest: '5m' } }, { timeouts: { backendRequest: '1h' } }] }), ''],

  // GRPCRoute method matches (type defaulted to Exact)
  ['GRPCRoute: a method match without service or method', grpcMethod({}), 'spec.rules[0].matches[0].method: One or both of \'service\' or \'method\' must be specified'],
  ['GRPCRoute: a service name with an empty part', grpcMethod({ service: 'shop..Cart' }),
    'spec.rules[0].matches[0].method: service must only contain valid characters'],
  ['GRPCRoute: a method name with a dash', grpcMethod({ service: 'shop.Cart', method: 'Add-Item' }),
    'spec.rules[0].matches[0].method: method must only contain valid characters'],
  ['GRPCRoute: method matches (service case-insensitive)', grpcRoute({
    rules: [{
      matches: [
        { method: { service: 'Shop.V1.Cart', method: 'AddItem' } }, { method: { service: '.shop.cart' } }, { method: { method: 'Get_2' } },
        { method: { type: 'RegularExpression', service: 'shop\\..*', method: 'Add-.*' } },
      ],
    }],
  }), ''],

  // TLSRoute hostnames
  ['TLSRoute: an IP address', tlsRoute(['10.0.0.1']), 'spec.hostnames: Hostnames cannot contain an IP'],
  ['TLSRoute: an upper-case hostname', tlsRoute(['A.example.com']), [
    'spec.hostnames[0]: "A.example.com" does not match',
    'spec.hostnames: Hostnames must be valid based on RFC-1123',
  ]],
  ['TLSRoute: a wildcard inside', tlsRoute(['a.*.example.com']), [
    'spec.hostnames[0]: "a.*.example.com" does not match',
    'spec.hostnames: Wildcards on hostnames must be the first label, and the rest of hostname must be valid based on RFC-1123',
  ]],
  ['TLSRoute: hostnames', tlsRoute(['a.example.com', '*.example.com', '10.0.0.1.example.com']), ''],
];

/** The CEL implementation the rule texts run on: @bufbuild/cel with the strings extension and Kubernetes' isIP(). */
const oracleEnv = celEnv({ funcs: [...strings, celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s: string) => oracleIsIp(s))] });

/** Kubernetes isIP() written another way: Node's parser, no zone, and WHATWG URL's canonical form for the IPv4-mapped test. */
function oracleIsIp(s: string): boolean {
  if (isIP(s) === 4) return true;
  if (isIP(s) !== 6 || s.includes('%')) return false;
  return !/^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(new URL(`http://[${s}]/`).hostname);
}

// Kubernetes escapes a property named like a CEL keyword: `namespace` is `__namespace__` in a rule.
const unescape = (rule: string) => rule.replace(/__namespace__/g, 'namespace');
const oraclePlans = new Map<string, ReturnType<typeof plan>>();
/** The rule text's verdict on `self` as that CEL implementation evaluates it (an error is a violation, as at admission). */
function oracle(rule: string, self: any): boolean {
  let run = oraclePlans.get(rule);
  if (!run) oraclePlans.set(rule, run = plan(oracleEnv, parse(unescape(rule))));
  const result = run({ self: celValue(self) });
  return !isCelError(result) && result === true;
}
/** JSON to CEL values: integers are CEL ints (bigint), as the API server types integer fields. */
const celValue = (v: any): any => (Number.isInteger(v) ? BigInt(v) : Array.isArray(v) ? v.map(celValue)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, celValue(x)])) : v);

/** A schema's sub-schema for a property or map entry. */
const child = (s: any, key: string) => s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
/** The CRD's defaults applied to a value, written independently of src/analysis/schema.ts (status is dropped on create, so not defaulted). */
function defaulted(s: any, v: any, root = false): any {
  if (Array.isArray(v)) return s.items ? v.map((x) => defaulted(s.items, x)) : v;
  if (!v || typeof v !== 'object') return v;
  const out = { ...v };
  for (const [k, p] of Object.entries<any>(s.properties ?? {})) if (out[k] === undefined && p.default !== undefined && !(root && k === 'status')) out[k] = p.default;
  for (const k of Object.keys(out)) if (child(s, k)) out[k] = defaulted(child(s, k), out[k]);
  return out;
}
/** Every place where the CRD evaluates a rule on the object: [path, rule, message, self]. */
function* sites(s: any, v: any, at: string): Generator<[string, string, string, any]> {
  for (const { rule, message } of s['x-kubernetes-validations'] ?? []) if (!rule.includes('oldSelf')) yield [at, rule, message, v];
  if (Array.isArray(v)) {
    if (s.items) for (let i = 0; i < v.length; i++) yield* sites(s.items, v[i], `${at}[${i}]`);
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) if (child(s, k)) yield* sites(child(s, k), v[k], s.properties?.[k] ? (at ? `${at}.${k}` : k) : `${at}[${k}]`);
  }
}
const schemaOf = (o: any) => GATEWAY_API_CRD_SCHEMAS.schemas[GATEWAY_API_CRD_SCHEMAS.kinds[`${o.apiVersion}/${o.kind}`]];
const allSchemas = GATEWAY_API_CRD_SCHEMAS.schemas.flatMap((s) => [...walk(s)]);
/** The rules of the CRDs, but for the transition rules (`oldSelf`), which a created object does not meet. */
const allRules = new Set(allSchemas.flatMap((s) => (s['x-kubernetes-validations'] ?? []).map((v: any) => v.rule)).filter((r) => !r.includes('oldSelf')));

describe('Gateway API CEL rules', () => {
  test.each(CASES)('%s', (_, o, expected) => {
    const found = messages(o);
    expect(found).toEqual([expected].flat().filter(Boolean).map((m) => expect.stringContaining(m)));
    // The CEL findings are exactly the places where the rule text, run on @bufbuild/cel, is false.
    const violated = [...sites(schemaOf(o), defaulted(schemaOf(o), o, true), '')].filter(([, rule, , self]) => !oracle(rule, self));
    expect(found.filter((m) => m.includes(' (CRD rule: ')).sort()).toEqual(violated.map(([at, rule, message]) => `${at}: ${message} (CRD rule: ${rule.replace(/\n/g, ' ')})`).sort());
  });

  test('every rule has a predicate, fires on a fixture and passes on one, agreeing with the CEL implementation everywhere', () => {
    expect(allRules.size).toBe(78);
    expect(Object.keys(GATEWAY_API_CEL_RULES).filter((r) => !allRules.has(r))).toEqual([]);
    const fired = new Set<string>();
    const passed = new Set<string>();
    for (const [name, o] of CASES) {
      for (const [at, rule, , self] of sites(schemaOf(o), defaulted(schemaOf(o), o, true), '')) {
        let verdict: boolean;
        try {
          verdict = GATEWAY_API_CEL_RULES[rule].test(self);
        } catch {
          verdict = false;
        }
        expect([name, at, rule, verdict]).toEqual([name, at, rule, oracle(rule, self)]);
        (verdict ? passed : fired).add(rule);
      }
    }
    expect([...allRules].filter((r) => !fired.has(r))).toEqual([]);
    expect([...allRules].filter((r) => !passed.has(r))).toEqual([]);
  });

  test('a finding names the rule and says how to fix it', () => {
    expect(schemaFindings(listeners({ name: 'tls', port: 443, protocol: 'TLS' }))).toEqual([{
      code: 'SCHEMA',
      severity: 'Error',
      resource: 'Gateway ns/x',
      message: 'spec.listeners: tls mode must be set for protocol TLS (CRD rule: self.all(l, (l.protocol == \'TLS\' ? has(l.tls) && has(l.tls.mode) && l.tls.mode != \'\' : true)))',
      fix: 'set `tls` (mode Terminate or Passthrough) on the TLS listener',
    }]);
  });
});

describe('Gateway API structural schema', () => {
  test('every schema keyword and format is one the validator handles', () => {
    const handled = new Set(['type', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'format', 'default', 'minimum', 'maximum',
      'minLength', 'maxLength', 'minItems', 'maxItems', 'maxProperties', 'pattern', 'oneOf', 'anyOf', 'not', 'x-kubernetes-validations',
      'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type']);
    expect([...new Set(allSchemas.flatMap((s) => Object.keys(s)))].filter((k) => !handled.has(k))).toEqual([]);
    expect([...new Set(allSchemas.map((s) => s.format).filter(Boolean))].sort()).toEqual(['date-time', 'int32', 'int64', 'ipv4', 'ipv6']);
    // atomic lists and maps constrain nothing on one object; set and map lists are checked for repeats.
    expect([...new Set(allSchemas.map((s) => s['x-kubernetes-list-type']).filter(Boolean))].sort()).toEqual(['atomic', 'map', 'set']);
    expect([...new Set(allSchemas.map((s) => s['x-kubernetes-map-type']).filter(Boolean))]).toEqual(['atomic']);
    for (const s of allSchemas) if (s.pattern) expect(() => new RegExp(s.pattern, 'u')).not.toThrow();
  });

  test('covers the served versions of the pinned CRDs', () => {
    expect(GATEWAY_API_CRD_SCHEMAS.version).toBe('v1.5.1');
    expect(Object.keys(GATEWAY_API_CRD_SCHEMAS.kinds).sort()).toEqual([
      'BackendTLSPolicy', 'GRPCRoute', 'Gateway', 'GatewayClass', 'HTTPRoute', 'ListenerSet', 'ReferenceGrant', 'TLSRoute',
    ].map((k) => `${GW}/${k}`).concat(['Gateway', 'GatewayClass', 'HTTPRoute', 'ReferenceGrant'].map((k) => `gateway.networking.k8s.io/v1beta1/${k}`)).sort());
  });

  test('unknown fields, types and required fields', () => {
    expect(schemaFindings(httpRoute({ rules: [{ backendRefs: [{ name: 'b', port: 80, wieght: 1 }] }] }))).toMatchObject([{
      resource: 'HTTPRoute ns/x',
      message: 'spec.rules[0].backendRefs[0].wieght: unknown field',
      fix: expect.stringMatching(/^remove "wieght" or correct its name; spec.rules\[0\].backendRefs\[0\] has filters, group, kind, name, namespace, port, weight$/),
    }]);
    expect(messages(obj('Gateway', { listeners: [{ name: 'http', port: '80', protocol: 'HTTP' }] }))).toEqual([
      'spec: required field "gatewayClassName" is missing', 'spec.listeners[0].port: must be integer, got string',
    ]);
    expect(messages(obj('ReferenceGrant', { from: [{ group: '', kind: 'Service', namespace: 'a' }], to: [] }, 'gateway.networking.k8s.io/v1beta1')))
      .toEqual(['spec.to: has 0 items, less than 1']);
  });

  test('a kind or version of the experimental channel only: a warning, not schema-checked', () => {
    expect(schemaFindings(obj('TLSRoute', {}, 'gateway.networking.k8s.io/v1alpha2'))).toMatchObject([{
      severity: Severity.WARNING,
      message: 'apiVersion: the standard channel of Gateway API v1.5.1 serves no TLSRoute in gateway.networking.k8s.io/v1alpha2: it needs the experimental channel\'s CRDs, and is not schema-checked here',
      fix: 'use apiVersion gateway.networking.k8s.io/v1, or install the experimental channel',
    }]);
    // Istio implements TCPRoute, which only the experimental channel serves.
    expect(schemaFindings(obj('TCPRoute', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'echo', port: 9000 }] }] }, 'gateway.networking.k8s.io/v1alpha2')))
      .toMatchObject([{ severity: Severity.WARNING, fix: 'use a kind of gateway.networking.k8s.io, or install the experimental channel' }]);
  });

  test('IP address formats', () => {
    const address = (value: string) => gateway({ addresses: [{ type: 'IPAddress', value }] });
    expect(messages(address('10.0.0.256'))).toEqual(['spec.addresses[0]: must match exactly one of the schemas in oneOf']);
    expect(messages(address('fe80::1%eth0'))).toEqual(['spec.addresses[0]: must match exactly one of the schemas in oneOf']);
    expect(messages(address('2001:db8::1'))).toEqual([]);
    expect([isFormatIp('10.0.0.1', 4), isFormatIp('10.0.0.1', 6), isFormatIp('::ffff:10.0.0.1', 4), isFormatIp('::1', 6), isFormatIp('01.0.0.1', 4)])
      .toEqual([true, false, true, true, false]);
  });

  test.each([['10.0.0.1', true], ['2001:db8::1', true], ['::ffff:10.0.0.1', false], ['::ffff:a00:1', false], ['0:0:0:0:0:ffff:a00:1', false],
    ['::ffff:1:a00:1', true], ['fe80::1%eth0', false], ['010.0.0.1', false], ['example.com', false]])('Kubernetes CEL isIP(%s) is %s', (s, ok) => {
    expect([isCelIp(s), oracleIsIp(s)]).toEqual([ok, ok]);
  });

  test('defaults are applied as admission applies them, without changing the object', () => {
    const route = httpRoute({ rules: [{ backendRefs: [{ name: 'b', port: 80 }] }] });
    const before = JSON.stringify(route);
    // matches defaults to one PathPrefix match, which the prefix rewrite needs.
    route.spec.rules[0].filters = [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }];
    expect(messages(route)).toEqual([]);
    delete route.spec.rules[0].filters;
    expect(JSON.stringify(route)).toBe(before);
    // The Gateway's status default (Pending conditions) is not applied: a created object's status is dropped.
    expect(messages(gateway({}))).toEqual([]);
  });

  test('the Gateway API bindings are exported as escape hatches and pass the validators', () => {
    const chart = new Chart(new App({ outdir: Testing.app().outdir }), 'c');
    new gatewayApi.HttpRoute(chart, 'route', {
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }],
        rules: [{ backendRefs: [{ name: 'web-v1', port: 80, weight: 90 }, { name: 'web-v2', port: 80, weight: 10 }], timeouts: { request: '5s' } }],
      },
    });
    new gatewayApi.Gateway(chart, 'gateway', {
      metadata: { name: 'ingress', namespace: 'istio-ingress' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } }] },
    });
    const objects = Testing.synth(chart);
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([`${GW}/HTTPRoute`, `${GW}/Gateway`]);
    expect(() => validateObjects(objects)).not.toThrow();
    expect(objects.flatMap((o) => SchemaValidator.findings(o))).toEqual([]);
    // The mesh analysis does not read a Gateway API Gateway as an Istio Gateway (no servers, no selector);
    // the route's Services resolve (its references are checked).
    const services = ['web', 'web-v1', 'web-v2'].map((name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { ports: [{ name: 'http', port: 80 }] } }));
    expect(MeshAnalyzer.analyze([...objects, ...services])).toEqual([]);
  });
});
