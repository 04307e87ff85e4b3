import { isIP } from 'net';
import { goDurationNanos } from './cel-rules';
import { Severity } from './finding';
import { Entry, MeshIndex, hasLabels } from './mesh-index';
import { isClaimKey, isMeshBound } from './virtual-service';
import { hostMatches } from '../core/hosts';
import { isDnsLabel, isDnsSubdomain } from '../core/names';
import { isHttpProtocol, isTlsProtocol, parseProtocol } from '../core/protocol';
import { re2Problem } from '../core/re2';

const FQDN_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const DURATION_KEYS = new Set(['timeout', 'perTryTimeout', 'backoff', 'fixedDelay', 'connectTimeout', 'maxConnectionDuration', 'time',
  'interval', 'idleTimeout', 'baseEjectionTime', 'reportingInterval', 'duration']);

/**
 * What istiod's validating webhook (Go validation, IST0106 errors / IST0133 warnings) rejects
 * in the kinds this library emits and the CRD schema lets through: port ranges, unique gateway
 * port names, whole-millisecond durations, protocol/TLS consistency, host forms, policy shapes.
 */
export function checkWebhookRules(index: MeshIndex): void {
  const w = new Reporter(index);
  for (const gw of index.of('Gateway')) gateway(w.on(gw), gw);
  for (const vs of index.of('VirtualService')) virtualService(w.on(vs), vs);
  for (const dr of index.of('DestinationRule')) destinationRule(w.on(dr), dr);
  for (const se of index.of('ServiceEntry')) serviceEntry(w.on(se), se);
  for (const pa of index.of('PeerAuthentication')) peerAuthentication(w.on(pa), pa);
  for (const ap of index.of('AuthorizationPolicy')) authorizationPolicy(w.on(ap), ap);
  for (const t of index.of('Telemetry')) telemetry(w.on(t), t);
  for (const sc of index.of('Sidecar')) sidecar(w.on(sc), sc);
  for (const ra of index.of('RequestAuthentication')) requestAuthentication(w.on(ra), ra);
  for (const ef of index.of('EnvoyFilter')) envoyFilter(w.on(ef), ef);
  for (const kind of ['VirtualService', 'DestinationRule', 'Sidecar', 'RequestAuthentication', 'Telemetry']) {
    for (const e of index.of(kind)) durations(w.on(e), e.spec, []);
  }
  for (const kind of ['VirtualService', 'DestinationRule', 'ServiceEntry']) {
    for (const e of index.of(kind)) exportTo(w.on(e), e);
  }
}

/** `exportTo` lists each namespace once (`.` stands for the object's own). */
function exportTo(out: Out, e: Entry): void {
  const seen = new Set<string>();
  for (const n of Array.isArray(e.spec?.exportTo) ? e.spec.exportTo : []) {
    const key = n === '.' ? e.namespace : n;
    if (seen.has(key)) out.error(`exportTo lists namespace "${key}" twice${n === '.' || e.spec.exportTo.includes('.') ? ' ("." is the object\'s own namespace)' : ''}`, 'list each namespace once');
    seen.add(key);
  }
}

type Out = { error(msg: string, fix: string): void; warn(msg: string, fix: string): void };

class Reporter {
  constructor(private readonly index: MeshIndex) {}
  public on(e: Entry): Out {
    return new EntryReporter(this.index, e);
  }
}

/** The findings of one object (methods on the prototype: one small object per object checked). */
class EntryReporter {
  constructor(private readonly index: MeshIndex, private readonly e: Entry) {}
  public error(msg: string, fix: string): void {
    this.index.report(this.e, 'IST0106', Severity.ERROR, `${msg} (rejected by istiod's validating webhook)`, fix);
  }
  public warn(msg: string, fix: string): void {
    this.index.report(this.e, 'IST0133', Severity.WARNING, msg, fix);
  }
}

function validPort(n: unknown): boolean {
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
}

