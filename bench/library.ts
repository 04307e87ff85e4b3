// Variant "library": the mesh built with this library's constructs.
import { App, Chart, Duration } from 'cdk8s';
import {
  AccessLog, AuthorizationPolicy, ExternalService, HttpMatch, IngressGateway, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService,
  MtlsPolicy, Resolution, RetryOn, Source, StringMatch, Tracing, TracingConfig,
} from '../src';
import { benchMesh, CANARY_HEADER, externalHosts, GATEWAY_NAMESPACE, IMAGE, PORT, Shape, SHAPES } from './shape';

/** The mesh of `n` services in `shape`; with `analysis` false the synth-time mesh analysis is switched off. */
export function libraryApp(n: number, analysis: boolean = true, shape: Shape = SHAPES[0]): App {
  const mesh = benchMesh(n, shape);
  const app = new App();
  const chart = new Chart(app, 'mesh');
  MeshPlatform.asmManaged().applyTo(chart);
  if (!analysis) MeshAnalyzer.attach(app, { enabled: false });

  const gatewayNamespace = new MeshNamespace(chart, GATEWAY_NAMESPACE);
  const gateway = new IngressGateway(chart, 'gateway', { namespace: gatewayNamespace, replicas: 1 });
  new TracingConfig(chart, 'observability', { accessLog: AccessLog.json(), tracing: Tracing.cloudTrace({ samplingPercent: 1 }) });
  if (shape.widePolicies) new MtlsPolicy(chart, 'mesh-mtls');

  const namespaces = new Map<string, MeshNamespace>();
  for (const name of mesh.namespaces) {
    const ns = new MeshNamespace(chart, name);
    new MtlsPolicy(ns, 'mtls', { namespace: ns });
    if (shape.widePolicies) {
      ns.denyByDefault();
      new AuthorizationPolicy(ns, 'from-gateway', { namespace: ns, name: 'allow-from-gateway', rules: [{ from: [Source.namespaces(gatewayNamespace)] }] });
    }
    namespaces.set(name, ns);
  }
  const services = new Map<string, MeshService>();
  for (const s of mesh.services) {
    const ns = namespaces.get(s.namespace)!;
    const service = new MeshService(ns, s.name, {
      namespace: ns,
      image: IMAGE,
      port: PORT,
      version: shape.versions ? 'v1' : undefined,
      trafficPolicy: {
        connectionPool: { maxPendingRequests: 100 },
        outlierDetection: { consecutiveGatewayErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      },
    });
    if (shape.versions) service.addVersion('v2', { image: IMAGE });
    if (shape.wildcardEgress) {
      const hosts = externalHosts(s);
      const external = new ExternalService(ns, `${s.name}-partner`, { namespace: ns, hosts: [hosts.wildcard], resolution: Resolution.NONE });
      service.talksTo(external, { egressHosts: [`${s.namespace}/${hosts.host}`] });
    }
    services.set(s.name, service);
  }
  const retries = { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.FIVE_XX, RetryOn.CONNECT_FAILURE] };
  for (const s of mesh.services) {
    const service = services.get(s.name)!;
    // The gateway too, for the services it routes to (their ALLOW policy would refuse it otherwise).
    service.allowFrom(...s.callers.map((c) => services.get(c)!), ...s.routed ? [gateway] : []);
    // With versions, the gateway routes to v1 (a route without a subset would bypass the service's subset routes: IST0140).
    const to = { destinations: [{ service, version: shape.versions ? 'v1' : undefined }] };
    if (s.routed && shape.gatewayApi) {
      gateway.route({ match: HttpMatch.prefix(`/${s.name}/api`).withHeader('x-api-version', StringMatch.exact('v2')), ...to });
    }
    if (s.routed) gateway.route({ match: HttpMatch.prefix(`/${s.name}`), ...to });
    if (shape.versions) {
      service.addRoute({ matches: [HttpMatch.any().withHeader(CANARY_HEADER, StringMatch.exact('true'))], destinations: [{ version: 'v2' }] });
      service.addRoute({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }], timeout: Duration.seconds(10), retries });
    } else {
      service.addRoute({ timeout: Duration.seconds(10), retries });
    }
  }
  return app;
}
