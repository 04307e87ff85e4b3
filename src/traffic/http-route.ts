import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IMeshDestination, checkDestination, checkInMesh, defaultHttpPort } from './destination';
import { HttpMatch, checkMethod } from './http-match';
import { StringMatch } from './string-match';
import { checkEnum, checkInstance, checkList, checkProps } from '../core/check';
import { istioDuration } from '../core/duration';
import { checkRange, sortedRecord } from '../core/names';
import type { VirtualServiceSpecHttp, VirtualServiceSpecHttpRouteDestination } from '../imports/networking.istio.io';

/** Where a route sends requests; several destinations split traffic by weight. */
export interface RouteDestination {
  /**
   * The service (created, adopted or referenced).
   * @default - the route's own service (for `addRoute`) or the route's `to`
   */
  readonly service?: IMeshDestination;
  /**
   * A version of the service (its DestinationRule subset), as declared with `version` / `addVersion`.
   * @default - all versions
   */
  readonly version?: string;
  /**
   * Share of traffic, 0–100; the weights of a route must total 100.
   * @default - 100 for a single destination
   */
  readonly weight?: number;
  /**
   * Service port.
   * @default - the service's first HTTP port
   */
  readonly port?: number;
}

/** Conditions Envoy retries on (`retryOn`). */
export enum RetryOn {
  /** Any 5xx response, or no response. */
  FIVE_XX = '5xx',
  /** 502, 503, 504. */
  GATEWAY_ERROR = 'gateway-error',
  /** No response at all (disconnect, reset, timeout). */
  RESET = 'reset',
  /** Connection failures. */
  CONNECT_FAILURE = 'connect-failure',
  /** Streams refused by the upstream (REFUSED_STREAM). */
  REFUSED_STREAM = 'refused-stream',
  /** Retriable 4xx (409). */
  RETRIABLE_4XX = 'retriable-4xx',
  /** gRPC status UNAVAILABLE. */
  UNAVAILABLE = 'unavailable',
  /** gRPC status CANCELLED. */
  CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status RESOURCE_EXHAUSTED. */
  RESOURCE_EXHAUSTED = 'resource-exhausted',
}

/** Retries of a route. */
export interface RetryPolicy {
  /** Number of retries, at least 1. */
  readonly attempts: number;
  /**
   * Timeout of each attempt.
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;
  /**
   * When to retry.
   * @default - Istio's default (connect-failure, refused-stream, unavailable, cancelled, 503)
   */
  readonly retryOn?: RetryOn[];
}

/** A delay injected into a share of requests. */
export interface FaultDelay {
  /** The delay. */
  readonly delay: Duration;
  /** Share of requests delayed, 0–100. */
  readonly percent: number;
}

/** An error returned instead of calling the service, for a share of requests. */
export interface FaultAbort {
  /** HTTP status returned, 200–599. */
  readonly httpStatus: number;
  /** Share of requests aborted, 0–100. */
  readonly percent: number;
}

/** Faults injected to test resilience. */
export interface FaultInjection {
  /** @default - no delay */
  readonly delay?: FaultDelay;
  /** @default - no abort */
  readonly abort?: FaultAbort;
}

/** A copy of the traffic sent to another service (responses are discarded). */
export interface MirrorPolicy {
  /**
   * The service that receives the copies.
   * @default - the route's own service (for `addRoute`) or the route's `to`, like a destination
   */
  readonly service?: IMeshDestination;
  /**
   * A version of it.
   * @default - all versions
   */
  readonly version?: string;
  /**
   * Share of requests mirrored, 0–100.
   * @default 100
   */
  readonly percent?: number;
}

/** Rewrites before forwarding. */
export interface RewriteOptions {
  /**
   * Replaces the matched path prefix (or the whole path for exact matches).
   * @default - path unchanged
   */
  readonly uri?: string;
  /**
   * Replaces the Host / :authority header.
   * @default - authority unchanged
   */
  readonly authority?: string;
}

/** An HTTP redirect returned instead of forwarding. */
export interface RedirectOptions {
  /**
   * New path.
   * @default - path unchanged
   */
  readonly uri?: string;
  /**
   * New host.
   * @default - host unchanged
   */
  readonly authority?: string;
  /**
   * New scheme (`http` or `https`).
   * @default - scheme unchanged
   */
  readonly scheme?: string;
  /**
   * Status code: 301, 302, 303, 307 or 308.
   * @default 301
   */
  readonly code?: number;
}