/** Istio's `ValidateFQDN` (labels, length, non-numeric TLD); with `wildcard`, the first label may be `*`, `*foo` or `*-foo`. */
function validHost(host: string, wildcard: boolean): boolean {
  if (wildcard && host === '*') return true;
  if (host.length === 0 || host.length > 255) return false;
  const labels = host.replace(/\.$/, '').split('.');
  if (wildcard && /^\*[-a-zA-Z0-9]*$/.test(labels[0])) labels.shift();
  return labels.length > 0 && labels.every((l) => l.length <= 63 && FQDN_LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

function gateway(out: Out, gw: Entry): void {
  // A name that is not even a DNS subdomain is a SCHEMA finding (the API server refuses it first).
  if (!isDnsLabel(gw.name) && isDnsSubdomain(gw.name)) out.error(`Gateway name "${gw.name}" is not a DNS-1123 label`, 'use lowercase letters, digits and "-" (no dots)');
  const servers: any[] = gw.spec.servers ?? [];
  if (servers.length === 0) out.error('the Gateway has no servers', 'add at least one server');
  const portNames = new Map<string, number>();
  servers.forEach((s, i) => {
    const where = `servers[${i}]`;
    const port = s?.port;
    if (!port) { out.error(`${where}: port is required`, 'set port.number, port.name and port.protocol'); return; }
    const unix = String(s.bind ?? '').startsWith('unix://');
    if (!(validPort(port.number) || (unix && port.number === 0))) out.error(`${where}: port number ${port.number} is out of range`, 'use 1-65535');
    if (port.targetPort !== undefined) out.error(`${where}: port.targetPort must not be set on a Gateway`, 'remove targetPort');
    if (!port.name) out.error(`${where}: port.name is required`, 'name the port');
    else if (portNames.has(port.name)) out.error(`${where}: port name "${port.name}" is already used by servers[${portNames.get(port.name)}]`, 'give every server port a unique name');
    else portNames.set(port.name, i);
    const protocol = parseProtocol(port.protocol);
    if (!protocol) out.error(`${where}: protocol "${port.protocol}" is not one Istio knows`, 'use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL');
    if (s.bind !== undefined && !unix && !isIP(s.bind)) out.error(`${where}: bind "${s.bind}" is not an IP address or unix:// path`, 'use an IP address');
    const hosts: string[] = s.hosts ?? [];
    if (hosts.length === 0) out.error(`${where}: at least one host is required`, 'add a host such as "*" or "example.com"');
    for (const h of hosts) {
      const slash = h.indexOf('/');
      const ns = slash < 0 ? undefined : h.slice(0, slash);
      const name = slash < 0 ? h : h.slice(slash + 1);
      if (ns !== undefined && ns !== '*' && ns !== '.' && !isDnsLabel(ns)) out.error(`${where}: host "${h}" has an invalid namespace part`, 'use "*/", "./" or "<namespace>/"');
      const ok = name === '*' || isIP(name) || (name.includes('.') && (name.startsWith('*.') ? validHost(name.slice(2), false) : !name.includes('*') && validHost(name, false)));
      if (!ok) out.error(`${where}: host "${h}" is not valid`, 'use "*", a domain with a dot (example.com) or "*.<domain>"');
    }
    const tls = s.tls;
    if (isTlsProtocol(protocol) && !tls) out.error(`${where}: protocol ${port.protocol} requires tls settings`, 'add tls (e.g. mode SIMPLE with credentialName)');
    if (tls && protocol && !isTlsProtocol(protocol)) {
      if (!isHttpProtocol(protocol)) {out.error(`${where}: a ${port.protocol} server cannot have tls settings`, 'remove tls, or use protocol HTTPS or TLS');} else if ((tls.mode && tls.mode !== 'PASSTHROUGH' && tls.mode !== 'AUTO_PASSTHROUGH') || tls.caCertificates || tls.privateKey || tls.serverCertificate) {
        out.error(`${where}: a plain ${port.protocol} server cannot terminate TLS`, 'use protocol HTTPS for TLS termination');
      }
    }
    if (tls?.httpsRedirect && protocol && !isHttpProtocol(protocol)) out.warn(`${where}: tls.httpsRedirect only works on HTTP servers`, 'remove httpsRedirect');
    if (tls) gatewayTls(out, where, tls);
  });
}

function gatewayTls(out: Out, where: string, tls: any): void {
  const sources = [tls.serverCertificate || tls.privateKey ? 'serverCertificate/privateKey' : '', tls.credentialName ? 'credentialName' : '',
    tls.credentialNames?.length ? 'credentialNames' : '', tls.tlsCertificates?.length ? 'tlsCertificates' : ''].filter((x) => x);
  if (tls.mode === 'ISTIO_MUTUAL') {
    if (sources.length || tls.caCertificates) out.error(`${where}: tls mode ISTIO_MUTUAL uses the mesh certificates, but ${sources.join(', ') || 'caCertificates'} is set`, 'remove the certificate fields');
    return;
  }
  if (sources.length > 1) out.error(`${where}: tls sets several certificate sources (${sources.join(', ')})`, 'keep exactly one');
  const terminating = tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
  if (terminating && !tls.credentialName && !tls.credentialNames?.length) {
    if (tls.mode !== 'SIMPLE' && !tls.caCertificates) out.error(`${where}: tls mode ${tls.mode} without credentialName needs caCertificates`, 'set caCertificates or credentialName');
    if (!tls.tlsCertificates?.length && (!tls.serverCertificate || !tls.privateKey)) {
      out.error(`${where}: tls mode ${tls.mode} needs a certificate`, 'set credentialName (a Secret), or serverCertificate and privateKey');
    }
  }
}

function virtualService(out: Out, vs: Entry): void {
  const hosts: string[] = vs.spec.hosts ?? [];
  const meshBound = isMeshBound(vs);
  if (hosts.length === 0 && ((vs.spec.gateways ?? []).length || vs.spec.tcp || vs.spec.tls)) {
    out.error('a VirtualService without hosts (a delegate) cannot have gateways, tcp or tls routes', 'add hosts, or remove gateways/tcp/tls');
  }
  hosts.forEach((h, i) => {
    if (h === '*' && meshBound) out.error('host "*" is not allowed for VirtualServices bound to the mesh', 'name the hosts, or bind the VirtualService to a gateway only');
    else if (!isIP(h) && !validHost(h, true)) out.error(`host "${h}" is not a valid domain`, 'use a service name, an FQDN or "*.<domain>"');
    const dup = hosts.slice(0, i).find((o) => hostMatches(o, h));
    if (dup !== undefined) out.error(`host "${h}" overlaps host "${dup}" of the same VirtualService`, 'list each host once');
  });
  if (!vs.spec.http?.length && !vs.spec.tcp?.length && !vs.spec.tls?.length) out.error('the VirtualService has no http, tcp or tls routes', 'add at least one route');
  ((vs.spec.http ?? []) as any[]).forEach((r, i) => {
    const where = `http[${i}]`;
    if (r?.redirect && (r.route || r.fault || r.rewrite || r.directResponse)) out.error(`${where}: redirect cannot be combined with route, fault, rewrite or directResponse`, 'keep either the redirect or the route');
    else if (r?.directResponse && (r.route || r.fault || r.rewrite)) out.error(`${where}: directResponse cannot be combined with route, fault or rewrite`, 'keep either the directResponse or the route');
    else if (!r?.redirect && !r?.directResponse && !r?.delegate && !(r?.route ?? []).length) out.error(`${where}: a route, redirect or directResponse is required`, 'add a route destination');
    if (r?.mirror && r.mirrors) out.error(`${where}: mirror and mirrors cannot both be set`, 'use mirrors only');
    if (r?.retries?.attempts === 0 && (r.retries.perTryTimeout || r.retries.retryOn)) out.error(`${where}: retries.attempts 0 cannot have perTryTimeout or retryOn`, 'set attempts > 0, or remove the other retry fields');
    if (typeof r?.corsPolicy?.maxAge === 'string' && !wholeUnits(r.corsPolicy.maxAge, 1e9)) out.error(`${where}: corsPolicy.maxAge "${r.corsPolicy.maxAge}" is not a whole number of seconds`, 'use e.g. "24h" or "600s"');
    for (const m of r?.match ?? []) if (m?.port !== undefined && !validPort(m.port)) out.error(`${where}: match port ${m.port} is out of range`, 'use 1-65535');
    if (r) httpRouteDetails(out, where, r);
    if (r) httpHeaders(out, where, r);
  });
  ((vs.spec.tls ?? []) as any[]).forEach((r, i) => {
    if (!(r?.match ?? []).length || (r.match as any[]).some((m) => !(m?.sniHosts ?? []).length)) {
      out.error(`tls[${i}]: a TLS route needs at least one match, each with sniHosts`, 'list the SNI host names in match[].sniHosts');
    }
  });
  for (const kind of ['tcp', 'tls']) {
    ((vs.spec[kind] ?? []) as any[]).forEach((r, i) => {
      if (!(r?.route ?? []).length) out.error(`${kind}[${i}]: a ${kind.toUpperCase()} route needs at least one destination`, 'add route[].destination');
    });
  }
  for (const kind of ['http', 'tcp', 'tls']) {
    ((vs.spec[kind] ?? []) as any[]).forEach((r, i) => {
      const route: any[] = r?.route ?? [];
      route.forEach((d, j) => {
        const where = `${kind}[${i}].route[${j}]`;
        const dest = d?.destination;
        if (!dest) { out.error(`${where}: destination is required`, 'set destination.host'); return; }
        if (dest.host === '*') out.error(`${where}: destination host "*" is not allowed`, 'name the destination service');
        if (dest.subset !== undefined && !isDnsLabel(dest.subset)) out.error(`${where}: subset "${dest.subset}" is not a DNS-1123 label`, 'use lowercase letters, digits and "-"');
        if (dest.port?.number !== undefined && !validPort(dest.port.number)) out.error(`${where}: destination port ${dest.port.number} is out of range`, 'use 1-65535');
        if (typeof d.weight === 'number' && d.weight < 0) out.error(`${where}: weight ${d.weight} is negative`, 'use a weight from 0 to 100');
      });
      if (route.length > 1 && route.reduce((sum, d) => sum + (d?.weight ?? 0), 0) === 0) {
        out.error(`${kind}[${i}]: several destinations and a total weight of 0`, 'give the destinations weights that add up to 100');
      }
    });
  }
}

const RETRY_ON = new Set(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded',
  'internal', 'resource-exhausted', 'unavailable']);
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

/** The retries, fault, redirect, directResponse, CORS and rewrite rules of one HTTP route. */
function httpRouteDetails(out: Out, where: string, r: any): void {
  for (const cond of typeof r.retries?.retryOn === 'string' ? r.retries.retryOn.split(',') : []) {
    const c = cond.trim();
    if (!RETRY_ON.has(c) && !/^\d{3}$/.test(c)) out.error(`${where}: retries.retryOn "${c}" is not a retry condition`, `use an HTTP status code or one of ${[...RETRY_ON].join(', ')}`);
  }
  const fault = r.fault;
  if (fault) {
    if (!fault.abort && !fault.delay) out.error(`${where}: fault needs an abort or a delay`, 'add fault.abort or fault.delay, or remove fault');
    for (const [kind, f] of [['abort', fault.abort], ['delay', fault.delay]] as const) {
      const pct = f?.percentage?.value;
      if (typeof pct === 'number' && pct !== 0 && (pct < 0.0001 || pct > 100)) out.error(`${where}: fault ${kind} percentage ${pct} is out of range`, 'use 0, or 0.0001 to 100');
    }
    const status = fault.abort?.httpStatus;
    if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 600)) out.error(`${where}: fault abort httpStatus ${status} is out of range`, 'use 200-600');
    if (fault.delay?.exponentialDelay) out.error(`${where}: fault delay exponentialDelay is not supported`, 'use fixedDelay');
  }
  const redirect = r.redirect;
  if (redirect) {
    if (!redirect.uri && !redirect.authority && redirect.port === undefined && !redirect.derivePort && !redirect.scheme) {
      out.error(`${where}: a redirect needs a uri, authority, port or scheme`, 'say where to redirect');
    }
    if (redirect.redirectCode !== undefined && !(redirect.redirectCode >= 300 && redirect.redirectCode <= 399)) out.error(`${where}: redirectCode ${redirect.redirectCode} is not a 3xx code`, 'use 301, 302, 303, 307 or 308');
    if (redirect.scheme !== undefined && !['http', 'https'].includes(redirect.scheme)) out.error(`${where}: redirect scheme "${redirect.scheme}"`, 'use http or https');
  }
  const status = r.directResponse?.status;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 600)) out.error(`${where}: directResponse status ${status} is out of range`, 'use 200-600');
  const cors = r.corsPolicy;
  for (const m of cors?.allowMethods ?? []) if (!CORS_METHODS.has(m)) out.error(`${where}: corsPolicy.allowMethods "${m}" is not an HTTP method`, `use ${[...CORS_METHODS].join(', ')}`);
  for (const o of cors?.allowOrigins ?? []) if (!o?.exact && !o?.prefix && !o?.regex) out.error(`${where}: corsPolicy.allowOrigins has an empty origin`, 'set exact, prefix or regex');
  ((cors?.allowOrigins ?? []) as any[]).forEach((o, j) => {
    if (typeof o?.regex === 'string' && o.regex) regex(out, `${where}.corsPolicy.allowOrigins[${j}].regex`, o.regex);
  });
  if (typeof r.rewrite?.uriRegexRewrite?.match === 'string') regex(out, `${where}.rewrite.uriRegexRewrite.match`, r.rewrite.uriRegexRewrite.match);
  const rewrite = r.rewrite;
  if (rewrite) {
    if (rewrite.uri !== undefined && rewrite.uriRegexRewrite) out.error(`${where}: rewrite has both uri and uriRegexRewrite`, 'keep one of them');
    if (rewrite.uri === undefined && !rewrite.uriRegexRewrite && !rewrite.authority) out.error(`${where}: rewrite needs a uri, uriRegexRewrite or authority`, 'say what to rewrite, or remove rewrite');
  }
}

