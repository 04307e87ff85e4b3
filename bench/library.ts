// Variant "library": the mesh built with this library's constructs.
import { App, Chart, Duration } from 'cdk8s';
import {
  AccessLog, HttpMatch, IngressGateway, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, MtlsPolicy, RetryOn, Tracing,
  TracingConfig,
} from '../src';
import { benchMesh, GATEWAY_NAMESPACE, IMAGE, PORT } from './shape';

/** The mesh of `n` services; with `analysis` false the synth-time mesh analysis is switched off. */
export function libraryApp(n: number, analysis: boolean = true): App {
  const mesh = benchMesh(n);
  const app = new App();
  const chart = new Chart(app, 'mesh');
  MeshPlatform.asmManaged().applyTo(chart);
  if (!analysis) MeshAnalyzer.attach(app, { enabled: false });

  const gateway = new IngressGateway(chart, 'gateway', { namespace: new MeshNamespace(chart, GATEWAY_NAMESPACE), replicas: 1 });
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
    services.set(s.name, new MeshService(ns, s.name, {
      namespace: ns,
      image: IMAGE,
      port: PORT,
      trafficPolicy: {
        connectionPool: { maxPendingRequests: 100 },
        outlierDetection: { consecutiveGatewayErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      },
    }));
  }
  for (const s of mesh.services) {
    const service = services.get(s.name)!;
    service.allowFrom(services.get(s.caller)!);
    if (s.routed) gateway.route({ match: HttpMatch.prefix(`/${s.name}`), to: service });
    service.addRoute({
      timeout: Duration.seconds(10),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.FIVE_XX, RetryOn.CONNECT_FAILURE] },
    });
  }
  return app;
}
