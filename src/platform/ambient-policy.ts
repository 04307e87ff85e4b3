import { ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isAmbient } from './dataplane';
import type { IMeshNamespace } from './mesh-namespace';
import { IWaypoint, WaypointTrafficType, gatewayRoutes, ingressUsesWaypoint, ownWaypoint, servedNamespaces, servicesWithOwnWaypoint, waypointOf } from './waypoint-enrollment';
import { authorizationL7 } from '../core/authz-attributes';
import { appendTo } from '../core/collections';
import { security } from '../core/l1';
import type { AuthorizationPolicy, AuthorizationPolicySpecRules } from '../imports/security.istio.io';

/**
 * What a security policy applies to, as ambient mode needs to know it.
 * @internal
 */
export interface AmbientTarget {
  /** The namespace of the workloads (or of the waypoint). */
  readonly namespace: IMeshNamespace;
  /** The service whose pods the policy selects; undefined for a whole namespace. */
  readonly service?: IConstruct & { readonly name: string; readonly namespace: IMeshNamespace; readonly selectorLabels: Record<string, string> };
  /** A waypoint the policy is attached to explicitly. */
  readonly waypoint?: IWaypoint;
}

/**
 * Where a policy is enforced: by the workloads' proxies or ztunnel (a `selector`), or by a
 * waypoint (`targetRefs` to the Service, or to the waypoint's Gateway).
 * @internal
 */
export interface Attachment {
  readonly selector?: { matchLabels: Record<string, string> };
  readonly targetRefs?: { group: string; kind: string; name: string }[];
  /** The waypoint that enforces it. */
  readonly waypoint?: IWaypoint;
}

/** Policies enforced by ztunnel, by the namespace they are in (a waypoint added later would bypass them). */
const ZTUNNEL_POLICIES = new WeakMap<IConstruct, { path: string; service?: IConstruct }[]>();
/** The paths of namespace-wide policies, by ambient namespace (a service's own waypoint would escape them). */
const NAMESPACE_POLICIES = new WeakMap<IConstruct, string[]>();

/**
 * Where a policy on `target` is enforced. Outside ambient mode: a selector, as always. In ambient
 * mode, a waypoint enforces it when one serves the target (ztunnel then sees the waypoint's identity,
 * not the caller's), and must when the policy is L7 (`l7` says why); without a waypoint ztunnel
 * enforces L4 policies and an L7 one is an error.
 * @internal
 */
