// The benchmark mesh, as plain data shared by every variant so that they build the same objects.

/** Services per namespace. */
export const NAMESPACE_SIZE = 50;
/** The one HTTP port every service listens on. */
export const PORT = 8080;
/** Container image of every service. */
export const IMAGE = 'us-docker.pkg.dev/bench/mesh/app:1.0.0';
/** Namespace of the ingress gateway. */
export const GATEWAY_NAMESPACE = 'istio-gateway';

/** One mesh service of the benchmark. */
export interface BenchService {
  readonly name: string;
  readonly namespace: string;
  /** The service allowed to call this one (the next one in its namespace). */
  readonly caller: string;
  /** Whether the gateway routes `/<name>` to it (every tenth service). */
  readonly routed: boolean;
}

/** The mesh of `n` services: namespaces of 50, each service called by its neighbour. */
export interface BenchMesh {
  readonly namespaces: string[];
  readonly services: BenchService[];
}

export function benchMesh(n: number): BenchMesh {
  const namespaces: string[] = [];
  const services: BenchService[] = [];
  for (let first = 0; first < n; first += NAMESPACE_SIZE) {
    const namespace = `ns-${String(first / NAMESPACE_SIZE).padStart(3, '0')}`;
    namespaces.push(namespace);
    const size = Math.min(NAMESPACE_SIZE, n - first);
    const name = (i: number) => `svc-${String(first + i).padStart(5, '0')}`;
    for (let i = 0; i < size; i++) {
      services.push({ name: name(i), namespace, caller: name((i + 1) % size), routed: (first + i) % 10 === 0 });
    }
  }
  return { namespaces, services };
}

/** The in-mesh host name of a service. */
export function fqdn(s: BenchService): string {
  return `${s.name}.${s.namespace}.svc.cluster.local`;
}
