import { Severity } from './finding';
import { DATAPLANE_MODE, Entry, MeshIndex, Workload, hasAmbientLabel, hasLabels, toFqdn } from './mesh-index';
import { authorizationL7 } from '../core/authz-attributes';
import { asArray, nonEmpty } from '../core/collections';

/** The label that routes a namespace, Service or workload through a waypoint (`none` opts out). */
const USE_WAYPOINT = 'istio.io/use-waypoint';

/** A policy kind that attaches to workloads (selector) or to a waypoint (targetRefs). */
interface PolicyKind {
  readonly kind: string;
  /** What makes the object need a waypoint, or undefined when ztunnel enforces it all. */
  readonly l7: (spec: any) => string | undefined;
  readonly noTargetRefs: string;
  readonly noWaypoint: string;
}

const POLICY_KINDS: PolicyKind[] = [
  { kind: 'AuthorizationPolicy', l7: authorizationL7, noTargetRefs: 'KIA0110', noWaypoint: 'KIA0109' },
  { kind: 'RequestAuthentication', l7: () => 'JWT validation', noTargetRefs: 'KIA1115', noWaypoint: 'KIA1110' },
  { kind: 'WasmPlugin', l7: () => 'a Wasm filter', noTargetRefs: 'KIA1116', noWaypoint: 'KIA1111' },
  { kind: 'Telemetry', l7: telemetryL7, noTargetRefs: 'KIA1117', noWaypoint: 'KIA1112' },
];

/** Codes of a route or traffic policy kind, keyed off the destination Service of each host. */
interface HostKind {
  readonly kind: string;
  readonly l7: (spec: any) => string | undefined;
  readonly hosts: (spec: any) => unknown[];
  readonly notInServiceNamespace: string;
  readonly serviceNotEnrolled: string;
  readonly noWaypoint: string;
}

const HOST_KINDS: HostKind[] = [
  {
    kind: 'VirtualService',
    l7: virtualServiceL7,
    hosts: (spec) => asArray(spec.hosts),
    notInServiceNamespace: 'KIA1114',
    serviceNotEnrolled: 'KIA1113',
    noWaypoint: 'KIA1109',
  },
  {
    kind: 'DestinationRule',
    l7: destinationRuleL7,
    hosts: (spec) => [spec.host],
    notInServiceNamespace: 'KIA0212',
    serviceNotEnrolled: 'KIA0211',
    noWaypoint: 'KIA0210',
  },
];

const ENROLL_FIX = `label the namespace (or the Service or workload) ${USE_WAYPOINT}=<waypoint name> and deploy that waypoint, or drop the L7 settings`;

/**
 * Kiali's ambient checks (`business/checkers/ambient_policy_checker.go`, `ambient/l7_classification.go`,
 * `ambient/ambient_workload_checker.go`): L7 configuration in namespaces labelled
 * `istio.io/dataplane-mode=ambient` takes effect only through a waypoint (KIA0109, KIA0110,
 * KIA0210-0212, KIA1109-1117), and a workload cannot be both sidecar-injected and ambient (KIA1311).
 */
export function checkAmbient(index: MeshIndex): void {
  // The policy and host checks report only on or for namespaces in ambient mode.
  if ([...index.namespaces.keys()].some((ns) => index.isAmbientNamespace(ns))) {
    for (const k of POLICY_KINDS) {
      for (const e of index.of(k.kind)) checkPolicy(index, k, e);
    }
    for (const k of HOST_KINDS) {
      for (const e of index.of(k.kind)) {
        const l7 = k.l7(e.spec);
        if (l7) checkHosts(index, k, e, l7);
      }
    }
  }
  for (const w of index.workloads) checkWorkload(index, w);
}