export function attachPolicy(scope: IConstruct, target: AmbientTarget, l7: string | undefined): Attachment {
  if (target.waypoint) return { targetRefs: [gatewayRef(target.waypoint)], waypoint: target.waypoint };
  const service = target.service;
  const selector = service && { matchLabels: service.selectorLabels };
  if (!isAmbient(target.namespace)) return { selector };
  if (!service) {
    // A service's own waypoint takes its traffic past the namespace's waypoint (which would enforce
    // the policy), and ztunnel at its pods sees that waypoint's identity (which the policy does not allow).
    const own = servicesWithOwnWaypoint(target.namespace).map((s) => s.node.path);
    if (own.length) {
      throw new Error(`${scope.node.path}: a namespace-wide policy in namespace "${target.namespace.name}", where ${own.join(', ')} ${own.length > 1 ? 'use waypoints of their' : 'uses a waypoint of its'} own: `
        + 'their traffic bypasses the namespace\'s waypoint, so the policy would not apply to it, and ztunnel sees their waypoint\'s identity, which it would deny; '
        + 'target the services one by one (`workload`), or serve them with the namespace\'s waypoint');
    }
    appendTo(NAMESPACE_POLICIES, target.namespace, scope.node.path);
  }
  const waypoint = service ? waypointOf(service) : ownWaypoint(target.namespace);
  if (!waypoint) {
    if (l7) throw noWaypoint(scope, target, l7);
    const list = ZTUNNEL_POLICIES.get(target.namespace) ?? [];
    list.push({ path: scope.node.path, service });
    ZTUNNEL_POLICIES.set(target.namespace, list);
    return { selector };
  }
  if (waypoint.trafficType === WaypointTrafficType.WORKLOAD) {
    // istiod binds a Service only to a waypoint for service traffic: a policy attached here would not
    // see the traffic addressed to the Service(s), which ztunnel delivers without it.
    const what = service ? service.node.path : `namespace "${target.namespace.name}"`;
    throw new Error(`${scope.node.path}: ${what} uses waypoint ${waypoint.namespace.name}/${waypoint.name}, which handles workload traffic only (trafficType WORKLOAD): `
      + 'traffic addressed to Services bypasses it, so the policy would not apply to it; serve the target with a waypoint of trafficType SERVICE or ALL, '
      + 'or make this waypoint the policy\'s target (`waypoint`) to police only the traffic addressed to pods');
  }
  if (service && waypoint.trafficType === WaypointTrafficType.ALL && !ownWaypoint(service)) {
    // The namespace's pods use the waypoint for traffic addressed to them too, where it applies only the
    // policies attached to it (not the Service's), and forwards with its own identity, which ztunnel lets in.
    throw new Error(`${scope.node.path}: ${service.node.path} uses the waypoint ${waypoint.namespace.name}/${waypoint.name} of its namespace, which handles workload traffic too (trafficType ALL): `
      + 'requests addressed to its pods pass the waypoint without the Service\'s policies, and ztunnel lets the waypoint in, so the policy would not apply to them; '
      + 'use a waypoint of trafficType SERVICE, or make the waypoint the policy\'s target (`waypoint`)');
  }
  if (service) return { targetRefs: [{ group: '', kind: 'Service', name: service.name }], waypoint };
  if (waypoint.namespace.name !== target.namespace.name) {
    throw new Error(`${scope.node.path}: namespace "${target.namespace.name}" uses waypoint ${waypoint.namespace.name}/${waypoint.name}, and a policy attaches to a waypoint `
      + 'from the waypoint\'s namespace only: create this policy with `waypoint` as its target (it then applies to every namespace the waypoint serves), or target each service');
  }
  // Attached to the waypoint, a namespace's policy applies to all it serves, other namespaces included (enrolled before or after).
  scope.node.addValidation({
    validate: () => {
      const others = servedNamespaces(waypoint).filter((n) => n !== target.namespace.name);
      return others.length ? [`a policy on namespace "${target.namespace.name}" is attached to its waypoint ${waypoint.namespace.name}/${waypoint.name}, which also serves namespace${others.length > 1 ? 's' : ''} `
        + `${others.map((n) => `"${n}"`).join(', ')}: the policy would apply to ${others.length > 1 ? 'their' : 'its'} traffic too; target the services one by one (\`workload\`), or give namespace "${target.namespace.name}" a waypoint of its own`] : [];
    },
  });
  return { targetRefs: [gatewayRef(waypoint)], waypoint };
}

/**
 * The error for an L7 rule added to a policy that ztunnel enforces.
 * @internal
 */
export function noWaypoint(scope: IConstruct, target: AmbientTarget, l7: string): Error {
  const what = target.service ? `${target.service.node.path} (or its namespace)` : `namespace "${target.namespace.name}"`;
  return new Error(`${scope.node.path}: ${l7} needs a waypoint: namespace "${target.namespace.name}" is in ambient mode, where ztunnel enforces only L4 rules `
    + `(principals, namespaces, IP blocks, ports) and an L7 rule with no waypoint is enforced by nothing; add a Waypoint and enroll ${what} in it `
    + '(waypoint.addService / addNamespace) before this policy, or keep the policy to L4 rules');
}

/**
 * Throws if policies that ztunnel enforces were written for `service` (or, without a service, for any
 * workload of `namespace`) before a waypoint was added: ztunnel would see the waypoint's identity
 * instead of the callers' and deny them.
 * @internal
 */
export function checkNoZtunnelPolicies(scope: IConstruct, namespace: IMeshNamespace, service?: IConstruct): void {
  const found = (ZTUNNEL_POLICIES.get(namespace) ?? [])
    .filter((p) => (service === undefined ? !p.service || !ownWaypoint(p.service) : p.service === service));
  if (found.length) {
    throw new Error(`${scope.node.path}: ${found.map((p) => p.path).join(', ')} ${found.length > 1 ? 'were' : 'was'} written for ztunnel before this waypoint was added; `
      + 'behind a waypoint ztunnel sees the waypoint\'s identity instead of the callers\', so it would deny them: add the waypoint (addService / addNamespace) before policies on what it serves');
  }
}

/**
 * Throws if namespace-wide policies were written for the namespace of `service`, which is about to
 * get a waypoint of its own: its traffic would escape them (see attachPolicy).
 * @internal
 */
