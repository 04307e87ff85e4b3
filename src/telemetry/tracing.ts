import { checkProps, checkString } from '../core/check';
import { isDnsLabel, isDnsName } from '../core/names';

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
  /** Host of the OTLP collector, e.g. `opentelemetry-collector.observability.svc.cluster.local`. */
  readonly service: string;
  /**
   * OTLP/gRPC port of the collector.
   * @default 4317
   */
  readonly port?: number;
  /**
   * Name of the MeshConfig extension provider.
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
    const [first, host, extra] = checkString('Tracing.openTelemetry', 'service', options.service).split('/');
    // `[<namespace>/]<host>`, as MeshConfig extension providers accept.
    if (extra !== undefined || (host === undefined ? !isDnsName(first, false) : !isDnsLabel(first) || !isDnsName(host, false))) {
      throw new Error(`Tracing.openTelemetry: service "${options.service}" is not a host name: use e.g. "otel-collector.observability.svc.cluster.local"`);
    }
    const port = options.port ?? 4317;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`Tracing.openTelemetry: port ${port} is out of range: use a whole number from 1 to 65535`);
    }
    const name = options.providerName ?? 'otel-tracing';
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

function checkSampling(percent: number | undefined): number | undefined {
  if (percent === undefined) return undefined;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100 || Math.abs(Math.round(percent * 100) - percent * 100) > 1e-9) {
    throw new Error(`Tracing: samplingPercent ${percent} is out of range: use 0 to 100 in steps of 0.01`);
  }
  return percent;
}
