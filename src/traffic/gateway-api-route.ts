import { ApiObjectMetadata, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import { IMeshDestination, checkInMesh } from './destination';
import { HttpRouteOptions, RouteDestination, destinationOf } from './http-route';
import { gatewayApiDuration } from '../core/duration';
import { gatewayApi } from '../core/l1';
import { checkRange, isDnsLabel, sortedRecord } from '../core/names';
import { transport } from '../core/ports';

/** The Gateway API group. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** Rules per route object: the CRDs' `maxItems` on `rules`. */
export const MAX_RULES = 16;

/** The HTTP methods an HTTPRoute can match (its `method` enum). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/**
 * Where a Gateway API route is rendered and what to suggest for what it cannot express.
 * @internal
 */
export interface RouteContext {
  /** The construct the route belongs to (errors name its path). */
  readonly scope: IConstruct;
  /** Namespace of the route object: backends elsewhere need a ReferenceGrant. */
  readonly namespace: string;
  /** The route's kind, which a ReferenceGrant names. */
  readonly kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute';
  /** What to use instead for a feature the Gateway API cannot express. */
  readonly alternative: string;
}

/**
 * The HTTPRoute rules for `options` (one per match when a prefix rewrite needs it), sending to
 * `defaultService` unless told otherwise. Throws, naming `ctx.alternative`, for what the Gateway API
 * v1.5 standard channel cannot express.
 * @internal
 */
export function gatewayApiHttpRules(ctx: RouteContext, options: HttpRouteOptions, defaultService: IMeshDestination): any[] {
  const where = ctx.scope.node.path;
  const refuse = (what: string) => new Error(`${where}: ${what}; ${ctx.alternative}`);
  if (options.fault) throw refuse('the Gateway API has no fault injection (`fault`)');
  if (options.directResponse) throw refuse('the Gateway API has no direct response (`directResponse`)');
  if (options.retries) {
    throw refuse('the Gateway API v1.5 standard channel that Istio 1.30 supports has no retry policy (`retries`; HTTPRoute `retry` is standard from v1.7), and Istio\'s default retries apply to HTTPRoutes');
  }
  if (options.redirect && options.rewrite) throw refuse('a Gateway API rule either redirects or rewrites: set `redirect` or `rewrite`, not both');
  if (options.matches && options.matches.length === 0) throw new Error(`${where}: \`matches\` is empty: omit it for a catch-all route`);
  if (options.redirect && options.destinations) {
    throw new Error(`${where}: a route either forwards (destinations), redirects or responds directly: set only one of destinations, redirect, directResponse`);
  }

  const matches = options.matches?.map((m) => httpMatch(ctx, m._toIstio()));
  const filters: any[] = [];
  const headers = (type: string, field: string, h: HttpRouteOptions['requestHeaders']) => {
    if (!h) return;
    const list = (r?: Record<string, string>) => r && Object.entries(sortedRecord(r)).map(([name, value]) => ({ name, value }));
    filters.push({ type, [field]: { set: list(h.set), add: list(h.add), remove: h.remove && [...h.remove].sort() } });
  };
  headers('RequestHeaderModifier', 'requestHeaderModifier', options.requestHeaders);
  headers('ResponseHeaderModifier', 'responseHeaderModifier', options.responseHeaders);
  if (options.mirror) {
    const percent = options.mirror.percent ?? 100;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw refuse(`mirror percent ${percent}: the Gateway API mirrors a whole percentage (0 to 100)`);
    filters.push({
      type: 'RequestMirror',
      requestMirror: {
        backendRef: backendRef(ctx, { service: options.mirror.service, version: options.mirror.version }, defaultService),
        percent: percent === 100 ? undefined : percent,
      },
    });
  }
  if (options.cors) filters.push({ type: 'CORS', cors: cors(ctx, options.cors) });

  const backendRefs = options.redirect ? undefined : backends(ctx, options.destinations ?? [{}], defaultService);
  const timeouts = options.timeout && { request: gatewayApiDuration(`${where}: timeout`, options.timeout) };
  const name = options.name;
  if (name !== undefined && !isDnsLabel(name)) throw new Error(`${where}: route name "${name}" is not a valid Gateway API rule name: use lowercase letters, digits and '-'`);

  // A path change is relative to the match: one rule per match keeps each prefix replacement exact.
  const perMatch = (options.rewrite?.uri !== undefined || options.redirect?.uri !== undefined) && (matches?.length ?? 0) > 1;
  const groups: (any[] | undefined)[] = perMatch ? matches!.map((m) => [m]) : [matches];
  return groups.map((group, i) => {
    const pathFilter = pathChange(ctx, options, group?.[0]?.path);
    return {
      name: name && perMatch ? `${name}-${i + 1}` : name,
      matches: group,
      filters: filters.length || pathFilter ? [...filters, ...pathFilter ? [pathFilter] : []] : undefined,
      backendRefs,
      timeouts,
    };
  });
}

/**
 * GRPCRoute rules for `options`: paths `/<service>/<method>` (exact) or `/<service>/` (prefix) become
 * gRPC method matches; what GRPCRoute cannot express throws.
 * @internal
 */
export function gatewayApiGrpcRules(ctx: RouteContext, options: HttpRouteOptions, defaultService: IMeshDestination): any[] {
  const refuse = (what: string) => new Error(`${ctx.scope.node.path}: ${what}; ${ctx.alternative}`);
  const unsupported = (['timeout', 'redirect', 'rewrite', 'cors', 'directResponse', 'fault', 'retries'] as const).filter((k) => options[k] !== undefined);
  if (unsupported.length) throw refuse(`a GRPCRoute (the route of a gRPC port) has no ${unsupported.map((k) => `\`${k}\``).join(', ')}`);
  const [rule] = gatewayApiHttpRules(ctx, options, defaultService);
  return [{
    name: rule.name,
    matches: rule.matches?.map((m: any) => grpcMatch(ctx, m)),
    filters: rule.filters,
    backendRefs: rule.backendRefs,
  }];
}

/**
 * A backendRef for a destination: the Service, or the Service of a version (created on first use),
 * with a ReferenceGrant when it lives outside the route's namespace.
 * @internal
 */
export function backendRef(ctx: RouteContext, d: RouteDestination, defaultService: IMeshDestination): any {
  const svc = d.service ?? defaultService;
  // Checks the version and the port as the VirtualService rendering does.
  const port = destinationOf(ctx.scope, d, defaultService).port!.number!;
  const name = d.version === undefined ? svc.name : versionService(ctx.scope, svc, d.version);
  const namespace = svc.namespace.name === ctx.namespace ? undefined : svc.namespace.name;
  if (namespace) grantReference(ctx.scope, { kind: ctx.kind, namespace: ctx.namespace }, { kind: 'Service', namespace, name });
  return { name, namespace, port };
}

/**
 * The backendRefs of a TLS route: the service's port, as it is (no HTTP checks).
 * @internal
 */
export function tlsBackendRef(ctx: RouteContext, svc: IMeshDestination, port: number): any {
  checkInMesh(ctx.scope, svc);
  const namespace = svc.namespace.name === ctx.namespace ? undefined : svc.namespace.name;
  if (namespace) grantReference(ctx.scope, { kind: ctx.kind, namespace: ctx.namespace }, { kind: 'Service', namespace, name: svc.name });
  return { name: svc.name, namespace, port };
}

/**
 * Lets objects of one kind in one namespace reference an object in another: a ReferenceGrant in the
 * target's namespace (one per source namespace and target kind, naming each target), written once per chart.
 * @internal
 */
export function grantReference(scope: IConstruct, from: { kind: string; namespace: string }, to: { kind: 'Service' | 'Secret' | 'ConfigMap'; namespace: string; name: string }): void {
  const chart = Chart.of(scope);
  const id = `ReferenceGrant-${to.namespace}-${from.namespace}-${to.kind}`;
  let grant = chart.node.tryFindChild(id) as Grant | undefined;
  if (!grant) grant = new Grant(chart, id, from.namespace, to.namespace, to.kind);
  grant.fromKinds.add(from.kind);
  grant.names.add(to.name);
}

/** A ReferenceGrant whose lists are read at synth. */
class Grant extends Construct {
  public readonly fromKinds = new Set<string>();
  public readonly names = new Set<string>();

  constructor(scope: Construct, id: string, fromNamespace: string, namespace: string, kind: string) {
    super(scope, id);
    new (gatewayApi().ReferenceGrant)(this, 'Resource', {
      metadata: { name: `from-${fromNamespace}-to-${kind.toLowerCase()}s`.slice(0, 253), namespace },
      spec: {
        from: Lazy.any({
          produce: () => [...this.fromKinds].sort().map((k) => ({ group: GATEWAY_API_GROUP, kind: k, namespace: fromNamespace })),
        }) as any,
        to: Lazy.any({ produce: () => [...this.names].sort().map((name) => ({ group: '', kind, name })) }) as any,
      },
    });
  }
}

/**
 * The Service `<name>-<version>` that selects one version's pods: HTTPRoutes split traffic between
 * Services, not subsets. Created beside the service on first use.
 */
function versionService(scope: IConstruct, svc: IMeshDestination, version: string): string {
  const name = `${svc.name}-${version}`;
  if (!isDnsLabel(name)) {
    throw new Error(`${scope.node.path}: version "${version}" of ${svc.node.path} cannot name a Service ("${name}" is not a DNS label), and HTTPRoutes split traffic between Services: `
      + `use a shorter version: ${svc.name}-<version> has at most 63 characters`);
  }
  const selectorLabels = (svc as IMeshDestination & { selectorLabels?: Record<string, string> }).selectorLabels;
  if (!selectorLabels) throw new Error(`${scope.node.path}: ${svc.node.path} has no pod labels to select version "${version}" by`);
  const id = `VersionService-${version}`;
  if (!svc.node.tryFindChild(id)) {
    const labels = sortedRecord({ ...selectorLabels, version });
    new k8s.KubeService(svc, id, {
      metadata: serviceMetadata(svc, name, labels),
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: svc.ports.map((p) => ({
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.targetPort),
          name: p.name || `${p.protocol.name}-${p.port}`,
          protocol: transport(p.protocol),
          appProtocol: p.protocol.name,
        })),
      },
    });
  }
  return name;
}

/**
 * The metadata of an object that `svc` writes: with the service's extra labels and annotations when it
 * has them (`MeshServiceBase._metadata`), else its name and namespace.
 * @internal
 */
export function serviceMetadata(svc: IMeshDestination, name: string, labels?: Record<string, string>): ApiObjectMetadata {
  const own = (svc as IMeshDestination & { _metadata?: (n: string, o: { labels?: Record<string, string> }) => ApiObjectMetadata })._metadata;
  return typeof own === 'function' ? own.call(svc, name, { labels }) : { name, namespace: svc.namespace.name, labels };
}

function backends(ctx: RouteContext, destinations: RouteDestination[], defaultService: IMeshDestination): any[] {
  const where = ctx.scope.node.path;
  if (destinations.length === 0) throw new Error(`${where}: \`destinations\` is empty: omit it to send to the route's service`);
  const split = destinations.length > 1 || destinations[0].weight !== undefined;
  if (split) {
    if (destinations.some((d) => d.weight === undefined)) throw new Error(`${where}: give every destination a weight when splitting traffic (weights must total 100)`);
    destinations.forEach((d) => checkRange(ctx.scope, 'destination weight', d.weight!, 0, 100));
    const total = destinations.reduce((a, d) => a + d.weight!, 0);
    if (total !== 100) throw new Error(`${where}: destination weights total ${total}, not 100: adjust them (${destinations.map((d) => d.weight).join(' + ')})`);
  }
  return destinations.map((d) => ({ ...backendRef(ctx, d, defaultService), weight: destinations.length > 1 ? d.weight : undefined }));
}