/** A fixed response returned instead of forwarding. */
export interface DirectResponseOptions {
  /** HTTP status, 200–599. */
  readonly status: number;
  /**
   * Response body.
   * @default - empty
   */
  readonly body?: string;
}

/** Header changes on requests or responses. */
export interface HeaderOperations {
  /** @default - none */
  readonly set?: { [name: string]: string };
  /** @default - none */
  readonly add?: { [name: string]: string };
  /** @default - none */
  readonly remove?: string[];
}

/** Cross-origin resource sharing policy. */
export interface CorsOptions {
  /** Allowed origins. */
  readonly allowOrigins: StringMatch[];
  /** @default - none */
  readonly allowMethods?: string[];
  /** @default - none */
  readonly allowHeaders?: string[];
  /** @default - none */
  readonly exposeHeaders?: string[];
  /** @default - browsers' default */
  readonly maxAge?: Duration;
  /** @default false */
  readonly allowCredentials?: boolean;
}

/** An HTTP route: which requests, where to, and what happens on the way. */
export interface HttpRouteOptions {
  /**
   * Which requests (alternatives). Routes are evaluated in the order they are added.
   * @default - every request (a catch-all; nothing can follow it)
   */
  readonly matches?: HttpMatch[];
  /**
   * Where to send them.
   * @default - the route's service, all versions
   */
  readonly destinations?: RouteDestination[];
  /** @default - no timeout (Istio's default) */
  readonly timeout?: Duration;
  /** @default - Istio's default retries */
  readonly retries?: RetryPolicy;
  /** @default - no fault injection */
  readonly fault?: FaultInjection;
  /** @default - no mirroring */
  readonly mirror?: MirrorPolicy;
  /** @default - no rewrite */
  readonly rewrite?: RewriteOptions;
  /** @default - forward, no redirect */
  readonly redirect?: RedirectOptions;
  /** @default - forward, no direct response */
  readonly directResponse?: DirectResponseOptions;
  /** @default - unchanged */
  readonly requestHeaders?: HeaderOperations;
  /** @default - unchanged */
  readonly responseHeaders?: HeaderOperations;
  /** @default - no CORS policy */
  readonly cors?: CorsOptions;
  /**
   * Route name (shows in metrics and access logs).
   * @default - none
   */
  readonly name?: string;
}

/**
 * The VirtualService HTTP rule for `options`, sending to `defaultService` unless told otherwise
 * (on `port`, when given, if the destination names none).
 * @internal
 */