// RFC 7230 token characters, which Istio accepts in match header names besides pseudo-headers and JWT claim keys.
const HEADER_TOKEN = /^[-!#$%&'*+.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
// A header value Envoy's formatter parses: text, `%%`, `%NAME%`, or `%NAME(args)%` whose args are one bare string or a
// JSON-like string array. As in Envoy, the first non-blank character after `(` opens a bare argument whatever it is,
// and `)` ends any argument. (`%%` is the same as an unnamed variable, so one branch covers both.)
const ARG = String.raw`(?:\\[\s\S]|[^\\)"])*`;
const ARGS = String.raw` *(?:\[ *"|[^ \[])${ARG}(?:" *, *"${ARG})*(?:\)|" *\] *\))`;
const HEADER_VALUE = new RegExp(String.raw`^(?:[^%]|%[^%(]*(?:%|\(${ARGS} *%))*$`);

/** Header names of the matches, and the header changes of the route and of each destination. */
function httpHeaders(out: Out, where: string, r: any): void {
  ((r.match ?? []) as any[]).forEach((m, k) => {
    for (const field of ['headers', 'withoutHeaders']) {
      for (const name of Object.keys(m?.[field] ?? {})) {
        if (!HEADER_TOKEN.test(name) && !PSEUDO_HEADERS.has(name) && !isClaimKey(name)) {
          out.error(`${where}.match[${k}].${field}["${name}"] is not a valid header name`, 'use letters, digits and !#$%&\'*+-.^_`|~, a pseudo-header such as :method, or @request.auth.claims.<claim>');
        }
      }
    }
    stringMatches(out, `${where}.match[${k}]`, m);
  });
  headerOperations(out, where, r.headers);
  ((r.route ?? []) as any[]).forEach((d, j) => headerOperations(out, `${where}.route[${j}]`, d?.headers));
  if (!r.rewrite?.authority && !r.headers?.request) return;
  const authority = [r.rewrite?.authority, ...['set', 'add'].flatMap((op) => Object.keys(r.headers?.request?.[op] ?? {}).filter(isAuthorityHeader))].filter((a) => a);
  if (authority.length > 1) out.error(`${where}: the authority is rewritten in ${authority.length} places (rewrite.authority, request :authority/host headers)`, 'rewrite it once');
}

/**
 * Istio's StringMatch rules for an HTTP match: a regex must be RE2 of at most 1024 characters (a
 * `withoutHeaders` regex `*` means presence); an empty prefix only works on `uri`.
 */
function stringMatches(out: Out, where: string, m: any): void {
  const entries: [string, any][] = [
    ...['uri', 'scheme', 'method', 'authority'].map((f): [string, any] => [f, m?.[f]]),
    ...['headers', 'queryParams', 'withoutHeaders'].flatMap((f) => Object.entries(m?.[f] ?? {}).map(([k, v]): [string, any] => [`${f}["${k}"]`, v])),
  ];
  for (const [field, sm] of entries) {
    if (typeof sm?.regex === 'string' && !(field.startsWith('withoutHeaders') && sm.regex === '*')) regex(out, `${where}.${field}.regex`, sm.regex);
    if (sm?.prefix === '' && field !== 'uri') out.error(`${where}.${field}: an empty prefix matches nothing here`, 'give the prefix a value, or drop the condition');
  }
}

/** An EnvoyFilter patch's `proxyVersion` is an RE2 expression over the proxy's version. */
function envoyFilter(out: Out, ef: Entry): void {
  ((ef.spec.configPatches ?? []) as any[]).forEach((p, i) => {
    const version = p?.match?.proxy?.proxyVersion;
    if (typeof version === 'string' && version) regex(out, `configPatches[${i}].match.proxy.proxyVersion`, version);
  });
}

/** A regular expression Envoy and Istio read with RE2's syntax. */
function regex(out: Out, where: string, expression: string): void {
  const problem = expression === '' ? 'it is empty' : re2Problem(expression);
  if (problem) out.error(`${where}: "${expression}" is not an RE2 regular expression: ${problem}`, 'write it in RE2 syntax (no look-around, back-references or \\Z; (?i) for case-insensitive)');
}

function isAuthorityHeader(name: string): boolean {
  return /^(:authority|host)$/i.test(name);
}

/** Envoy may not change pseudo-headers or Host, except a request's :authority/Host; set/add values must parse as header formats. */
function headerOperations(out: Out, where: string, headers: any): void {
  if (!headers) return;
  for (const dir of ['request', 'response']) {
    if (!headers[dir]) continue;
    for (const op of ['set', 'add', 'remove']) {
      const entries: [string, unknown][] = op === 'remove' ? ((headers?.[dir]?.remove ?? []) as string[]).map((n) => [n, undefined]) : Object.entries(headers?.[dir]?.[op] ?? {});
      for (const [name, value] of entries) {
        const at = `${where}.headers.${dir}.${op}${op === 'remove' ? `: "${name}"` : `["${name}"]`}`;
        const mayRewriteAuthority = dir === 'request' && op !== 'remove' && isAuthorityHeader(name);
        const reserved = name.startsWith(':') || /^host$/i.test(name);
        if (name === '') out.error(`${at}: the header name is empty`, 'name the header');
        if (reserved && !mayRewriteAuthority) {
          out.error(`${at}: ${name} cannot be changed here`, isAuthorityHeader(name) ? 'change the host with rewrite.authority or a request set of :authority' : 'pseudo-headers belong to Envoy: use a regular header, or the route\'s match and rewrite fields');
        }
        if (typeof value !== 'string') continue;
        if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) out.error(`${at}: the value has a control character`, 'remove line breaks and control characters from the value');
        else if (!HEADER_VALUE.test(value)) out.error(`${at}: value "${value}" has a "%" that is neither "%%" nor a closed %VARIABLE% expression`, 'write a literal % as %%, and close each variable (e.g. "%HOSTNAME%", "%REQ(x-id)%")');
      }
    }
  }
}