export function checkNoNamespacePolicies(scope: IConstruct, service: IConstruct & { readonly namespace: IMeshNamespace }): void {
  const found = NAMESPACE_POLICIES.get(service.namespace) ?? [];
  if (found.length) {
    throw new Error(`${scope.node.path}: ${found.join(', ')} ${found.length > 1 ? 'apply' : 'applies'} to all of namespace "${service.namespace.name}", and ${service.node.path} `
      + 'would escape ' + (found.length > 1 ? 'them' : 'it') + ' behind a waypoint of its own (its traffic bypasses the namespace\'s waypoint, and ztunnel sees this waypoint\'s identity); '
      + 'target the services one by one (`workload`) instead, or serve this service with the namespace\'s waypoint');
  }
}

/**
 * Gateways that send requests for the target of a policy enforced at a waypoint straight to its pods
 * (the Service or namespace lacks `istio.io/ingress-use-waypoint`): a policy that denies would let
 * their requests through, at synth.
 * @internal
 */
export function ingressBypass(target: AmbientTarget, what: string): string[] {
  const bypassing = gatewayRoutes(target.namespace, target.service)
    .filter((r) => waypointOf(r.service) && !ingressUsesWaypoint(r.service))
    .map((r) => `${r.gateways.join(', ')} -> ${r.service.node.path}`);
  if (!bypassing.length) return [];
  return [`${what} is enforced at the waypoint, but gateways send to the pods past it (${bypassing.join('; ')}): istiod routes a gateway's requests through a waypoint only `
    + 'when the Service or its namespace is labelled istio.io/ingress-use-waypoint, so requests from the gateway escape the policy; '
    + 'enroll with `{ ingress: true }` (waypoint.addService(service, { ingress: true }) or addNamespace)'];
}

/**
 * Why an AuthorizationPolicy needs a waypoint in ambient mode, or undefined when ztunnel can enforce it.
 * @internal
 */
export function authorizationNeedsWaypoint(action: string, rules: AuthorizationPolicySpecRules[]): string | undefined {
  if (action === 'CUSTOM' || action === 'AUDIT') return `the ${action} action`;
  const l7 = authorizationL7({ rules }) ?? ztunnelUnknown(rules);
  return l7 && `an L7 rule (${l7})`;
}

/** The `when` keys ztunnel evaluates (istiod's l4WhenAttributes); istiod hands it no rule with another key. */
const ZTUNNEL_WHEN_KEYS = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

/**
 * What istiod leaves out of a rule for ztunnel beyond the L7 fields the analysis knows (Kiali's list):
 * other `when` keys and remote IP blocks. istiod then drops an ALLOW rule (nothing is allowed) and
 * widens a DENY rule (everything is denied).
 */
function ztunnelUnknown(rules: AuthorizationPolicySpecRules[]): string | undefined {
  for (const rule of rules) {
    const key = rule.when?.find((c) => !ZTUNNEL_WHEN_KEYS.has(c.key))?.key;
    if (key !== undefined) return `when key "${key}", which ztunnel does not evaluate (it knows ${[...ZTUNNEL_WHEN_KEYS].join(', ')})`;
    const remote = rule.from?.find((f) => f.source?.remoteIpBlocks?.length || f.source?.notRemoteIpBlocks?.length);
    if (remote) return 'source.remoteIpBlocks';
  }
  return undefined;
}

/**
 * The ztunnel side of an ALLOW policy that a waypoint enforces: on the target's pods, allow the
 * waypoint (whose identity ztunnel sees) and the policy's L4 rules (callers that reach the pods
 * directly); L7 rules stay with the waypoint, so direct calls they would allow are denied.
 * @internal
 */
export function ztunnelCompanion(scope: Construct, id: string, metadata: ApiObjectMetadata, target: AmbientTarget, waypoint: IWaypoint,
  rules: AuthorizationPolicySpecRules[]): AuthorizationPolicy {
  return new (security().AuthorizationPolicy)(scope, id, {
    metadata,
    spec: {
      action: security().AuthorizationPolicySpecAction.ALLOW,
      selector: target.service && { matchLabels: target.service.selectorLabels },
      rules: Lazy.any({
        produce: () => [
          { from: [{ source: { principals: [waypoint.principal] } }] },
          ...rules.filter((r) => !authorizationL7({ rules: [r] })),
        ],
      }) as any,
    },
  });
}

function gatewayRef(waypoint: IWaypoint) {
  return { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: waypoint.name };
}
