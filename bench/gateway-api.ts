// Variant "gateway-api": the benchmark mesh (bench/shape.ts) on open-source Istio's ambient data plane
// with the Kubernetes Gateway API: a waypoint per namespace, in-mesh routes as HTTPRoutes on the
// Service (a timeout; HTTPRoutes of the v1.5 standard channel have no retries), ingress through a
// Gateway API Gateway, ALLOW policies at the waypoints (with their ztunnel side). It emits other
// objects than the variants of bench/variants.ts, so it is timed beside `library` here:
//   node --expose-gc bench/lib/bench/gateway-api.js [N ...]     (default 100 1000 5000)
import { performance } from 'perf_hooks';
import { App, Chart, Duration } from 'cdk8s';
import { libraryApp } from './library';
import { benchMesh, GATEWAY_NAMESPACE, IMAGE, PORT } from './shape';
import {
  DataplaneMode, GatewayApiIngress, HttpMatch, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, MtlsPolicy, Waypoint,
} from '../src';

/** The mesh of `n` services on ambient mode and the Gateway API; with `analysis` false the synth-time analysis is off. */
export function gatewayApiApp(n: number, analysis: boolean = true): App {
  const mesh = benchMesh(n);
  const app = new App();
  const chart = new Chart(app, 'mesh');
  MeshPlatform.istio().applyTo(chart);
  if (!analysis) MeshAnalyzer.attach(app, { enabled: false });

  const ingress = new GatewayApiIngress(chart, 'gateway', {
    namespace: new MeshNamespace(chart, GATEWAY_NAMESPACE, { dataplaneMode: DataplaneMode.AMBIENT }),
  });
  const namespaces = new Map<string, MeshNamespace>();
  for (const name of mesh.namespaces) {
    const ns = new MeshNamespace(chart, name, { dataplaneMode: DataplaneMode.AMBIENT });
    new MtlsPolicy(ns, 'mtls', { namespace: ns });
    new Waypoint(ns, 'waypoint', { namespace: ns }).addNamespace(ns);
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
    service.allowFrom(services.get(s.callers[0])!);
    if (s.routed) ingress.route({ match: HttpMatch.prefix(`/${s.name}`), to: service });
    service.addRoute({ timeout: Duration.seconds(10) });
  }
  return app;
}

/** Median synth time (ms) of each variant at each N, the variants interleaved round by round. */
function main(sizes: number[]): void {
  const gc = (globalThis as any).gc as (() => void) | undefined;
  const variants: Record<string, (n: number) => string> = {
    'library': (n) => libraryApp(n, false).synthYaml(),
    'library+analysis': (n) => libraryApp(n).synthYaml(),
    'gateway-api': (n) => gatewayApiApp(n, false).synthYaml(),
    'gateway-api+analysis': (n) => gatewayApiApp(n).synthYaml(),
  };
  const reps: Record<number, number> = { 100: 7, 1000: 5, 5000: 3 };
  for (const synth of Object.values(variants)) synth(100); // warm-up
  for (const n of sizes) {
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
    const objects: Record<string, number> = {};
    for (let r = 0; r < (reps[n] ?? 3); r++) {
      for (const [name, synth] of Object.entries(variants)) {
        gc?.();
        const start = performance.now();
        const yaml = synth(n);
        samples[name].push(performance.now() - start);
        objects[name] = yaml.split('\n---\n').length;
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`N=${n}: ${Object.entries(samples).map(([v, xs]) => `${v} ${Math.round(median(xs))} ms (${objects[v]} objects)`).join(', ')}`);
  }
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  main(sizes.length ? sizes : [100, 1000, 5000]);
}