function destinationRule(out: Out, dr: Entry): void {
  const names = new Set<string>();
  for (const s of dr.spec.subsets ?? []) {
    if (!isDnsLabel(String(s?.name))) out.error(`subset name "${s?.name}" is not a DNS-1123 label`, 'use lowercase letters, digits and "-"');
    if (names.has(s?.name)) out.error(`subset name "${s.name}" is used twice`, 'give each subset a unique name');
    names.add(s?.name);
  }
  for (const [where, policy] of [['trafficPolicy', dr.spec.trafficPolicy], ...(dr.spec.subsets ?? []).map((s: any) => [`subset ${s?.name} trafficPolicy`, s?.trafficPolicy])]) {
    if (policy && typeof policy === 'object' && Object.keys(policy).length === 0) out.error(`${where} is empty`, 'set at least one policy field, or remove it');
    if (policy && typeof policy === 'object') {
      trafficPolicy(out, where, policy);
      if (policy.tunnel && policy.proxyProtocol) out.error(`${where}: tunnel and proxyProtocol cannot both be set`, 'keep one of them');
      ((policy.portLevelSettings ?? []) as any[]).forEach((p, i) => {
        const at = `${where}.portLevelSettings[${i}]`;
        if (!p?.port) out.error(`${at}: port is required`, 'set port.number');
        if (!p?.outlierDetection && !p?.connectionPool && !p?.loadBalancer && !p?.tls) out.error(`${at} sets no policy`, 'set outlierDetection, connectionPool, loadBalancer or tls, or remove the entry');
        if (p) trafficPolicy(out, at, p);
      });
    }
  }
}