/** Istio's HTTPMatchRequest (what `HttpMatch` holds) as a Gateway API HTTPRouteMatch. */
function httpMatch(ctx: RouteContext, m: Record<string, any>): any {
  const refuse = (what: string) => new Error(`${ctx.scope.node.path}: the Gateway API cannot match ${what}; ${ctx.alternative}`);
  if (m.withoutHeaders) throw refuse('on an absent header (`withoutHeader`)');
  if (m.sourceLabels) throw refuse('on the caller\'s labels (`withSourceLabels`)');
  if (m.port !== undefined) throw refuse('on the port within a rule (`withPort`)');
  if (m.ignoreUriCase) throw refuse('a path case-insensitively (`ignoringCase`)');
  const out: any = {};
  if (m.uri) {
    const [kind, value] = Object.entries(m.uri)[0] as [string, string];
    out.path = { type: kind === 'prefix' ? 'PathPrefix' : kind === 'exact' ? 'Exact' : 'RegularExpression', value };
  }
  const values = (record: Record<string, Record<string, string>> | undefined) => record && Object.entries(record).map(([name, match]) => {
    const [kind, value] = Object.entries(match)[0];
    // A prefix becomes the regular expression it is (Gateway API header matches are exact or RE2).
    return kind === 'prefix' ? { name, type: 'RegularExpression', value: `${escapeRe2(value)}.*` }
      : { name, type: kind === 'exact' ? 'Exact' : 'RegularExpression', value };
  });
  out.headers = values(m.headers);
  out.queryParams = values(m.queryParams);
  if (m.method) {
    const method = m.method.exact;
    if (!METHODS.includes(method)) throw refuse(`method "${method}" (it matches ${METHODS.join(', ')})`);
    out.method = method;
  }
  return out;
}