/** KIA0109/0110, KIA1110/1115, KIA1111/1116, KIA1112/1117. */
function checkPolicy(index: MeshIndex, k: PolicyKind, e: Entry): void {
  if (!index.isAmbientNamespace(e.namespace)) return;
  const l7 = k.l7(e.spec);
  if (!l7) return;
  if (!e.spec.targetRef && !(Array.isArray(e.spec.targetRefs) && e.spec.targetRefs.length > 0)) {
    index.report(e, k.noTargetRefs, Severity.WARNING,
      `namespace "${e.namespace}" is in ambient mode and this ${k.kind} needs a waypoint (${l7}), but it has no targetRefs: waypoints ignore workload selectors`,
      'attach it with targetRefs to the Service (or waypoint Gateway) whose traffic it should apply to');
  }
  const refs = [e.spec.targetRef, ...asArray(e.spec.targetRefs)].filter((r) => r && typeof r === 'object');
  const missing = refs.length ? unenrolledService(index, e, refs) : unenrolledTarget(index, e, e.spec.selector?.matchLabels);
  if (missing) {
    index.report(e, k.noWaypoint, Severity.WARNING,
      `this ${k.kind} needs a waypoint (${l7}), but ${missing} is not enrolled in one (no ${USE_WAYPOINT} label): nothing enforces it`, ENROLL_FIX);
  }
}

/**
 * What the policy applies to that no waypoint serves: the workloads its selector matches (their
 * own label first, then the namespace's), else the namespace. Undefined when all are enrolled.
 */
function unenrolledTarget(index: MeshIndex, e: Entry, selector: Record<string, string> | undefined): string | undefined {
  const nsLabels = index.namespaces.get(e.namespace)?.labels;
  if (hasLabels(selector)) {
    const selected = index.selectWorkloads(selector, e.namespace).filter((w) => w.labels['gateway.istio.io/managed'] !== 'istio.io-mesh-controller');
    if (selected.length > 0) return selected.find((w) => !enrolled(w.labels, nsLabels))?.entry.resource;
  }
  return enrolled(undefined, nsLabels) ? undefined : `namespace "${e.namespace}"`;
}

/**
 * What a policy attached with targetRefs applies to that no waypoint serves: a Service it names (by
 * its own label, else its namespace's), else its namespace; a Gateway target (a waypoint) is served.
 */
function unenrolledService(index: MeshIndex, e: Entry, refs: any[]): string | undefined {
  const nsLabels = index.namespaces.get(e.namespace)?.labels;
  let resolved = false;
  for (const ref of refs) {
    if (ref.group === 'gateway.networking.k8s.io' && ref.kind === 'Gateway') return undefined;
    const service = (ref.group ?? '') === '' && ref.kind === 'Service' ? index.get('Service', e.namespace, String(ref.name)) : undefined;
    if (!service) continue;
    resolved = true;
    if (!enrolled(service.labels, nsLabels)) return USE_WAYPOINT in service.labels ? service.resource : `namespace "${e.namespace}"`;
  }
  return resolved || enrolled(undefined, nsLabels) ? undefined : `namespace "${e.namespace}"`;
}

/** KIA0210-0212, KIA1109, KIA1113, KIA1114: keyed off the Service each host names. */
function checkHosts(index: MeshIndex, k: HostKind, e: Entry, l7: string): void {
  let resolved = false;
  const seen = new Set<Entry>();
  for (const host of k.hosts(e.spec)) {
    const service = ambientService(index, e.namespace, host);
    if (!service) continue;
    resolved = true;
    if (seen.has(service)) continue;
    seen.add(service);
    const name = `${service.namespace}/${service.name}`;
    if (service.namespace !== e.namespace) {
      index.report(e, k.notInServiceNamespace, Severity.WARNING,
        `host "${host}" is Service ${name} in ambient namespace "${service.namespace}": its waypoint ignores a ${k.kind} (${l7}) from namespace "${e.namespace}"`,
        `move the ${k.kind} to namespace "${service.namespace}"`);
    }
    if (!enrolled(service.labels, index.namespaces.get(service.namespace)?.labels)) {
      index.report(e, k.serviceNotEnrolled, Severity.WARNING,
        `host "${host}" is Service ${name} in ambient mode, which is not enrolled in a waypoint (no ${USE_WAYPOINT} label, or "none"): nothing applies the ${k.kind}'s ${l7}`,
        ENROLL_FIX);
    }
  }
  if (!resolved && index.isAmbientNamespace(e.namespace) && !enrolled(undefined, index.namespaces.get(e.namespace)?.labels)) {
    index.report(e, k.noWaypoint, Severity.WARNING,
      `namespace "${e.namespace}" is in ambient mode and not enrolled in a waypoint (no ${USE_WAYPOINT} label): nothing applies the ${k.kind}'s ${l7}`,
      ENROLL_FIX);
  }
}