/** The outlier detection, connection pool, load balancer and client TLS rules of one traffic policy. */
function trafficPolicy(out: Out, where: string, p: any): void {
  const od = p.outlierDetection;
  if (od) {
    if (od.consecutiveErrors !== undefined) out.warn(`${where}: outlierDetection.consecutiveErrors is deprecated`, 'use consecutive5xxErrors or consecutiveGatewayErrors');
    if (od.consecutiveLocalOriginFailures > 0 && !od.splitExternalLocalOriginErrors) {
      out.error(`${where}: outlierDetection.consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors`, 'set splitExternalLocalOriginErrors: true');
    }
    for (const f of ['maxEjectionPercent', 'minHealthPercent']) {
      if (od[f] !== undefined && !(od[f] >= 0 && od[f] <= 100)) out.error(`${where}: outlierDetection.${f} ${od[f]} is out of range`, 'use 0-100');
    }
  }
  connectionPool(out, `${where}: connectionPool`, p.connectionPool);
  if (p.loadBalancer) loadBalancer(out, `${where}: loadBalancer`, p.loadBalancer, p.outlierDetection);
  const tls = p.tls;
  if (tls && (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL')) {
    if (tls.insecureSkipVerify && (tls.caCertificates || tls.subjectAltNames || (tls.mode === 'SIMPLE' && tls.credentialName))) {
      out.error(`${where}: tls.insecureSkipVerify cannot be combined with caCertificates, subjectAltNames${tls.mode === 'SIMPLE' ? ' or credentialName' : ''}`, 'remove insecureSkipVerify, or the verification settings');
    }
    if (tls.credentialName && (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl)) {
      out.error(`${where}: tls.credentialName cannot be combined with file-based certificates`, 'use either credentialName or clientCertificate/privateKey/caCertificates');
    }
    if (tls.mode === 'MUTUAL' && !tls.credentialName && (!tls.clientCertificate || !tls.privateKey)) {
      out.error(`${where}: tls MUTUAL needs credentialName, or clientCertificate and privateKey`, 'name the client certificate');
    }
  }
}

function connectionPool(out: Out, where: string, pool: any): void {
  if (!pool) return;
  if (!pool.http && !pool.tcp) out.error(`${where} sets neither http nor tcp`, 'set connectionPool.http or connectionPool.tcp, or remove it');
  if (pool.http?.h2UpgradePolicy === 'UPGRADE' && pool.http.useClientProtocol) out.error(`${where}.http cannot both upgrade to HTTP/2 and use the client protocol`, 'drop h2UpgradePolicy or useClientProtocol');
}

const MAGLEV_TABLE_LIMIT = 5000011;
const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

/** Cookie hash, ring size and maglev table, warmup aggression, and the locality rules of one load balancer. */
function loadBalancer(out: Out, where: string, lb: any, outlier: unknown): void {
  const hash = lb.consistentHash;
  if (hash?.httpCookie && !hash.httpCookie.name) out.error(`${where}.consistentHash.httpCookie needs a name`, 'name the cookie');
  if (hash?.minimumRingSize) {
    out.warn(`${where}.consistentHash.minimumRingSize is deprecated`, 'use consistentHash.ringHash.minimumRingSize');
    if (hash.ringHash || hash.maglev) out.error(`${where}.consistentHash sets minimumRingSize beside ${hash.maglev ? 'maglev' : 'ringHash'}`, 'keep only the ringHash or maglev settings');
  }
  if (hash?.maglev) {
    const size = hash.maglev.tableSize;
    if (!size) out.error(`${where}.consistentHash.maglev needs a tableSize`, 'set tableSize to a prime such as 65537');
    else if (size >= MAGLEV_TABLE_LIMIT || !envoyPrime(size)) out.error(`${where}.consistentHash.maglev.tableSize ${size} is not a prime below ${MAGLEV_TABLE_LIMIT}`, 'use a prime such as 65537 or 131071');
  }
  const aggression = lb.warmup?.aggression;
  // istiod's Go validation refused aggression below 1 until istio/istio#60611 (June 2026) allowed anything above 0:
  // 0 is refused either way, (0, 1) depends on the 1.30 patch release, so it only warns.
  if (typeof aggression === 'number' && aggression <= 0) out.error(`${where}.warmup.aggression ${aggression} must be above 0`, 'use 1 for a linear ramp-up, more for a faster start');
  if (typeof aggression === 'number' && aggression > 0 && aggression < 1) {
    out.warn(`${where}.warmup.aggression ${aggression} is below 1, which istiod releases without istio/istio#60611 reject`, 'use 1 or more unless every istiod has that fix');
  }
  if (lb.localityLbSetting) localityLb(out, `${where}.localityLbSetting`, lb.localityLbSetting, outlier);
}

/** Envoy's primality test for maglev table sizes (1 passes, as in Envoy). */
function envoyPrime(n: number): boolean {
  if (n < 4) return n > 0;
  if (n % 2 === 0) return false;
  for (let f = 3; f * f <= n; f += 2) if (n % f === 0) return false;
  return true;
}

function localityLb(out: Out, where: string, l: any, outlier: unknown): void {
  const distribute: any[] = l.distribute ?? [];
  const failover: any[] = l.failover ?? [];
  const priority: string[] = l.failoverPriority ?? [];
  if (distribute.length && failover.length) { out.error(`${where} cannot set both distribute and failover`, 'keep one of them'); return; }
  const topology = failover.length ? priority.find((p) => TOPOLOGY_LABELS.has(p)) : undefined;
  if (topology) { out.error(`${where}: failoverPriority lists ${topology} while failover is set`, 'remove failover (failoverPriority already orders by topology) or the topology label'); return; }
  for (let i = 0; i < distribute.length; i++) {
    const d = distribute[i];
    const weights = Object.values(d?.to ?? {}) as number[];
    if (weights.some((w) => !(w >= 1 && w <= 100)) || weights.reduce((a, b) => a + b, 0) !== 100) {
      out.error(`${where}.distribute[${i}] (from "${d?.from}") has weights that are not 1-100 summing to 100`, 'make the weights of each distribute entry add up to 100');
      return;
    }
    // istiod walks `to` in random (Go map) order and the overlap test depends on it: check the order that finds most.
    const to = Object.keys(d?.to ?? {}).sort((a, b) => Number(!a.includes('*')) - Number(!b.includes('*')) || a.split('/').length - b.split('/').length);
    const problem = localityProblem(to);
    if (problem) out.error(`${where}.distribute[${i}].to: ${problem}`, 'list disjoint localities: region, region/zone or region/zone/subzone, "*" only at the end');
  }
  const fromProblem = localityProblem(distribute.map((d) => String(d?.from ?? '')));
  if (fromProblem) out.error(`${where}.distribute from: ${fromProblem}`, 'list disjoint source localities: region, region/zone or region/zone/subzone, "*" only at the end');
  if ((failover.length || priority.length) && !outlier) out.warn(`${where}: failover needs outlierDetection in the same traffic policy`, 'add outlierDetection: without it, endpoints are never ejected and traffic never fails over');
  failover.forEach((f, i) => {
    const [from, to] = [String(f?.from ?? ''), String(f?.to ?? '')];
    if (from === to) out.error(`${where}.failover[${i}] fails over from "${from}" to itself`, 'name two different regions');
    if (`${from}${to}`.includes('/')) out.error(`${where}.failover[${i}] names a zone ("${from}" → "${to}")`, 'failover takes regions only, without "/"');
    if (`${from}${to}`.includes('*')) out.error(`${where}.failover[${i}] has a "*" ("${from}" → "${to}")`, 'name the regions without wildcards');
  });
}

/**
 * Istio's rule for a list of localities (`region[/zone[/subzone]]`): at most one `*`, at the end; no empty part;
 * no entry inside one listed before it (an earlier region, `region/*`, zone or `zone/*`), nor a repeat.
 */
function localityProblem(localities: string[]): string | undefined {
  const seen = new Set<string>(); // every region, region/zone and region/zone/subzone listed so far
  const whole = new Set<string>(); // regions and zones an earlier entry takes entirely
  for (const loc of localities) {
    const stars = loc.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !loc.endsWith('*'))) return `"${loc}" may only have one "*", at the end`;
    if (whole.has('*')) return `"${loc}" overlaps the earlier "*"`;
    const parts = loc.split('/');
    // Like Go's SplitN(loc, "/", 3): a third part keeps any further slashes.
    const [region, zone, subzone] = [parts[0], parts[1], parts.length > 2 ? parts.slice(2).join('/') : undefined];
    if ([region, zone, subzone].some((p) => p === '')) return `"${loc}" has an empty region, zone or subzone`;
    const keys = [region, zone, subzone].filter((p) => p !== undefined).map((_, i, a) => a.slice(0, i + 1).join('/'));
    if (keys.slice(0, -1).some((k) => whole.has(k)) || seen.has(keys[keys.length - 1])) return `"${loc}" overlaps an earlier locality`;
    keys.forEach((k) => seen.add(k));
    if (zone === undefined) whole.add(region);
    else if (subzone === undefined) whole.add(zone === '*' ? region : keys[1]);
    else if (subzone === '*') whole.add(keys[1]);
  }
  return undefined;
}

