import { IConstruct } from 'constructs';
import { checkNamespaceRef } from '../core/check';
import type { IngressGateway } from '../gateways/ingress-gateway';
import type { IMeshNamespace } from '../platform/mesh-namespace';
import { checkDestination } from '../traffic/destination';
import type { IMeshService } from '../workloads/mesh-service-base';

/** Where a security policy applies: a namespace, one workload, or an ingress gateway. */
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
  readonly gateway?: IngressGateway;
}

/**
 * The namespace and workload selector of a policy; exactly one target must be set.
 * @internal
 */
export function policyTarget(scope: IConstruct, t: PolicyTargetOptions): { namespace: string; matchLabels?: Record<string, string>; name: string } {
  const set = [t.namespace && 'namespace', t.workload && 'workload', t.gateway && 'gateway'].filter(Boolean);
  if (set.length !== 1) {
    throw new Error(`${scope.node.path}: set exactly one of \`namespace\`, \`workload\` or \`gateway\`${set.length ? ` (got ${set.join(', ')})` : ''}`);
  }
  if (t.namespace) checkNamespaceRef(scope, 'namespace', t.namespace);
  if (t.workload) checkDestination(scope, 'workload', t.workload);
  if (t.gateway && !Array.isArray((t.gateway as any)._listenPorts)) {
    throw new Error(`${scope.node.path}: \`gateway\` must be an IngressGateway, got ${typeof t.gateway === 'string' ? `the string "${t.gateway}"` : typeof t.gateway}`);
  }
  if (t.workload) return { namespace: t.workload.namespace.name, matchLabels: t.workload.selectorLabels, name: t.workload.name };
  if (t.gateway) return { namespace: t.gateway.workloadNamespace, matchLabels: t.gateway.selectorLabels, name: t.gateway.name };
  return { namespace: t.namespace!.name, name: t.namespace!.name };
}
