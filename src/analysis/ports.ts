import { Severity } from './finding';
import { Entry, MeshIndex, isSystemNamespace } from './mesh-index';
import { ISTIO_GATEWAY_CLASSES } from '../core/gateway-classes';
import { serviceProtocol } from '../core/protocol';

/** The `gateway.istio.io/managed` labels of the Services istiod deploys for Gateway API Gateways. */
const MANAGED_GATEWAYS = new Set([...ISTIO_GATEWAY_CLASSES.values()].map((c) => c.managed).filter((m) => m !== undefined));
const KIALI_PROTOCOLS = ['grpc', 'grpc-web', 'http', 'http2', 'https', 'mongo', 'redis', 'tcp', 'tls', 'udp', 'mysql'];
const KIALI_APP_PROTOCOLS = new Set([...KIALI_PROTOCOLS, 'kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);

/** Istio's control-plane test (`IsIstioControlPlane`), which also exempts gateway Services labelled `istio: ...`. */
export function isControlPlane(e: Entry): boolean {
  return 'istio' in e.labels || e.labels.release === 'istio';
}

/** Service port protocol detection: IST0118, IST0150 (Istio) and KIA0601, KIA0602 (Kiali). */
export function checkServicePorts(index: MeshIndex): void {
  for (const svc of index.of('Service')) {
    if (isControlPlane(svc) || MANAGED_GATEWAYS.has(svc.labels['gateway.istio.io/managed'])) continue;
    const externalName = svc.spec.type === 'ExternalName';
    // istioctl analyze leaves kube-system and the other system namespaces out.
    const istioChecks = !isSystemNamespace(svc.namespace);
    const inMesh = index.serviceWorkloads(svc).some((w) => w.inMesh);
    for (const port of (svc.spec.ports ?? []) as any[]) {
      const label = port?.name ? `"${port.name}"` : '(unnamed)';
      const protocol = serviceProtocol(port);
      if (istioChecks && externalName && (!protocol || port?.name === 'tcp')) {
        index.report(svc, 'IST0150', Severity.WARNING,
          `port ${port?.port} ${label} of an ExternalName Service does not name its protocol (or is exactly "tcp"): Istio cannot tell how to route it`,
          'name the port <protocol>-<suffix> (e.g. "https-api", "tcp-db")');
      } else if (istioChecks && !externalName && !protocol) {
        index.report(svc, 'IST0118', Severity.INFO,
          `port ${port?.port} ${label} does not follow the <protocol>[-suffix] naming convention: Istio falls back to protocol sniffing`,
          'name the port "<protocol>[-suffix]" (http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis, udp) or set appProtocol');
      }
      if (!inMesh || port?.protocol === 'UDP' || 'kiali_wizard' in svc.labels) continue;
      if (port?.appProtocol !== undefined) {
        if (!KIALI_APP_PROTOCOLS.has(String(port.appProtocol).toLowerCase())) {
          index.report(svc, 'KIA0602', Severity.WARNING, `port ${port.port} appProtocol "${port.appProtocol}" is not a known protocol`,
            `use one of ${[...KIALI_APP_PROTOCOLS].join(', ')}`);
        }
      } else if (!KIALI_PROTOCOLS.some((p) => String(port?.name ?? '').startsWith(p) && (port.name.toLowerCase() === p || port.name.startsWith(`${p}-`)))) {
        index.report(svc, 'KIA0601', Severity.WARNING, `port ${port?.port} name ${label} does not follow <protocol>[-suffix]`,
          'name the port "<protocol>" or "<protocol>-<suffix>" in lowercase');
      }
    }
  }
}