/**
 * The Service a host names in an ambient namespace, read as Kiali does: `name`, `name.namespace`,
 * or `name.namespace.svc.cluster.local` (other hosts are ServiceEntries or external: skipped).
 */
function ambientService(index: MeshIndex, namespace: string, host: unknown): Entry | undefined {
  if (typeof host !== 'string' || host === '' || host === '*') return undefined;
  const parts = toFqdn(namespace, host).split('.');
  if (parts.length < 2 || (parts.length > 2 && parts.slice(2).join('.') !== 'svc.cluster.local')) return undefined;
  const [name, ns] = parts;
  return index.isAmbientNamespace(ns) ? index.get('Service', ns, name) : undefined;
}

/** Whether `own` (else the namespace's labels) names a waypoint; the nearer label wins, `none` included. */
function enrolled(own: Record<string, string> | undefined, nsLabels: Record<string, string> | undefined): boolean {
  for (const labels of [own, nsLabels]) {
    const value = labels?.[USE_WAYPOINT];
    if (value !== undefined) return !!value && value !== 'none';
  }
  return false;
}

/** KIA1311: the namespace or pod-template labels ask for a sidecar and for ambient at once. */
function checkWorkload(index: MeshIndex, w: Workload): void {
  const ns = index.namespaces.get(w.namespace)?.labels;
  if (!ns) return;
  const own = w.labels;
  const ambient = hasAmbientLabel(own) || (hasAmbientLabel(ns) && own[DATAPLANE_MODE] !== 'none');
  // Kiali reads the workload's sidecar.istio.io/inject label as "enabled" / "none".
  const inject = own['sidecar.istio.io/inject'];
  const sidecar = (ns['istio-injection'] === 'enabled' || !!ns['istio.io/rev'] || inject === 'enabled')
    && ns['istio-injection'] !== 'disabled' && inject !== 'none';
  if (ambient && sidecar) {
    index.report(w.entry, 'KIA1311', Severity.ERROR,
      `the labels of namespace "${w.namespace}" and of the pod template ask for both sidecar injection and ambient mode`,
      `keep one: remove istio-injection / istio.io/rev (or sidecar.istio.io/inject), or ${DATAPLANE_MODE}=ambient`);
  }
}

/** Kiali's L7 test for Telemetry: tracing, access logs or metric overrides. */
function telemetryL7(spec: any): string | undefined {
  if (nonEmpty(spec.tracing)) return 'tracing';
  if (nonEmpty(spec.accessLogging)) return 'access logging';
  return asArray(spec.metrics).some((m) => nonEmpty(m?.overrides)) ? 'metric overrides' : undefined;
}

/** Kiali's L7 test for VirtualServices: HTTP or TLS routes for mesh traffic (no gateways, or `mesh`). */
function virtualServiceL7(spec: any): string | undefined {
  const gateways = asArray(spec.gateways);
  if (gateways.length > 0 && !gateways.includes('mesh')) return undefined;
  if (nonEmpty(spec.http)) return 'HTTP routes';
  return nonEmpty(spec.tls) ? 'TLS routes' : undefined;
}

/** Kiali's L7 test for DestinationRules, on the top-level and subset traffic policies. */
function destinationRuleL7(spec: any): string | undefined {
  for (const tp of [spec.trafficPolicy, ...asArray(spec.subsets).map((s) => s?.trafficPolicy)]) {
    const hash = tp?.loadBalancer?.consistentHash;
    if (hash?.httpHeaderName || hash?.httpCookie) return 'consistent hashing on a header or cookie';
    if (tp?.connectionPool?.http) return 'connectionPool.http';
    if (tp?.outlierDetection) return 'outlierDetection';
  }
  return undefined;
}

