import { Construct, IConstruct } from 'constructs';
import { ACCESS_LOG_PROVIDER, AccessLog, AccessLogEncoding } from './access-log';
import { Tracing, TracingBackend } from './tracing';
import { checkInstance, checkProps } from '../core/check';
import { telemetry } from '../core/l1';
import type { Telemetry, TelemetrySpecAccessLogging, TelemetrySpecTracing } from '../imports/telemetry.istio.io';
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

/** Root namespaces whose selector-less Telemetry a TracingConfig has taken, per app, with the construct that took it. */
const ROOT_TELEMETRY = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Mesh-wide access logs and tracing, delivered the way each platform reads them:
 * - managed ASM (istiod): the mesh ConfigMap (`accessLogFile`, `accessLogEncoding`,
 *   `accessLogFormat`, `defaultConfig.tracing`);
 * - Cloud Service Mesh (Traffic Director): a root-namespace `Telemetry` with the built-in
 *   `envoy` / `stackdriver` providers (a log format goes in the mesh ConfigMap);
 * - open-source Istio: a root-namespace `Telemetry` with the built-in `envoy` provider for Istio's
 *   default text log, and MeshConfig extension providers (in the shared mesh config,
 *   `IstioOptions.sharedMeshConfig`) for a log format of your own and for OpenTelemetry.
 * The mesh ConfigMap is written only when a field goes in it.
 */
export class TracingConfig extends Construct {
  /** The platform it configures. */
  public readonly platform: MeshPlatform;
  /** The root-namespace Telemetry, where the platform uses the Telemetry API. */
  public readonly telemetry?: Telemetry;

  constructor(scope: Construct, id: string, props: TracingConfigProps) {
    super(scope, id);
    checkProps(this, props, []);
    this.platform = checkInstance(this, 'platform', props.platform, MeshPlatform, 'MeshPlatform.istio()') ?? MeshPlatform.of(this);
    const accessLog = checkInstance(this, 'accessLog', props.accessLog, AccessLog, 'AccessLog.json()');
    const tracing = checkInstance(this, 'tracing', props.tracing, Tracing, 'Tracing.openTelemetry({ service })');
    if (!accessLog && !tracing) {
      throw new Error(`${this.node.path}: nothing to configure: set \`accessLog\`, \`tracing\` or both`);
    }
    const kind = this.platform.kind;
    if (tracing?.backend === TracingBackend.CLOUD_TRACE && kind === MeshPlatformKind.ISTIO) {
      throw new Error(`${this.node.path}: Tracing.cloudTrace() needs a managed mesh: open-source Istio removed the stackdriver tracer in 1.23. Use Tracing.openTelemetry() with a collector that exports to Cloud Trace`);
    }
    const meshConfig: Record<string, unknown> = {};
    const extensionProviders: Record<string, unknown>[] = [];
    const accessLogging: TelemetrySpecAccessLogging[] = [];
    const tracingSpec: TelemetrySpecTracing[] = [];

    if (accessLog) {
      if (kind === MeshPlatformKind.ISTIO) {
        const logFormat = accessLog._providerLogFormat();
        if (logFormat) {
          extensionProviders.push({ name: ACCESS_LOG_PROVIDER, envoyFileAccessLog: { path: '/dev/stdout', logFormat } });
          accessLogging.push({ providers: [{ name: ACCESS_LOG_PROVIDER }] });
        } else {
          // Istio's built-in `envoy` provider writes its default text format to stdout: no MeshConfig needed.
          accessLogging.push({ providers: [{ name: 'envoy' }] });
        }
      } else {
        // The built-in `envoy` provider of managed meshes formats with these MeshConfig fields.
        meshConfig.accessLogFile = kind === MeshPlatformKind.ASM_MANAGED_ISTIOD ? '/dev/stdout' : undefined;
        const format = accessLog._meshFormat();
        // TEXT in Istio's default format is MeshConfig's default: nothing to write.
        meshConfig.accessLogEncoding = format === undefined && accessLog.encoding === AccessLogEncoding.TEXT ? undefined : accessLog.encoding;
        meshConfig.accessLogFormat = format;
        if (kind === MeshPlatformKind.CLOUD_SERVICE_MESH) accessLogging.push({ providers: [{ name: 'envoy' }] });
      }
    }

    if (tracing) {
      const sampling = tracing.samplingPercent;
      if (tracing.backend === TracingBackend.OPEN_TELEMETRY) {
        extensionProviders.push({ name: tracing.providerName, opentelemetry: { service: tracing.service, port: tracing.port } });
        tracingSpec.push({ providers: [{ name: tracing.providerName }], randomSamplingPercentage: sampling });
      } else if (kind === MeshPlatformKind.ASM_MANAGED_ISTIOD) {
        if (sampling === 0) {
          // istiod reads a ProxyConfig sampling of 0 as unset and uses its own default (PILOT_TRACE_SAMPLING, 1%).
          throw new Error(`${this.node.path}: Tracing.cloudTrace({ samplingPercent: 0 }) on managed ASM would trace 1% of requests, not none: `
            + 'istiod reads a sampling of 0 as unset; to trace nothing, omit `tracing`');
        }
        // The tracer is part of the proxy bootstrap: pods pick it up on restart.
        meshConfig.defaultConfig = { tracing: sampling === undefined ? { stackdriver: {} } : { stackdriver: {}, sampling } };
      } else {
        // Google's Cloud Trace guide for Traffic Director: 1% unless randomSamplingPercentage says otherwise.
        tracingSpec.push({ providers: [{ name: 'stackdriver' }], randomSamplingPercentage: sampling });
      }
    }
    if (extensionProviders.length) meshConfig.extensionProviders = extensionProviders;
    MeshConfigMap.contribute(this, this.platform, meshConfig);

    if (accessLogging.length || tracingSpec.length) {
      const taken = ROOT_TELEMETRY.get(this.node.root) ?? new Map<string, string>();
      ROOT_TELEMETRY.set(this.node.root, taken);
      const other = taken.get(this.platform.rootNamespace);
      if (other !== undefined) {
        throw new Error(`${this.node.path}: ${other} already writes the app's mesh-wide Telemetry in "${this.platform.rootNamespace}" (Istio allows one selector-less Telemetry per namespace): `
          + 'use one TracingConfig per mesh, with both accessLog and tracing');
      }
      taken.set(this.platform.rootNamespace, this.node.path);
      this.telemetry = new (telemetry().Telemetry)(this, 'Telemetry', {
        metadata: { name: 'mesh-default', namespace: this.platform.rootNamespace },
        spec: {
          accessLogging: accessLogging.length ? accessLogging : undefined,
          tracing: tracingSpec.length ? tracingSpec : undefined,
        },
      });
    }
  }
}