export function renderHttpRoute(scope: IConstruct, options: HttpRouteOptions, defaultService: IMeshDestination,
  port?: number): VirtualServiceSpecHttp {
  const where = scope.node.path;
  checkRouteOptions(scope, options);
  const responds = [options.redirect && 'redirect', options.directResponse && 'directResponse'].filter(Boolean);
  if (responds.length > 1 || (responds.length && options.destinations)) {
    throw new Error(`${where}: a route either forwards (destinations), redirects or responds directly: set only one of destinations, redirect, directResponse`);
  }
  const forwardingOnly = (['rewrite', 'fault', 'mirror', 'retries', 'timeout'] as const).filter((k) => options[k] !== undefined);
  if (responds.length && forwardingOnly.length) {
    throw new Error(`${where}: ${forwardingOnly.join(', ')} apply to a route that forwards, but this one answers with ${responds[0]} `
      + `(istiod rejects rewrite and fault next to it, and the others would do nothing): remove ${forwardingOnly.join(', ')}`);
  }
  const percent = (what: string, value: number) => {
    if (!(value >= 0 && value <= 100)) throw new Error(`${where}: ${what} ${value} is out of range: use 0 to 100`);
    if (value === 0) throw new Error(`${where}: ${what} is 0, so it affects no request: omit it`);
    return { value };
  };
  const duration = (what: string, d: Duration | undefined) => d && istioDuration(`${where}: ${what}`, d);
  const matches = options.matches;
  if (matches && matches.length === 0) throw new Error(`${where}: \`matches\` is empty: omit it for a catch-all route`);

  const rule: VirtualServiceSpecHttp = {
    name: options.name,
    match: matches?.map((m) => m._toIstio()),
    route: responds.length ? undefined : renderDestinations(scope, options.destinations ?? [{}], defaultService, port),
    redirect: options.redirect && renderRedirect(where, options.redirect),
    directResponse: options.directResponse && {
      status: checkRange(scope, 'directResponse status', options.directResponse.status, 200, 599),
      body: options.directResponse.body !== undefined ? { string: options.directResponse.body } : undefined,
    },
    rewrite: options.rewrite && { uri: options.rewrite.uri, authority: options.rewrite.authority },
    timeout: duration('timeout', options.timeout),
    retries: options.retries && renderRetries(scope, options.retries),
    fault: options.fault && {
      delay: options.fault.delay && { fixedDelay: duration('fault delay', options.fault.delay.delay), percentage: percent('fault delay percent', options.fault.delay.percent) },
      abort: options.fault.abort && {
        httpStatus: checkRange(scope, 'fault abort httpStatus', options.fault.abort.httpStatus, 200, 599),
        percentage: percent('fault abort percent', options.fault.abort.percent),
      },
    },
    mirrors: options.mirror && [{
      destination: destinationOf(scope, { service: options.mirror.service, version: options.mirror.version }, defaultService, port),
      percentage: percent('mirror percent', options.mirror.percent ?? 100),
    }],
    headers: (options.requestHeaders || options.responseHeaders) ? {
      request: options.requestHeaders && renderHeaders(options.requestHeaders),
      response: options.responseHeaders && renderHeaders(options.responseHeaders),
    } : undefined,
    corsPolicy: options.cors && {
      allowOrigins: options.cors.allowOrigins.map((o) => o._toIstio()),
      allowMethods: options.cors.allowMethods,
      allowHeaders: options.cors.allowHeaders,
      exposeHeaders: options.cors.exposeHeaders,
      maxAge: duration('cors maxAge', options.cors.maxAge),
      allowCredentials: options.cors.allowCredentials,
    },
  };
  if (options.cors && options.cors.allowOrigins.length === 0) throw new Error(`${where}: cors.allowOrigins is empty: list at least one origin`);
  if (options.timeout && options.retries?.perTryTimeout) {
    // Both rendered above, so both are valid Durations.
    const timeout = options.timeout.toMilliseconds({ integral: false });
    const perTry = options.retries.perTryTimeout.toMilliseconds({ integral: false });
    if (perTry > timeout) {
      throw new Error(`${where}: retries.perTryTimeout (${perTry}ms) is longer than the route's timeout (${timeout}ms): the route times out before a try does, so no retry ever runs; `
        + 'make perTryTimeout shorter than timeout (e.g. timeout / (attempts + 1))');
    }
  }
  return rule;
}

/**
 * What the types say but jsii languages and JavaScript do not enforce, and options that are
 * well-typed but do nothing or loop.
 */
function checkRouteOptions(scope: IConstruct, o: HttpRouteOptions): void {
  const where = scope.node.path;
  checkProps(scope, o, []);
  checkList(scope, 'matches', o.matches)?.forEach((m, i) => {
    checkInstance(scope, `matches[${i}]`, m, HttpMatch, 'HttpMatch.prefix(\'/api\')');
    if (Object.keys(m._toIstio()).every((k) => k === 'ignoreUriCase')) {
      throw new Error(`${where}: matches[${i}] has no condition (HttpMatch.any() alone takes every request, and every route after it would be unreachable): `
        + 'narrow it (withHeader, withMethod, ...), or omit `matches` for a catch-all route');
    }
  });
  checkList(scope, 'destinations', o.destinations)?.forEach((d, i) => checkProps(`${where}: destinations[${i}]`, d, []));
  // An empty string is unset to istiod, which rejects a rewrite of neither.
  if (o.rewrite && !o.rewrite.uri && !o.rewrite.authority) {
    throw new Error(`${where}: rewrite sets neither uri nor authority: set one, or omit \`rewrite\``);
  }
  if (o.fault && !o.fault.delay && !o.fault.abort) throw new Error(`${where}: fault has neither delay nor abort (Istio rejects an empty fault): set one, or omit \`fault\``);
  for (const [what, h] of [['requestHeaders', o.requestHeaders], ['responseHeaders', o.responseHeaders]] as const) {
    if (h && !Object.keys(h.set ?? {}).length && !Object.keys(h.add ?? {}).length && !(h.remove ?? []).length) {
      throw new Error(`${where}: ${what} sets, adds and removes nothing: omit it`);
    }
  }
  if (o.cors) {
    checkProps(`${where}: cors`, o.cors, ['allowOrigins']);
    checkList(scope, 'cors.allowOrigins', o.cors.allowOrigins)!.forEach((m, i) => checkInstance(scope, `cors.allowOrigins[${i}]`, m, StringMatch, 'StringMatch.exact(\'https://example.com\')'));
    for (const m of checkList(scope, 'cors.allowMethods', o.cors.allowMethods) ?? []) checkMethod(`${where}: cors.allowMethods`, m);
  }
}

