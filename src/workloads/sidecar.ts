import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-34';
import { IConstruct } from 'constructs';
import { checkRequestsWithinLimits, memoryQuantity } from './resources';
import { istioDuration } from '../core/duration';
import { sortedRecord } from '../core/names';
import { isAmbient } from '../platform/dataplane';
import type { IMeshNamespace } from '../platform/mesh-namespace';

/**
 * Settings of the Istio sidecar injected next to a workload, rendered as pod annotations
 * (`proxy.istio.io/config` and the `sidecar.istio.io/proxy*` resources).
 */
export interface SidecarOptions {
  /**
   * Start the application only once the proxy is ready, so its first outbound calls do not fail.
   * @default true
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /**
   * Minimum time the proxy drains before it may exit (`MINIMUM_DRAIN_DURATION`).
   * @default - Istio's default (5s)
   */
  readonly minimumDrainDuration?: Duration;
  /**
   * Let the proxy exit as soon as no connection is active during drain (`EXIT_ON_ZERO_ACTIVE_CONNECTIONS`).
   * @default - Istio's default (false)
   */
  readonly exitOnZeroActiveConnections?: boolean;
  /**
   * How long the proxy drains when the pod terminates (`terminationDrainDuration`); at most the
   * pod's termination grace period (30s for the workloads created here).
   * @default - Istio's default (5s)
   */
  readonly terminationDrainDuration?: Duration;
  /**
   * CPU request of the sidecar (`sidecar.istio.io/proxyCPU`). Once one sidecar resource is set, the
   * injector uses only those set: give a CPU and a memory request (or limit).
   * @default - the injector's default, while no sidecar resource is set
   */
  readonly cpuRequest?: Cpu;
  /**
   * CPU limit of the sidecar (`sidecar.istio.io/proxyCPULimit`). Once one sidecar resource is set, the
   * injector uses only those set: give a CPU and a memory request (or limit).
   * @default - the injector's default, while no sidecar resource is set
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory request of the sidecar (`sidecar.istio.io/proxyMemory`). Once one sidecar resource is set, the
   * injector uses only those set: give a CPU and a memory request (or limit).
   * @default - the injector's default, while no sidecar resource is set
   */
  readonly memoryRequest?: Size;
  /**
   * Memory limit of the sidecar (`sidecar.istio.io/proxyMemoryLimit`). Once one sidecar resource is set, the
   * injector uses only those set: give a CPU and a memory request (or limit).
   * @default - the injector's default, while no sidecar resource is set
   */
  readonly memoryLimit?: Size;
}

/**
 * The pod annotations for these sidecar options: none for an ambient workload, which has no sidecar
 * (setting any option for one is an error).
 * @internal
 */
export function sidecarAnnotations(scope: IConstruct & { readonly namespace: IMeshNamespace }, options: SidecarOptions,
  gracePeriodSeconds?: number): Record<string, string> {
  if (isAmbient(scope.namespace)) {
    const set = Object.entries(options).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (set.length) {
      throw new Error(`${scope.node.path}: namespace "${scope.namespace.name}" is in ambient mode, where pods have no sidecar, so \`sidecar\` (${set.join(', ')}) has nothing to configure: `
        + 'remove it (ztunnel and waypoints are configured by the platform), or run the namespace with sidecars');
    }
    return {};
  }
  const what = (field: string) => `${scope.node.path}: sidecar.${field}`;
  checkRequestsWithinLimits(`${scope.node.path}: sidecar`, options);
  for (const field of ['terminationDrainDuration', 'minimumDrainDuration'] as const) {
    const drain = options[field]?.toSeconds({ integral: false });
    if (gracePeriodSeconds !== undefined && drain !== undefined && drain > gracePeriodSeconds) {
      throw new Error(`${what(field)} is ${drain}s, but the pod has ${gracePeriodSeconds}s to terminate before Kubernetes kills the proxy: `
        + `the drain would be cut short; use at most ${gracePeriodSeconds}s`);
    }
  }
  const resources = (['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] as const).filter((k) => options[k] !== undefined);
  // Without a request Kubernetes takes the limit; without either, the container has no request.
  const missing = [
    options.cpuRequest === undefined && options.cpuLimit === undefined && 'cpuRequest',
    options.memoryRequest === undefined && options.memoryLimit === undefined && 'memoryRequest',
  ].filter((k): k is string => !!k);
  if (resources.length && missing.length) {
    // The injector's template takes the proxy's resources from these annotations alone once one is set.
    throw new Error(`${scope.node.path}: sidecar sets ${resources.join(', ')} but not ${missing.join(' or ')}: once one sidecar resource is set, the injector drops all its defaults, `
      + `so the proxy would have no ${missing.map((m) => (m === 'cpuRequest' ? 'CPU' : 'memory')).join(' or ')} request (a CPU autoscaler then cannot scale the pods); set ${missing.join(' and ')} too`);
  }
  const proxyConfig: Record<string, unknown> = {};
  proxyConfig.holdApplicationUntilProxyStarts = options.holdApplicationUntilProxyStarts ?? true;
  if (options.terminationDrainDuration) {
    proxyConfig.terminationDrainDuration = istioDuration(what('terminationDrainDuration'), options.terminationDrainDuration);
  }
  const metadata: Record<string, string> = {};
  if (options.minimumDrainDuration) {
    metadata.MINIMUM_DRAIN_DURATION = istioDuration(what('minimumDrainDuration'), options.minimumDrainDuration);
  }
  if (options.exitOnZeroActiveConnections !== undefined) {
    metadata.EXIT_ON_ZERO_ACTIVE_CONNECTIONS = String(options.exitOnZeroActiveConnections);
  }
  if (Object.keys(metadata).length) proxyConfig.proxyMetadata = sortedRecord(metadata);

  const annotations: Record<string, string> = { 'proxy.istio.io/config': JSON.stringify(proxyConfig) };
  if (options.cpuRequest) annotations['sidecar.istio.io/proxyCPU'] = String(options.cpuRequest.amount);
  if (options.cpuLimit) annotations['sidecar.istio.io/proxyCPULimit'] = String(options.cpuLimit.amount);
  if (options.memoryRequest) annotations['sidecar.istio.io/proxyMemory'] = memoryQuantity(options.memoryRequest);
  if (options.memoryLimit) annotations['sidecar.istio.io/proxyMemoryLimit'] = memoryQuantity(options.memoryLimit);
  return annotations;
}
