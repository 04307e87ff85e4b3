import { IConstruct } from 'constructs';

/** Producers of assumed objects, by construct tree root. */
const PRODUCERS = new WeakMap<IConstruct, (() => any[])[]>();

/**
 * Declares objects that exist in the cluster but not in this app's manifests (a gateway that Istio's
 * Helm chart installed, a service another repository deploys, the pods of a version deployed
 * elsewhere). The in-app analysis resolves references against them, as `istioctl analyze` does
 * against the live cluster, but checks and reports nothing on them. `produce` runs at analysis
 * time, so it sees the construct's final state.
 * @internal
 */
export function assumeObjects(scope: IConstruct, produce: () => any[]): void {
  const root = scope.node.root;
  const list = PRODUCERS.get(root);
  if (list) list.push(produce);
  else PRODUCERS.set(root, [produce]);
}

/**
 * The objects assumed by the constructs of the tree of `root`.
 * @internal
 */
export function assumedObjects(root: IConstruct): any[] {
  return (PRODUCERS.get(root.node.root) ?? []).flatMap((produce) => produce());
}
