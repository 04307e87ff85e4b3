// Variant "library": the mesh built with this library's constructs.
import { App, Chart } from 'cdk8s';
import {
  AccessLog, HttpMatch, IngressGateway, MeshNamespace, MeshPlatform, MeshService, MtlsPolicy, networking, Tracing,
  TracingConfig,
} from '../src';
import { benchMesh, GATEWAY_NAMESPACE, IMAGE, PORT } from './shape';
import { destinationRuleSpec, virtualServiceSpec } from './traffic';

export function libraryApp(n: number): App {
  const mesh = benchMesh(n);
  const app = new App();
  const chart = new Chart(app, 'mesh');
  MeshPlatform.asmManaged().applyTo(chart);

  const gateway = new IngressGateway(chart, 'gateway', { namespace: new MeshNamespace(chart, GATEWAY_NAMESPACE) });
  new TracingConfig(chart, 'observability', { accessLog: AccessLog.json(), tracing: Tracing.cloudTrace({ samplingPercent: 1 }) });

  const namespaces = new Map<string, MeshNamespace>();
  for (const name of mesh.namespaces) {
    const ns = new MeshNamespace(chart, name);
    new MtlsPolicy(ns, 'mtls', { namespace: ns });
    namespaces.set(name, ns);
  }
  const services = new Map<string, MeshService>();
  for (const s of mesh.services) {
    const ns = namespaces.get(s.namespace)!;
    services.set(s.name, new MeshService(ns, s.name, { namespace: ns, image: IMAGE, port: PORT }));
  }
  for (const s of mesh.services) {
    const service = services.get(s.name)!;
    service.allowFrom(services.get(s.caller)!);
    if (s.routed) gateway.route({ match: HttpMatch.prefix(`/${s.name}`), to: service });
    addTrafficL1(service);
  }
  return app;
}

/**
 * L2-SWAP: the per-service VirtualService and DestinationRule, written with the L1 bindings until
 * the L2 traffic-management API (DestinationRule / VirtualService per MeshService) lands; then
 * replace this helper with that API.
 */
function addTrafficL1(service: MeshService): void {
  const s = { name: service.name, namespace: service.namespace.name, caller: '', routed: false };
  const metadata = { name: s.name, namespace: s.namespace };
  new networking.VirtualService(service, 'VirtualService', { metadata, spec: virtualServiceSpec(s) });
  new networking.DestinationRule(service, 'DestinationRule', { metadata, spec: destinationRuleSpec(s) });
}
