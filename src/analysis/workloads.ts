import { Severity } from './finding';
import { Entry, MeshIndex, Workload } from './mesh-index';
import { isControlPlane } from './ports';
import { serviceProtocol } from '../core/protocol';

/** The proxy's UID: an application running as it bypasses traffic capture. */
const PROXY_UID = 1337;
/** The label istiod puts on the Deployments and Services it generates for Gateway API Gateways. */
const MANAGED = 'gateway.istio.io/managed';

/** Deployment ↔ Service association (IST0116, IST0137, KIA0701) and the proxy UID of every workload (IST0144). */
export function checkWorkloads(index: MeshIndex): void {
  for (const svc of index.of('Service')) checkContainerPorts(index, svc);
  for (const w of index.workloads) {
    checkProxyUid(index, w);
    if (w.entry.kind !== 'Deployment') continue;
    if (!w.inMesh || w.entry.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
    const services = index.workloadServices(w);
    checkProtocols(index, w, services);
    checkTargetPorts(index, w, services);
  }
}

/**
 * IST0116: the Services of one Deployment give the same port number different protocols: Kubernetes
 * transports (as istioctl checks), or protocols Istio reads from the port names (which Istio's
 * requirements forbid too: `http` on one Service and `tcp` on another for the same pods).
 */
function checkProtocols(index: MeshIndex, w: Workload, services: Entry[]): void {
  const byPort = new Map<number, Map<string, string>>();
  const byPortName = new Map<number, Map<string, string>>();
  const add = (map: Map<number, Map<string, string>>, port: number, protocol: string, svc: string) => {
    const protocols = map.get(port) ?? new Map<string, string>();
    protocols.set(protocol, svc);
    map.set(port, protocols);
  };
  for (const svc of services) {
    for (const p of svc.spec.ports ?? []) {
      add(byPort, p?.port, p?.protocol ?? 'TCP', svc.name);
      // Ports without a declared protocol are sniffed, and agree with any.
      const istio = serviceProtocol(p);
      if (istio) add(byPortName, p?.port, istio, svc.name);
    }
  }
  for (const [port, protocols] of [...byPort, ...[...byPortName].filter(([p]) => (byPort.get(p)?.size ?? 0) < 2)]) {
    if (protocols.size < 2) continue;
    const detail = [...protocols].map(([proto, svc]) => `${svc}: ${proto}`).join(', ');
    index.report(w.entry, 'IST0116', Severity.WARNING, `the Services selecting this Deployment use port ${port} with different protocols (${detail})`,
      'use one protocol per port number across the Services of a workload');
  }
}

/** IST0137: one container port is reached through several Service port numbers. */
function checkTargetPorts(index: MeshIndex, w: Workload, services: Entry[]): void {
  const byTarget = new Map<string, Set<number>>();
  for (const svc of services) {
    for (const p of svc.spec.ports ?? []) {
      const target = p?.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? String(p?.port) : String(p.targetPort);
      const ports = byTarget.get(target) ?? new Set<number>();
      ports.add(p?.port);
      byTarget.set(target, ports);
    }
  }
  for (const [target, ports] of byTarget) {
    if (ports.size < 2) continue;
    index.report(w.entry, 'IST0137', Severity.WARNING, `container port ${target} is the target of several Service ports (${[...ports].join(', ')}): the sidecar cannot tell their protocols apart`,
      'give each Service port its own targetPort, or use one Service port');
  }
}

/** IST0144: the application runs as the proxy's UID 1337. */
function checkProxyUid(index: MeshIndex, w: Workload): void {
  if (isControlPlane(w.entry)) return;
  const offenders: string[] = [];
  if (w.podSpec.securityContext?.runAsUser === PROXY_UID) offenders.push('the pod');
  for (const c of w.podSpec.containers ?? []) {
    if (c?.name !== 'istio-proxy' && c?.name !== 'istio-operator' && c?.securityContext?.runAsUser === PROXY_UID) offenders.push(`container "${c.name}"`);
  }
  if (offenders.length) {
    index.report(w.entry, 'IST0144', Severity.WARNING, `${offenders.join(' and ')} run(s) as UID ${PROXY_UID}, the proxy's UID: its traffic bypasses the sidecar`,
      'run the application as another UID');
  }
}

/**
 * KIA0701: a Service port whose target the selected Deployment does not expose. Native sidecars (init
 * containers with `restartPolicy: Always`, such as an `istio-proxy` injected as one) run beside the
 * application and expose ports too. The Services and Deployments istiod generates for Gateway API
 * Gateways (labelled `gateway.istio.io/managed`) are exempt: their ports are the proxy's listeners.
 */
function checkContainerPorts(index: MeshIndex, svc: Entry): void {
  if (isControlPlane(svc) || svc.namespace === index.rootNamespace || MANAGED in svc.labels) return;
  const deployment = index.serviceWorkloads(svc).find((w) => w.entry.kind === 'Deployment');
  if (!deployment || MANAGED in deployment.entry.labels || MANAGED in deployment.labels) return;
  const sidecars = ((deployment.podSpec.initContainers ?? []) as any[]).filter((c) => c?.restartPolicy === 'Always');
  const exposed = [...((deployment.podSpec.containers ?? []) as any[]), ...sidecars].flatMap((c) => c?.ports ?? []);
  for (const p of svc.spec.ports ?? []) {
    const target = p?.targetPort ?? p?.port;
    const found = typeof target === 'string'
      ? exposed.some((cp: any) => cp?.name === target)
      : exposed.some((cp: any) => cp?.containerPort === target);
    if (!found) {
      index.report(svc, 'KIA0701', Severity.WARNING, `port ${p?.port} targets ${typeof target === 'string' ? `"${target}"` : target}, which no container of ${deployment.entry.resource} exposes`,
        'add the containerPort to the Deployment, or fix targetPort');
    }
  }
}
