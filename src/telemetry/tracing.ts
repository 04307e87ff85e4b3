import { ACCESS_LOG_PROVIDER } from './access-log';
import { checkProps, checkString } from '../core/check';
import { serviceHostNamespace } from '../core/hosts';
import { isDnsLabel, isDnsName, isIp } from '../core/names';

/**
 * Provider names a tracer may not take, with what taking them would do: the extension providers of
 * Istio's default MeshConfig (`pkg/config/mesh/mesh.go`), which istiod merges with the configured
 * ones by name (a provider of the same name replaces the built-in one), and TracingConfig's own.
 */
const RESERVED_PROVIDERS: Record<string, string> = {
  prometheus: 'an Istio built-in provider: a provider of that name replaces it, which removes every Istio metric, mesh-wide',
  envoy: 'an Istio built-in provider: a provider of that name replaces it, which breaks the access logs of every Telemetry that names "envoy"',
  stackdriver: 'an Istio built-in provider: a provider of that name replaces it, which breaks every Telemetry that names "stackdriver"',
  [ACCESS_LOG_PROVIDER]: 'TracingConfig\'s access-log provider: with an access-log format of its own, TracingConfig writes a provider of that name too, '
    + 'and istiod keeps the last provider of a name, so the tracer would replace it and no access log would be written',
};

/** Options of `Tracing.cloudTrace()`. */
export interface CloudTraceOptions {
  /**
   * Percentage of requests traced, 0–100 (steps of 0.01): `defaultConfig.tracing.sampling` on
   * managed ASM (istiod), the Telemetry's `randomSamplingPercentage` on Cloud Service Mesh (Traffic
   * Director), as Google's Cloud Trace guides document for each. istiod reads a `sampling` of 0 as
   * unset, so 0 is refused on managed ASM (omit tracing to trace nothing).
   * @default - the platform's default (1%)
   */
  readonly samplingPercent?: number;
}

/** Options of `Tracing.openTelemetry()`. */
export interface OpenTelemetryOptions {
  /**
   * Host of the OTLP collector in Istio's service registry, optionally as `<namespace>/<host>`: the
   * full name of its Service, `<name>.<namespace>.svc.cluster.local` (e.g.
   * `opentelemetry-collector.observability.svc.cluster.local`), or the host of a ServiceEntry for a
   * collector outside the cluster (e.g. `otel.example.com`). In a cluster whose DNS domain is not
   * `cluster.local`, a Service's name ends in that domain instead.
   *
   * istiod looks the provider's service up by exact registry host name and, when nothing matches,
   * only logs it and configures no tracer. So these are refused: a name without a dot
   * (`otel-collector`), an IP address, a name of two labels (`otel-collector.observability`, the
   * Kubernetes short form), `<name>.<namespace>.svc`, and a `<namespace>/` other than the namespace
   * in a `<name>.<namespace>.svc.cluster.local` host. A collector at a two-label domain
   * (`example.com`) is named through a ServiceEntry whose host has three labels or more
   * (`otel.example.com`), with resolution DNS and that domain as its endpoint address.
   */
  readonly service: string;
  /**
   * OTLP/gRPC port of the collector.
   * @default 4317
   */
  readonly port?: number;
  /**
   * Name of the MeshConfig extension provider. It may not be the name of one of Istio's built-in
   * providers, `envoy`, `prometheus` or `stackdriver`, in any case, nor `envoy-access-log`
   * (TracingConfig's access-log provider): istiod merges extension providers by name, so the tracer
   * would replace that provider (`prometheus`: every Istio metric, mesh-wide; `envoy`: the access
   * log of Telemetry resources that name it; `envoy-access-log`: TracingConfig's own access log).
   * @default 'otel-tracing'
   */
  readonly providerName?: string;
  /**
   * Percentage of requests traced, 0–100 (steps of 0.01).
   * @default 1
   */
  readonly samplingPercent?: number;
}

/** Which tracer the proxies report spans to. */
export enum TracingBackend {
  /** Google Cloud Trace (the `stackdriver` tracer of managed meshes). */
  CLOUD_TRACE = 'cloud-trace',
  /** An OpenTelemetry collector over OTLP/gRPC. */
  OPEN_TELEMETRY = 'opentelemetry',
}

/**
 * Distributed tracing from the mesh's proxies.
 */
export class Tracing {
  /** Google Cloud Trace, on managed (Cloud) Service Mesh. */
  public static cloudTrace(options: CloudTraceOptions = {}): Tracing {
    checkProps('Tracing.cloudTrace', options, []);
    return new Tracing(TracingBackend.CLOUD_TRACE, checkSampling(options.samplingPercent), undefined, undefined, 'stackdriver');
  }

