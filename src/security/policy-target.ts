import { IConstruct } from 'constructs';
import { checkNamespaceRef } from '../core/check';
import type { AmbientTarget } from '../platform/ambient-policy';
import { checkEnforced } from '../platform/dataplane';
import type { IMeshNamespace } from '../platform/mesh-namespace';
import type { IWaypoint } from '../platform/waypoint-enrollment';
import { checkDestination } from '../traffic/destination';
import type { IMeshService } from '../workloads/mesh-service-base';

/** Gateway pods that a policy can select: an `IngressGateway`, deployed here or installed elsewhere. */
export interface IGatewayPods extends IConstruct {
  /** Name of the gateway. */
  readonly name: string;
  /** Namespace of the gateway pods. */
  readonly workloadNamespace: string;
  /** Labels that select the gateway pods. */
  readonly selectorLabels: { [key: string]: string };
  /** The ports the gateway's proxies listen on (its Gateway servers' ports). */
  readonly listenPorts: number[];
}

/**
 * Where a security policy applies: a namespace, one workload, an ingress gateway, or a waypoint. In
 * an ambient namespace a policy on a namespace or workload is enforced by ztunnel (L4 rules) or, when a
 * waypoint serves it, by the waypoint (`targetRefs`); an L7 rule there needs a waypoint.
 */
export interface PolicyTargetOptions {
  /**
   * Every workload of this namespace.
   * @default - set `workload` or `gateway`
   */
  readonly namespace?: IMeshNamespace;
  /**
   * One workload.
   * @default - set `namespace` or `gateway`
   */
  readonly workload?: IMeshService;
  /**
   * The pods of an ingress gateway.
   * @default - set `namespace` or `workload`
   */
  readonly gateway?: IGatewayPods;
  /**
   * Every request through an ambient waypoint (`targetRefs` to its Gateway).
   * @default - set `namespace`, `workload` or `gateway`
   */
  readonly waypoint?: IWaypoint;
}

/**
 * The namespace and workload selector of a policy; exactly one target must be set.
 * @internal
 */
export function policyTarget(scope: IConstruct, t: PolicyTargetOptions):
{ namespace: string; matchLabels?: Record<string, string>; name: string; ambient?: AmbientTarget } {
  const set = [t.namespace && 'namespace', t.workload && 'workload', t.gateway && 'gateway', t.waypoint && 'waypoint'].filter(Boolean);
  if (set.length !== 1) {
    throw new Error(`${scope.node.path}: set exactly one of \`namespace\`, \`workload\`, \`gateway\` or \`waypoint\`${set.length ? ` (got ${set.join(', ')})` : ''}`);
  }
  if (t.namespace) checkNamespaceRef(scope, 'namespace', t.namespace);
  if (t.workload) checkDestination(scope, 'workload', t.workload);
  if (t.gateway && !Array.isArray((t.gateway as any).listenPorts)) {
    throw new Error(`${scope.node.path}: \`gateway\` must be an IngressGateway (an IGatewayPods), got ${typeof t.gateway === 'string' ? `the string "${t.gateway}"` : typeof t.gateway}`);
  }
  if (t.waypoint && typeof (t.waypoint as any).principal !== 'string') {
    throw new Error(`${scope.node.path}: \`waypoint\` must be a Waypoint, got ${typeof t.waypoint === 'string' ? `the string "${t.waypoint}"` : typeof t.waypoint}`);
  }
  const enforcedIn = t.workload?.namespace ?? t.namespace;
  if (enforcedIn) checkEnforced(scope, 'the policy', enforcedIn);
  if (t.workload) {
    const ambient = { namespace: t.workload.namespace, service: t.workload };
    return { namespace: t.workload.namespace.name, matchLabels: t.workload.selectorLabels, name: t.workload.name, ambient };
  }
  if (t.gateway) return { namespace: t.gateway.workloadNamespace, matchLabels: t.gateway.selectorLabels, name: t.gateway.name };
  if (t.waypoint) {
    return { namespace: t.waypoint.namespace.name, name: t.waypoint.name, ambient: { namespace: t.waypoint.namespace, waypoint: t.waypoint } };
  }
  return { namespace: t.namespace!.name, name: t.namespace!.name, ambient: { namespace: t.namespace! } };
}
