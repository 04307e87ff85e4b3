import { IConstruct } from 'constructs';
import { appendTo } from '../core/collections';

/** A rule of a namespace-wide DENY policy that uses HTTP-only fields. */
interface HttpDenyRule {
  /** The policy's construct path. */
  readonly policy: string;
  /** The HTTP-only field it uses. */
  readonly field: string;
  /** Whether it reaches a workload port (its operations' ports, less their notPorts). */
  readonly reaches: (port: number) => boolean;
}

/** The rules, by construct tree root, then by namespace name. */
const RULES = new WeakMap<IConstruct, Map<string, HttpDenyRule[]>>();

/**
 * Records a rule of a namespace-wide DENY policy with HTTP-only fields.
 * @internal
 */
export function recordHttpDenyRule(scope: IConstruct, namespace: string, rule: HttpDenyRule): void {
  const root = scope.node.root;
  const byNamespace = RULES.get(root) ?? new Map<string, HttpDenyRule[]>();
  RULES.set(root, byNamespace);
  appendTo(byNamespace, namespace, rule);
}

/**
 * Why the namespace-wide DENY rules with HTTP-only fields deny every connection to the TCP ports
 * (`tcp`, workload ports) of a workload of `namespace`: Istio drops those fields on TCP traffic.
 * @internal
 */
export function httpDenyOnTcp(scope: IConstruct, namespace: string, tcp: number[]): string[] {
  if (!tcp.length) return [];
  return (RULES.get(scope.node.root)?.get(namespace) ?? []).flatMap((r) => {
    const hit = tcp.filter(r.reaches);
    return hit.length ? [`the DENY policy ${r.policy} on namespace "${namespace}" has a rule on ${r.field}, which only HTTP requests carry, but its pods' TCP `
      + `port${hit.length > 1 ? 's' : ''} ${hit.join(', ')} ${hit.length > 1 ? 'are' : 'is'} in the namespace too: Istio drops the HTTP fields there and the rule `
      + 'denies every connection to them; limit the rule to the HTTP ports with `ports` (or exclude the TCP ones with `notPorts`), or target the HTTP workloads (`workload`)'] : [];
  });
}