  /** An OpenTelemetry collector (MeshConfig extension provider + Telemetry). */
  public static openTelemetry(options: OpenTelemetryOptions): Tracing {
    checkProps('Tracing.openTelemetry', options, ['service']);
    checkCollectorHost(checkString('Tracing.openTelemetry', 'service', options.service));
    const port = options.port ?? 4317;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`Tracing.openTelemetry: port ${port} is out of range: use a whole number from 1 to 65535`);
    }
    const name = options.providerName === undefined ? 'otel-tracing' : checkString('Tracing.openTelemetry', 'providerName', options.providerName);
    const taken = RESERVED_PROVIDERS[name.toLowerCase()];
    if (taken !== undefined) {
      throw new Error(`Tracing.openTelemetry: providerName "${name}" is the name of ${taken}: `
        + 'choose another name, e.g. "otel-tracing"');
    }
    if (!isDnsLabel(name)) {
      throw new Error(`Tracing.openTelemetry: providerName "${name}" must be lowercase letters, digits and '-'`);
    }
    return new Tracing(TracingBackend.OPEN_TELEMETRY, checkSampling(options.samplingPercent ?? 1), options.service, port, name);
  }

  private constructor(
    /** The backend. */
    public readonly backend: TracingBackend,
    /** Percentage of requests traced. */
    public readonly samplingPercent: number | undefined,
    /** Collector host (OpenTelemetry). */
    public readonly service: string | undefined,
    /** Collector port (OpenTelemetry). */
    public readonly port: number | undefined,
    /** Provider name that Telemetry resources refer to. */
    public readonly providerName: string,
  ) {}
}

/**
 * Throws unless `service` (`[<namespace>/]<host>`, as MeshConfig extension providers accept) can
 * name a host of Istio's service registry. istiod looks it up by exact host name (in the namespace,
 * if given) and, when nothing matches, only logs "could not find service ... in Istio service
 * registry" and configures no tracer: short names, IP addresses and truncated Kubernetes names
 * would leave tracing silently off.
 */
function checkCollectorHost(service: string): void {
  const [first, second, extra] = service.split('/');
  const namespace = second === undefined ? undefined : first;
  const host = second ?? first;
  const at = namespace === undefined ? '' : `${namespace}/`;
  const silent = 'istiod looks providers up by registry host name and would silently configure no tracer';
  if (isIp(host)) {
    throw new Error(`Tracing.openTelemetry: service "${service}" is an IP address, not the collector's host name: ${silent}: `
      + 'use its Service\'s "<name>.<namespace>.svc.cluster.local", or the host of a ServiceEntry for a collector outside the cluster');
  }
  if (extra !== undefined || (namespace !== undefined && !isDnsLabel(namespace)) || !isDnsName(host, false)) {
    throw new Error(`Tracing.openTelemetry: service "${service}" is not a host name: use e.g. "otel-collector.observability.svc.cluster.local"`);
  }
  const labels = host.split('.');
  // `<name>`, `<name>.<namespace>` and `<name>.<namespace>.svc` resolve in a pod's DNS, but the
  // registry knows a Service only by its full name. Two labels may also be a domain (`example.com`):
  // refused too, as a registry host for it can always have three labels (see `service`).
  const full = labels.length === 1 ? `${host}.${namespace ?? '<namespace>'}.svc.cluster.local`
    : labels.length === 2 ? `${host}.svc.cluster.local`
      : labels.length === 3 && labels[2] === 'svc' ? `${host}.cluster.local` : undefined;
  if (full !== undefined) {
    throw new Error(`Tracing.openTelemetry: service "${service}" is not the collector's full host name: ${silent}: use "${at}${full}"`
      + (labels.length === 2 ? ' (for a collector outside the cluster, a ServiceEntry host of three labels or more)' : ''));
  }
  // A Service's host names its namespace: in another namespace, istiod finds nothing.
  const serviceNamespace = serviceHostNamespace(host);
  if (namespace !== undefined && serviceNamespace !== undefined && serviceNamespace !== namespace) {
    throw new Error(`Tracing.openTelemetry: service "${service}" names namespace "${namespace}", but the Service "${host}" is in namespace "${serviceNamespace}": `
      + `istiod looks the host up in the namespace given and would silently configure no tracer: use "${serviceNamespace}/${host}" or "${host}"`);
  }
}

function checkSampling(percent: number | undefined): number | undefined {
  if (percent === undefined) return undefined;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100 || Math.abs(Math.round(percent * 100) - percent * 100) > 1e-9) {
    throw new Error(`Tracing: samplingPercent ${percent} is out of range: use 0 to 100 in steps of 0.01`);
  }
  return percent;
}