function sidecar(out: Out, sc: Entry): void {
  const spec = sc.spec;
  if (!spec.egress && !spec.ingress && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    out.error('the Sidecar configures nothing', 'set egress, ingress, outboundTrafficPolicy or inboundConnectionPool');
  }
  sidecarIngress(out, spec.ingress ?? []);
  connectionPool(out, 'inboundConnectionPool', spec.inboundConnectionPool);
  const egress: any[] = spec.egress ?? [];
  const addresses = new Set<string>();
  egress.forEach((e, i) => {
    if (!e?.port && i !== egress.length - 1) out.error(`egress[${i}]: only the last egress listener may have no port`, 'move the catch-all listener to the end');
    if (e?.port) sidecarListener(out, 'egress', i, e, addresses);
    const hosts: string[] = e?.hosts ?? [];
    if (hosts.length === 0) out.error(`egress[${i}]: hosts is empty`, 'list hosts as <namespace>/<dns name>');
    const seen = new Set<string>();
    for (const h of hosts) {
      const [ns, dns, extra] = String(h).split('/');
      const nsOk = ns === '*' || ns === '.' || ns === '~' || isDnsLabel(ns ?? '');
      const dnsOk = dns !== undefined && extra === undefined && (dns === '*' || (dns.includes('.') && !isIP(dns) && validHost(dns, true)));
      if (!nsOk || !dnsOk) out.error(`egress[${i}]: host "${h}" is not <namespace>/<dns name>`, 'use e.g. "istio-system/*", "./*" or "shop/api.shop.svc.cluster.local"');
      if (seen.has(h)) out.warn(`egress[${i}]: host "${h}" is listed twice`, 'list each host once');
      seen.add(h);
    }
    if (hosts.includes('*/*') && hosts.length > 1) out.warn(`egress[${i}]: "*/*" makes the other hosts redundant`, 'remove "*/*" or the other hosts');
  });
  const otp = spec.outboundTrafficPolicy;
  if (otp?.egressProxy && otp.mode !== 'ALLOW_ANY') out.error('outboundTrafficPolicy.egressProxy needs mode ALLOW_ANY', 'set mode: ALLOW_ANY or remove egressProxy');
}

const SIDECAR_TLS_UNSUPPORTED = ['subjectAltNames', 'httpsRedirect', 'credentialName', 'credentialNames', 'tlsCertificates'];
const DEFAULT_ENDPOINT = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/;
const DEFAULT_ENDPOINT_HOSTS = ['', '127.0.0.1', '0.0.0.0', '::1', '::'];

