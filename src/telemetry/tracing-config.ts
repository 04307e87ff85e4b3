import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AccessLog } from './access-log';
import { Tracing, TracingBackend } from './tracing';
import { Telemetry, TelemetrySpecAccessLogging, TelemetrySpecTracing } from '../imports/telemetry.istio.io';
import { MeshConfigMap } from '../platform/mesh-config';
import { MeshPlatform, MeshPlatformKind } from '../platform/mesh-platform';

/** Properties of a `TracingConfig`. */
export interface TracingConfigProps {
  /**
   * The platform, which decides how the settings are delivered.
   * @default - `MeshPlatform.of(this)`
   */
  readonly platform?: MeshPlatform;
  /**
   * Envoy access logs.
   * @default - access logs unchanged (off unless the platform enables them)
   */
  readonly accessLog?: AccessLog;
  /**
   * Distributed tracing.
   * @default - tracing unchanged
   */
  readonly tracing?: Tracing;
}

const ACCESS_LOG_PROVIDER = 'envoy-access-log';
/** Root namespaces whose selector-less Telemetry a TracingConfig has taken, per chart. */
const ROOT_TELEMETRY = new WeakMap<Chart, Set<string>>();

/**
 * Mesh-wide access logs and tracing, delivered the way each platform reads them:
 * - managed ASM (istiod): the mesh ConfigMap (`accessLogFile`, `accessLogEncoding`,
 *   `accessLogFormat`, `defaultConfig.tracing`);
 * - Cloud Service Mesh (Traffic Director): a root-namespace `Telemetry` with the built-in
 *   `envoy` / `stackdriver` providers (the log format still goes in the mesh ConfigMap);
 * - open-source Istio: MeshConfig extension providers and a root-namespace `Telemetry` that enables them.
 */
export class TracingConfig extends Construct {
  /** The platform it configures. */
  public readonly platform: MeshPlatform;
  /** The root-namespace Telemetry, where the platform uses the Telemetry API. */
  public readonly telemetry?: Telemetry;

  constructor(scope: Construct, id: string, props: TracingConfigProps) {
    super(scope, id);
    this.platform = props.platform ?? MeshPlatform.of(this);
    const { accessLog, tracing } = props;
    if (!accessLog && !tracing) {
      throw new Error(`${this.node.path}: nothing to configure: set \`accessLog\`, \`tracing\` or both`);
    }
    const kind = this.platform.kind;
    if (tracing?.backend === TracingBackend.CLOUD_TRACE && kind === MeshPlatformKind.ISTIO) {
      throw new Error(`${this.node.path}: Tracing.cloudTrace() needs a managed mesh: open-source Istio removed the stackdriver tracer in 1.23. Use Tracing.openTelemetry() with a collector that exports to Cloud Trace`);
    }
    const mesh = MeshConfigMap.of(this, this.platform);
    const accessLogging: TelemetrySpecAccessLogging[] = [];
    const tracingSpec: TelemetrySpecTracing[] = [];

    if (accessLog) {
      if (kind === MeshPlatformKind.ISTIO) {
        mesh.merge(this, { extensionProviders: [{ name: ACCESS_LOG_PROVIDER, envoyFileAccessLog: { path: '/dev/stdout', logFormat: accessLog._providerLogFormat() } }] });
        accessLogging.push({ providers: [{ name: ACCESS_LOG_PROVIDER }] });
      } else {
        // The built-in `envoy` provider of managed meshes formats with these MeshConfig fields.
        mesh.merge(this, {
          accessLogFile: kind === MeshPlatformKind.ASM_MANAGED_ISTIOD ? '/dev/stdout' : undefined,
          accessLogEncoding: accessLog.encoding,
          accessLogFormat: accessLog._meshFormat(),
        });
        if (kind === MeshPlatformKind.CLOUD_SERVICE_MESH) accessLogging.push({ providers: [{ name: 'envoy' }] });
      }
    }

    if (tracing) {
      const sampling = tracing.samplingPercent;
      if (tracing.backend === TracingBackend.OPEN_TELEMETRY) {
        mesh.merge(this, { extensionProviders: [{ name: tracing.providerName, opentelemetry: { service: tracing.service, port: tracing.port } }] });
        tracingSpec.push({ providers: [{ name: tracing.providerName }], randomSamplingPercentage: sampling });
      } else if (kind === MeshPlatformKind.ASM_MANAGED_ISTIOD) {
        // The tracer is part of the proxy bootstrap: pods pick it up on restart.
        mesh.merge(this, { defaultConfig: { tracing: { stackdriver: {}, sampling } } });
      } else {
        tracingSpec.push({ providers: [{ name: 'stackdriver' }], randomSamplingPercentage: sampling });
      }
    }

    if (accessLogging.length || tracingSpec.length) {
      const chart = Chart.of(this);
      const taken = ROOT_TELEMETRY.get(chart) ?? new Set<string>();
      ROOT_TELEMETRY.set(chart, taken);
      if (taken.has(this.platform.rootNamespace)) {
        throw new Error(`${this.node.path}: the chart already has a mesh-wide Telemetry in "${this.platform.rootNamespace}" (Istio allows one selector-less Telemetry per namespace): use one TracingConfig per mesh`);
      }
      taken.add(this.platform.rootNamespace);
      this.telemetry = new Telemetry(this, 'Telemetry', {
        metadata: { name: 'mesh-default', namespace: this.platform.rootNamespace },
        spec: {
          accessLogging: accessLogging.length ? accessLogging : undefined,
          tracing: tracingSpec.length ? tracingSpec : undefined,
        },
      });
    }
  }
}
