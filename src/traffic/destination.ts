import { IConstruct } from 'constructs';
import { ResolvedMeshServicePort } from '../core/ports';
import { DataplaneMode } from '../platform/dataplane';
import { IMeshNamespace } from '../platform/mesh-namespace';

/**
 * A service that routes can send traffic to: a `MeshService` (created or adopted) or a service
 * referenced with `MeshService.fromServiceAttributes`.
 */
export interface IMeshDestination extends IConstruct {
  /** The Service name. */
  readonly name: string;
  /** The namespace of the Service. */
  readonly namespace: IMeshNamespace;
  /** The in-mesh host name: `<name>.<namespace>.svc.cluster.local`. */
  readonly fqdn: string;
  /** The Service ports. */
  readonly ports: ResolvedMeshServicePort[];
  /** The versions (DestinationRule subsets) routes may name. */
  readonly versions: string[];
}

/**
 * `dest`'s first HTTP-family port, the one a route reaches by default.
 * @internal
 */
export function defaultHttpPort(dest: IMeshDestination): ResolvedMeshServicePort | undefined {
  return dest.ports.find((p) => p.protocol.isHttp);
}

/**
 * `dest`, unless its namespace is outside the mesh (no sidecars to route to).
 * @internal
 */
export function checkInMesh<T extends IMeshDestination>(scope: IConstruct, dest: T): T {
  if (dest.namespace.dataplaneMode === DataplaneMode.NONE) {
    throw new Error(`${scope.node.path}: route to ${dest.node.path} goes to a service outside the mesh (namespace "${dest.namespace.name}" has injection disabled): enable injection on its namespace or route elsewhere`);
  }
  return dest;
}

/**
 * `dest`, unless it is something other than a mesh service (jsii languages and JavaScript can
 * pass anything).
 * @internal
 */
export function checkDestination<T extends IMeshDestination>(scope: IConstruct, field: string, dest: T | undefined): T | undefined {
  const d = dest as any;
  if (dest !== undefined && (typeof d?.fqdn !== 'string' || !Array.isArray(d.ports) || typeof d.namespace?.name !== 'string')) {
    throw new Error(`${scope.node.path}: \`${field}\` must be a mesh service (a MeshService, or MeshService.fromServiceAttributes), got ${typeof dest === 'string' ? `the string "${dest}"` : typeof dest}`);
  }
  return dest;
}