function sidecarIngress(out: Out, ingress: any[]): void {
  const addresses = new Set<string>();
  ingress.forEach((l, i) => {
    const where = `ingress[${i}]`;
    if (!l?.port) { out.error(`${where}: port is required`, 'set port.number and port.protocol'); return; }
    sidecarListener(out, 'ingress', i, l, addresses);
    const ep = l.defaultEndpoint;
    const m = DEFAULT_ENDPOINT.exec(ep ?? '');
    const epOk = String(ep).startsWith('unix://') ? isUnixPath(ep.slice(7)) : m && DEFAULT_ENDPOINT_HOSTS.includes(m[1] ?? m[2]) && validPort(Number(m[3]));
    if (ep && !epOk) out.error(`${where}: defaultEndpoint "${ep}" is not a local endpoint`, 'use 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<absolute path>');
    const tls = l.tls;
    if (tls) {
      for (const f of SIDECAR_TLS_UNSUPPORTED) {
        if (Array.isArray(tls[f]) ? tls[f].length : tls[f]) out.error(`${where}: tls.${f} is not supported on Sidecar ingress listeners`, 'remove it (sidecar ingress TLS reads serverCertificate and privateKey files)');
      }
      if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') out.error(`${where}: tls mode ${tls.mode} is not allowed on Sidecar ingress listeners`, 'use SIMPLE or MUTUAL');
      if (!isTlsProtocol(parseProtocol(l.port.protocol))) out.error(`${where}: tls is set on a port whose protocol (${l.port.protocol ?? 'none'}) is not HTTPS or TLS`, 'declare the port HTTPS or TLS, or remove tls');
      gatewayTls(out, where, tls);
    }
    connectionPool(out, `${where}: connectionPool`, l.connectionPool);
    if (l.connectionPool?.http && !isHttpProtocol(parseProtocol(l.port.protocol))) {
      out.warn(`${where}: connectionPool.http is set, but port ${l.port.number} is not HTTP (${l.port.protocol ?? 'no protocol'}): only the tcp settings apply`, 'declare an HTTP protocol, or drop connectionPool.http');
    }
  });
}

/**
 * The port and bind of a Sidecar listener, unique among its ingress or egress siblings (`addresses`). Egress
 * listeners may use port 0 with a unix socket bind instead of an IP one.
 */
function sidecarListener(out: Out, kind: 'ingress' | 'egress', i: number, l: any, addresses: Set<string>): void {
  const where = `${kind}[${i}]`;
  const port = l.port;
  const bind = String(l.bind ?? '');
  const socket = kind === 'egress' && port.number === 0;
  if (port.targetPort > 0) out.error(`${where}: port.targetPort has no effect on a Sidecar`, 'remove targetPort');
  if (port.name && !isDnsLabel(port.name)) out.error(`${where}: port name "${port.name}" is not a DNS-1123 label`, 'use lowercase letters, digits and "-"');
  if (port.protocol && !parseProtocol(port.protocol)) out.error(`${where}: protocol "${port.protocol}" is not one Istio knows`, 'use HTTP, HTTPS, HTTP2, GRPC, TCP, TLS, MONGO, REDIS or MYSQL');
  if (socket) {
    if (!bind.startsWith('unix://') || !isUnixPath(bind.slice(7))) out.error(`${where}: port 0 needs a bind of unix://<absolute path>`, 'bind to a unix socket, or give a port number');
    if (l.captureMode && l.captureMode !== 'DEFAULT' && l.captureMode !== 'NONE') out.error(`${where}: a unix socket listener cannot use captureMode ${l.captureMode}`, 'use captureMode DEFAULT or NONE');
  } else {
    if (!validPort(port.number)) out.error(`${where}: port number ${port.number} is out of range`, 'use 1-65535');
    if (bind && !isIP(bind)) out.error(`${where}: bind "${bind}" is not an IP address`, 'bind to an IP address such as 127.0.0.1, or remove bind');
  }
  const address = socket ? `unix socket ${bind}` : `port ${port.number}`;
  if (addresses.has(address)) out.error(`${where}: ${address} is already used by another ${kind} listener`, 'give each listener its own port');
  addresses.add(address);
}

/** Istio's unix socket path: absolute and not a directory, or an abstract `@name`. */
function isUnixPath(path: string): boolean {
  return path.startsWith('@') || (path.startsWith('/') && !path.endsWith('/'));
}

function requestAuthentication(out: Out, ra: Entry): void {
  ((ra.spec.jwtRules ?? []) as any[]).forEach((r, i) => {
    const where = `jwtRules[${i}]`;
    if (!r?.issuer && !r?.jwksUri) out.error(`${where}: issuer or jwksUri must be set`, 'set the issuer');
    if ((r?.audiences ?? []).some((a: unknown) => !a)) out.error(`${where}: an audience is empty`, 'remove the empty audience');
    if ((r?.fromHeaders ?? []).some((h: any) => !h?.name)) out.error(`${where}: a fromHeaders entry has no name`, 'name the header');
    if ((r?.fromParams ?? []).some((p: unknown) => !p)) out.error(`${where}: a fromParams entry is empty`, 'name the query parameter');
    for (const c of r?.outputClaimToHeaders ?? []) {
      if (!c?.claim || !/^[-_A-Za-z0-9]+$/.test(String(c?.header ?? ''))) out.error(`${where}: outputClaimToHeaders needs a claim and a header of letters, digits, "-" or "_"`, 'fix the claim or header name');
    }
  });
}

function serviceEntry(out: Out, se: Entry): void {
  const hosts: string[] = se.spec.hosts ?? [];
  if (hosts.length === 0) out.error('a ServiceEntry needs at least one host', 'add hosts');
  if (hosts.includes('*')) out.error('host "*" is not allowed in a ServiceEntry', 'name the external hosts');
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const p of se.spec.ports ?? []) {
    if (!validPort(p?.number)) out.error(`port ${p?.number} is out of range`, 'use 1-65535');
    if (p?.targetPort !== undefined && !validPort(p.targetPort)) out.error(`port ${p?.number} targetPort ${p.targetPort} is out of range`, 'use 1-65535');
    if (names.has(p?.name)) out.error(`port name "${p.name}" is used twice`, 'give each port a unique name');
    if (numbers.has(p?.number)) out.error(`port number ${p.number} is used twice`, 'list each port once');
    if (p?.protocol && !parseProtocol(p.protocol)) out.error(`port ${p.number} protocol "${p.protocol}" is not one Istio knows`, 'use HTTP, HTTPS, HTTP2, GRPC, TCP, TLS, MONGO, REDIS or MYSQL');
    names.add(p?.name);
    numbers.add(p?.number);
  }
  // With several hosts, a proxy tells them apart by Host header or SNI only, which plain TCP lacks.
  const opaque = (se.spec.ports ?? []).find((p: any) => !isHttpProtocol(parseProtocol(p?.protocol)) && !isTlsProtocol(parseProtocol(p?.protocol)));
  if (hosts.length > 1 && (se.spec.resolution ?? 'NONE') !== 'NONE' && opaque) {
    out.error(`multiple hosts with the non-HTTP, non-TLS port ${opaque.number} and resolution ${se.spec.resolution}: a proxy cannot tell the hosts apart`, 'one ServiceEntry per host, or resolution NONE');
  }
}