/** An HTTPRoute match as a GRPCRoute match: the path names the gRPC service and method. */
function grpcMatch(ctx: RouteContext, m: any): any {
  const refuse = (what: string) => new Error(`${ctx.scope.node.path}: a GRPCRoute cannot match ${what}; ${ctx.alternative}`);
  if (m.queryParams) throw refuse('query parameters');
  if (m.method) throw refuse('an HTTP method (gRPC calls are POSTs)');
  let method: any;
  if (m.path) {
    const parts = /^\/([^/]+)\/([^/]*)$/.exec(m.path.value);
    if (m.path.type === 'RegularExpression' || !parts || (m.path.type === 'Exact' && !parts[2]) || (m.path.type === 'PathPrefix' && parts[2])) {
      throw refuse(`path ${m.path.type} "${m.path.value}": match \`/<package.Service>/<Method>\` exactly, or \`/<package.Service>/\` by prefix`);
    }
    method = { type: 'Exact', service: parts[1], method: parts[2] || undefined };
  }
  return { method, headers: m.headers };
}

/** The URLRewrite or RequestRedirect filter of a rule whose first match has `path`. */
function pathChange(ctx: RouteContext, options: HttpRouteOptions, path: any): any {
  const replace = (uri: string | undefined, byPrefix: boolean) => uri === undefined ? undefined
    : byPrefix ? { type: 'ReplacePrefixMatch', replacePrefixMatch: uri } : { type: 'ReplaceFullPath', replaceFullPath: uri };
  if (options.rewrite) {
    // Istio replaces the matched prefix of a prefix match, else the whole path.
    return { type: 'URLRewrite', urlRewrite: { hostname: options.rewrite.authority, path: replace(options.rewrite.uri, path?.type === 'PathPrefix') } };
  }
  const r = options.redirect;
  if (!r) return undefined;
  const code = r.code ?? 301;
  if (![301, 302, 303, 307, 308].includes(code)) throw new Error(`${ctx.scope.node.path}: redirect code ${code} is not a redirect: use 301, 302, 303, 307 or 308`);
  if (r.scheme !== undefined && !['http', 'https'].includes(r.scheme)) throw new Error(`${ctx.scope.node.path}: redirect scheme "${r.scheme}": use http or https`);
  // Istio's redirect `uri` replaces the whole path.
  return { type: 'RequestRedirect', requestRedirect: { scheme: r.scheme, hostname: r.authority, path: replace(r.uri, false), statusCode: code } };
}

function cors(ctx: RouteContext, c: NonNullable<HttpRouteOptions['cors']>): any {
  if (c.allowOrigins.length === 0) throw new Error(`${ctx.scope.node.path}: cors.allowOrigins is empty: list at least one origin`);
  const origins = c.allowOrigins.map((o) => {
    if (o.kind !== 'exact') throw new Error(`${ctx.scope.node.path}: the Gateway API's CORS filter takes origins (\`https://a.example.com\`, \`https://*.example.com\`, \`*\`), not ${o.kind} matches; use StringMatch.exact, or ${ctx.alternative}`);
    return o.value;
  });
  const maxAge = c.maxAge?.toSeconds();
  if (maxAge !== undefined && !Number.isInteger(maxAge)) throw new Error(`${ctx.scope.node.path}: cors.maxAge must be whole seconds for the Gateway API`);
  return {
    allowOrigins: origins,
    allowMethods: c.allowMethods,
    allowHeaders: c.allowHeaders,
    exposeHeaders: c.exposeHeaders,
    maxAge,
    allowCredentials: c.allowCredentials,
  };
}

/** `value` with RE2's special characters escaped. */
function escapeRe2(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