function renderDestinations(scope: IConstruct, destinations: RouteDestination[], defaultService: IMeshDestination, port?: number) {
  const where = scope.node.path;
  if (destinations.length === 0) throw new Error(`${where}: \`destinations\` is empty: omit it to send to the route's service`);
  const weights = destinations.map((d) => d.weight);
  if (destinations.length > 1 || weights[0] !== undefined) {
    if (weights.some((w) => w === undefined)) {
      throw new Error(`${where}: give every destination a weight when splitting traffic (weights must total 100)`);
    }
    weights.forEach((w) => checkRange(scope, 'destination weight', w!, 0, 100));
    const total = weights.reduce((a, b) => a! + b!, 0);
    if (total !== 100) throw new Error(`${where}: destination weights total ${total}, not 100: adjust them (${weights.join(' + ')})`);
  }
  return destinations.map((d) => ({
    destination: destinationOf(scope, d, defaultService, port),
    weight: destinations.length > 1 ? d.weight : undefined,
  }));
}

/**
 * The destination (host, subset, port) of `d`, checked against the service's versions and ports. A
 * destination without a port goes to `servedPort` when it is `defaultService` itself and `servedPort` is given
 * (the port the rule serves), else to the service's first HTTP port.
 * @internal
 */
export function destinationOf(scope: IConstruct, d: RouteDestination, defaultService: IMeshDestination,
  servedPort?: number): VirtualServiceSpecHttpRouteDestination {
  const given = checkDestination(scope, 'service', d.service) ?? defaultService;
  const svc = checkInMesh(scope, given);
  const where = scope.node.path;
  if (d.version !== undefined && !svc.versions.includes(d.version)) {
    throw new Error(`${where}: ${svc.node.path} has no version "${d.version}" (versions: ${svc.versions.join(', ') || 'none'}): declare it with \`version\` or addVersion()`);
  }
  const port = d.port ?? (given === defaultService && servedPort !== undefined ? servedPort : defaultHttpPort(svc)?.port);
  const target = svc.ports.find((p) => p.port === port);
  if (port === undefined || !target) {
    const known = svc.ports.map((p) => `${p.port} (${p.protocol.name})`).join(', ');
    throw new Error(`${where}: route to ${svc.node.path}: ${port === undefined ? 'the service has no HTTP port' : `port ${port} is not a port of the service`}; its ports are ${known}`);
  }
  if (!target.protocol.isHttp) {
    throw new Error(`${where}: route to ${svc.node.path}: port ${port} speaks ${target.protocol.name}, but HTTP routes need an HTTP-family port`);
  }
  return { host: svc.fqdn, subset: d.version, port: { number: port } };
}

function renderRetries(scope: IConstruct, retries: RetryPolicy) {
  if (!Number.isInteger(retries.attempts) || retries.attempts < 1) {
    throw new Error(`${scope.node.path}: retries.attempts is ${retries.attempts}: use at least 1, or omit \`retries\` for Istio's default`);
  }
  checkList(scope, 'retries.retryOn', retries.retryOn)?.forEach((r, i) => checkEnum(scope, `retries.retryOn[${i}]`, r, RetryOn, 'RetryOn'));
  if (retries.retryOn && retries.retryOn.length === 0) throw new Error(`${scope.node.path}: retries.retryOn is empty: omit it for Istio's default conditions`);
  return {
    attempts: retries.attempts,
    perTryTimeout: retries.perTryTimeout && istioDuration(`${scope.node.path}: retries.perTryTimeout`, retries.perTryTimeout),
    retryOn: retries.retryOn?.join(','),
  };
}

function renderRedirect(where: string, r: RedirectOptions) {
  const code = r.code ?? 301;
  if (![301, 302, 303, 307, 308].includes(code)) throw new Error(`${where}: redirect code ${code} is not a redirect: use 301, 302, 303, 307 or 308`);
  if (r.scheme !== undefined && !['http', 'https'].includes(r.scheme)) throw new Error(`${where}: redirect scheme "${r.scheme}": use http or https`);
  if (r.uri === undefined && r.authority === undefined && r.scheme === undefined) {
    throw new Error(`${where}: redirect changes neither uri, authority nor scheme: clients would be sent back to the same URL forever; set what the redirect changes`);
  }
  return { uri: r.uri, authority: r.authority, scheme: r.scheme, redirectCode: code };
}

function renderHeaders(h: HeaderOperations) {
  return {
    set: h.set && sortedRecord(h.set),
    add: h.add && sortedRecord(h.add),
    remove: h.remove && [...h.remove].sort(),
  };
}