function peerAuthentication(out: Out, pa: Entry): void {
  const plm = pa.spec.portLevelMtls;
  if (plm === undefined) return;
  if (!hasLabels(pa.spec.selector?.matchLabels)) out.error('portLevelMtls needs a workload selector (mesh and namespace policies cannot set port-level mTLS)', 'add spec.selector.matchLabels, or remove portLevelMtls');
  if (Object.keys(plm).length === 0) out.error('portLevelMtls is empty', 'remove it, or list ports');
  for (const port of Object.keys(plm)) if (!validPort(Number(port))) out.error(`portLevelMtls port ${port} is out of range`, 'use 1-65535');
}

function authorizationPolicy(out: Out, ap: Entry): void {
  const action = ap.spec.action ?? 'ALLOW';
  const rules = ap.spec.rules;
  if (action === 'DENY' && rules === undefined) out.error('a DENY policy needs rules', 'add rules (a DENY policy without rules is an error, not deny-all)');
  if (action === 'CUSTOM' && rules !== undefined && !ap.spec.provider?.name) out.error('a CUSTOM policy needs provider.name', 'set provider.name');
  if (action !== 'CUSTOM' && ap.spec.provider) out.error(`provider is only for CUSTOM policies, not ${action}`, 'remove provider or use action CUSTOM');
  ((rules ?? []) as any[]).forEach((rule, i) => {
    if (rule?.from && rule.from.length === 0) out.error(`rules[${i}].from is empty`, 'remove from, or add a source');
    if (rule?.to && rule.to.length === 0) out.error(`rules[${i}].to is empty`, 'remove to, or add an operation');
    for (const f of rule?.from ?? []) {
      const src = f?.source ?? {};
      if (Object.keys(src).length === 0) out.error(`rules[${i}].from has an empty source`, 'set principals, namespaces, ipBlocks, ...');
      if ((src.serviceAccounts || src.notServiceAccounts) && (src.principals || src.notPrincipals || src.namespaces || src.notNamespaces)) {
        out.error(`rules[${i}]: serviceAccounts cannot be combined with principals or namespaces`, 'use either serviceAccounts or principals/namespaces');
      }
      emptyStrings(out, `rules[${i}].from.source`, src);
    }
    for (const t of rule?.to ?? []) {
      const op = t?.operation ?? {};
      if (Object.keys(op).length === 0) out.error(`rules[${i}].to has an empty operation`, 'set paths, methods, ports, ...');
      for (const p of [...(op.ports ?? []), ...(op.notPorts ?? [])]) {
        if (!/^\d+$/.test(String(p)) || Number(p) > 65535) out.error(`rules[${i}]: port "${p}" is not a port number`, 'use 0-65535');
      }
      emptyStrings(out, `rules[${i}].to.operation`, op);
    }
  });
}

function emptyStrings(out: Out, where: string, fields: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v) && v.some((x) => x === '')) out.error(`${where}.${k} has an empty string`, 'remove the empty value');
  }
}

function telemetry(out: Out, t: Entry): void {
  const tracing: any[] = t.spec.tracing ?? [];
  if (tracing.length > 1) out.warn('more than one tracing entry: only the first is used', 'merge them into one');
  for (const tr of tracing) {
    const p = tr?.randomSamplingPercentage;
    if (p !== undefined && (typeof p !== 'number' || p < 0 || p > 100)) out.error(`tracing randomSamplingPercentage ${p} is out of range`, 'use 0-100');
    if ((tr?.providers ?? []).length > 1) out.warn('a tracing entry lists several providers: only one is used', 'keep one provider');
  }
  for (const group of ['tracing', 'accessLogging', 'metrics']) {
    for (const x of t.spec[group] ?? []) for (const p of x?.providers ?? []) if (!p?.name) out.error(`${group} provider name is empty`, 'name the provider');
  }
}

/**
 * Durations must be whole milliseconds and at least 1ms (Istio's `ValidateDuration`): every
 * duration field under `node`. `path` holds the keys and indexes from `spec` to it, written out
 * only for a finding (the walk visits every field of the spec).
 */
function durations(out: Out, node: any, path: (string | number)[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      durations(out, node[i], path);
      path.pop();
    }
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const k in node) {
    if (!Object.prototype.hasOwnProperty.call(node, k)) continue;
    const v = node[k];
    if (typeof v === 'string' && DURATION_KEYS.has(k)) {
      const ns = nanos(v);
      // A TCP idle timeout has no CRD rule, and 0s turns the timer off (accepted since istio/istio#55410);
      // elsewhere the CRD rule (a SCHEMA finding) reports what is not a duration of at least 1ms.
      const tcpIdle = k === 'idleTimeout' && `.${path[path.length - 1]}`.endsWith('.tcp');
      if (tcpIdle ? ns !== 0 && !wholeUnits(v, 1e6) : ns !== undefined && ns >= 1e6 && !wholeUnits(v, 1e6)) {
        const at = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
        out.error(`spec${at}.${k} "${v}" is not a duration of whole milliseconds, at least 1ms`, 'use e.g. "250ms", "5s" or "1m"');
      }
    } else if (typeof v === 'object') {
      path.push(k);
      durations(out, v, path);
      path.pop();
    }
  }
}

/** Nanoseconds of a Go duration, undefined when it is not one. */
function nanos(duration: string): number | undefined {
  // A mesh repeats a few durations (10s, 2s, 30s) on thousands of objects: each text is parsed once.
  if (NANOS.has(duration)) return NANOS.get(duration);
  let ns: number | undefined;
  try {
    ns = goDurationNanos(duration);
  } catch {
    ns = undefined;
  }
  if (NANOS.size >= 4096) NANOS.clear();
  NANOS.set(duration, ns);
  return ns;
}

const NANOS = new Map<string, number | undefined>();

/** Whether a Go duration string is a positive whole multiple of `unitNs` nanoseconds. */
export function wholeUnits(value: string, unitNs: number): boolean {
  const ns = nanos(value);
  return ns !== undefined && ns >= unitNs && ns % unitNs === 0;
}
