// The benchmark meshes, as plain data shared by every variant so that they build the same objects.

/** Services per namespace. */
export const NAMESPACE_SIZE = 50;
/** The one HTTP port every service listens on. */
export const PORT = 8080;
/** Container image of every service. */
export const IMAGE = 'us-docker.pkg.dev/bench/mesh/app:1.0.0';
/** Namespace of the ingress gateway. */
export const GATEWAY_NAMESPACE = 'istio-gateway';
/** The header that sends a request to version v2 (shape `versions`). */
export const CANARY_HEADER = 'x-canary';

/**
 * A mesh shape: today's mesh plus one feature that real meshes have and that stresses the
 * analysis's look-ups across objects (the list).
 */
export interface Shape {
  readonly name: string;
  readonly description: string;
  /** Every service runs v1 and v2 (pod label `version`, shared by all services), subsets v1/v2, a header route to v2 and 90/10 weights otherwise. */
  readonly versions?: boolean;
  /** A mesh-wide STRICT PeerAuthentication, and per namespace a deny-by-default and a namespace-wide ALLOW policy. */
  readonly widePolicies?: boolean;
  /** Every how many services the gateway routes to (10 by default); with `gatewayApi`, two rules each (a header-matched sub-path first). */
  readonly routeEvery?: number;
  readonly gatewayApi?: boolean;
  /** Callers allowed per service (their principals in its AuthorizationPolicy); 1 by default. */
  readonly callers?: number;
  /** Per service a ServiceEntry with a wildcard host, and a Sidecar that names a host under it. */
  readonly wildcardEgress?: boolean;
}

export const SHAPES: Shape[] = [
  { name: 'baseline', description: 'one version per service, a namespace PeerAuthentication, the gateway routes every 10th service (the mesh of issue #5)' },
  { name: 'versions', description: 'v1 and v2 of every service (pod label version shared by all), subsets, header route to v2, 90/10 weights', versions: true },
  { name: 'wide-policies', description: 'mesh-wide STRICT mTLS, per namespace a deny-by-default and a namespace-wide ALLOW policy', widePolicies: true },
  { name: 'gateway-routes', description: 'one gateway VirtualService routing every 5th service with two rules (nested prefixes): 2N/5 rules', routeEvery: 5, gatewayApi: true },
  { name: 'principals', description: 'every service allows 10 callers: AuthorizationPolicies naming 10 principals each', callers: 10 },
  { name: 'wildcard-egress', description: 'per service a ServiceEntry with a wildcard host and a Sidecar naming a host under it', wildcardEgress: true },
];

export function shape(name: string): Shape {
  const found = SHAPES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown shape "${name}": use one of ${SHAPES.map((s) => s.name).join(', ')}`);
  return found;
}

/** One mesh service of the benchmark. */
export interface BenchService {
  readonly name: string;
  readonly namespace: string;
  /** The services allowed to call this one (the next ones in its namespace). */
  readonly callers: string[];
  /** Whether the gateway routes `/<name>` to it. */
  readonly routed: boolean;
}

/** The mesh of `n` services: namespaces of 50, each service called by its neighbours. */
export interface BenchMesh {
  readonly shape: Shape;
  readonly namespaces: string[];
  readonly services: BenchService[];
}

export function benchMesh(n: number, s: Shape = SHAPES[0]): BenchMesh {
  const namespaces: string[] = [];
  const services: BenchService[] = [];
  const callers = s.callers ?? 1;
  for (let first = 0; first < n; first += NAMESPACE_SIZE) {
    const namespace = `ns-${String(first / NAMESPACE_SIZE).padStart(3, '0')}`;
    namespaces.push(namespace);
    const size = Math.min(NAMESPACE_SIZE, n - first);
    const name = (i: number) => `svc-${String(first + i).padStart(5, '0')}`;
    for (let i = 0; i < size; i++) {
      services.push({
        name: name(i),
        namespace,
        callers: Array.from({ length: Math.min(callers, size) }, (_, k) => name((i + 1 + k) % size)),
        routed: (first + i) % (s.routeEvery ?? 10) === 0,
      });
    }
  }
  return { shape: s, namespaces, services };
}

/** The in-mesh host name of a service. */
export function fqdn(s: BenchService): string {
  return `${s.name}.${s.namespace}.svc.cluster.local`;
}

/** The wildcard external host of a service (shape `wildcard-egress`), and the host under it its Sidecar names. */
export function externalHosts(s: BenchService): { wildcard: string; host: string } {
  return { wildcard: `*.${s.name}.partner.example.com`, host: `api.${s.name}.partner.example.com` };
}
