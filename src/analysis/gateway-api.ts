import { Severity } from './finding';
import { Entry, MeshIndex, hasLabels, matchesLabels, push } from './mesh-index';
import { asArray } from '../core/collections';
import { ISTIO_GATEWAY_CLASSES, isBuiltInGatewayClass } from '../core/gateway-classes';
import { hostMatches } from '../core/hosts';

/** The Gateway API group; the index keys its kinds under it. */
const GROUP = 'gateway.networking.k8s.io';
const kind = (k: string) => `${GROUP}/${k}`;
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute'];
/** The code of findings that predict a Gateway API status condition (Accepted, ResolvedRefs) the controller would set to False. */
const CODE = 'GATEWAY_API';
/** Route kinds a listener admits when `allowedRoutes.kinds` is unset, by protocol (HBONE: a waypoint, any). */
const DEFAULT_KINDS: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'], HTTPS: ['HTTPRoute', 'GRPCRoute'], TLS: ['TLSRoute'], TCP: ['TCPRoute'], UDP: ['UDPRoute'],
};
const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'];

/**
 * Gateway API objects: routes to their parents (KIA1401; listeners, allowed namespaces and kinds,
 * hostnames) and backends (KIA1402, ports), ReferenceGrants for references across namespaces
 * (their source namespaces: KIA1601), Gateways of a class nothing provides (KIA1504), listeners
 * shared by Gateways (KIA1501, KIA1502), selectors on
 * the pods istiod deploys for a Gateway (IST0166), and in-mesh routes on ambient Services that no
 * waypoint applies. What the Gateway controller would report as a False condition is `GATEWAY_API`.
 */
export function checkGatewayApi(index: MeshIndex): void {
  const grants = new Map<string, Entry[]>();
  for (const g of index.of(kind('ReferenceGrant'))) {
    push(grants, g.namespace, g);
    for (const from of asArray(g.spec.from)) {
      if (typeof from?.namespace === 'string' && !index.namespaceExists(from.namespace)) {
        index.report(g, 'KIA1601', Severity.ERROR, `namespace "${from.namespace}" in \`from\` is not found`, 'create the namespace, or fix the grant\'s `from` namespace');
      }
    }
  }
  const permitted = (fromKind: string, fromNs: string, toKind: string, toNs: string, name: string) => (grants.get(toNs) ?? []).some((g) =>
    asArray(g.spec.from).some((f) => f?.group === GROUP && f.kind === fromKind && f.namespace === fromNs)
    && asArray(g.spec.to).some((t) => (t?.group ?? '') === '' && t.kind === toKind && (t.name === undefined || t.name === name)));

  const gateways = index.of(kind('Gateway'));
  for (const gw of gateways) {
    asArray(gw.spec.listeners).forEach((l, i) => {
      for (const ref of asArray(l?.tls?.certificateRefs)) {
        const ns = ref?.namespace;
        if ((ref?.group ?? '') !== '' || (ref?.kind ?? 'Secret') !== 'Secret' || ns === undefined || ns === gw.namespace) continue;
        if (!permitted('Gateway', gw.namespace, 'Secret', ns, ref.name)) {
          index.report(gw, CODE, Severity.ERROR, `listeners[${i}] (${l.name}): certificate Secret ${ns}/${ref.name} is in another namespace and no ReferenceGrant there lets Gateways of "${gw.namespace}" read it (ResolvedRefs: RefNotPermitted)`,
            `add a ReferenceGrant in "${ns}" from Gateway in "${gw.namespace}" to Secret ${ref.name}, or move the Secret`);
        }
      }
    });
  }
  checkGatewayClasses(index, gateways);
  checkSharedListeners(index, gateways);
  checkIneffectiveSelectors(index, gateways);

  for (const routeKind of ROUTE_KINDS) {
    for (const route of index.of(kind(routeKind))) {
      asArray(route.spec.parentRefs).forEach((ref, i) => checkParent(index, route, routeKind, ref, i));
      // istiod enforces ReferenceGrants for a route's Gateway parents only: in-mesh (Service-parent) routes reach any namespace.
      const gatewayParent = asArray(route.spec.parentRefs).some((ref) => (ref?.group ?? GROUP) === GROUP && (ref?.kind ?? 'Gateway') === 'Gateway');
      asArray(route.spec.rules).forEach((rule, r) => {
        const refs = [
          ...asArray(rule?.backendRefs).map((b, j) => ({ ref: b, where: `rules[${r}].backendRefs[${j}]` })),
          ...asArray(rule?.filters).filter((f) => f?.requestMirror).map((f) => ({ ref: f.requestMirror.backendRef, where: `rules[${r}] mirror` })),
        ];
        for (const { ref, where } of refs) {
          if (!ref || (ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') continue;
          const ns = ref.namespace ?? route.namespace;
          if (gatewayParent && ns !== route.namespace && !permitted(routeKind, route.namespace, 'Service', ns, ref.name)) {
            index.report(route, CODE, Severity.ERROR, `${where}: Service ${ns}/${ref.name} is in another namespace and no ReferenceGrant there lets ${routeKind}s of "${route.namespace}" reference it (ResolvedRefs: RefNotPermitted)`,
              `add a ReferenceGrant in "${ns}" from ${routeKind} in "${route.namespace}" to Service ${ref.name}`);
          }
          checkServicePort(index, route, where, ns, ref, 'KIA1402');
        }
      });
    }
  }
}

/** A parent: a Gateway (KIA1401, listeners) or, for in-mesh routes, a Service. */
function checkParent(index: MeshIndex, route: Entry, routeKind: string, ref: any, i: number): void {
  if (!ref || typeof ref !== 'object') return;
  const where = `parentRefs[${i}]`;
  const ns = ref.namespace ?? route.namespace;
  if ((ref.group ?? GROUP) === '' && ref.kind === 'Service') {
    const service = checkServicePort(index, route, where, ns, ref, CODE);
    if (service) checkAmbientParent(index, route, where, service);
    return;
  }
  if ((ref.group ?? GROUP) !== GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') return;
  const gw = index.get(kind('Gateway'), ns, String(ref.name));
  if (!gw) {
    index.report(route, 'KIA1401', Severity.ERROR, `${where}: Gateway ${ns}/${ref.name} is not found`, 'create the Gateway, or fix parentRefs (name, namespace)');
    return;
  }
  let listeners = asArray(gw.spec.listeners);
  if (ref.sectionName !== undefined) {
    listeners = listenersNamed(gw, ref.sectionName);
    if (listeners.length === 0) {
      return index.report(route, CODE, Severity.ERROR, `${where}: Gateway ${ns}/${ref.name} has no listener "${ref.sectionName}" (Accepted: NoMatchingParent)`,
        `use one of its listeners (${asArray(gw.spec.listeners).map((l) => l?.name).join(', ')})`);
    }
  }
  if (ref.port !== undefined) listeners = listeners.filter((l) => l?.port === ref.port);
  const admitting = listeners.filter((l) => admits(index, gw, l, routeKind, route.namespace));
  if (admitting.length === 0) {
    return index.report(route, CODE, Severity.ERROR, `${where}: no listener of Gateway ${ns}/${ref.name} admits a ${routeKind} from namespace "${route.namespace}" (Accepted: NotAllowedByListeners)`,
      'widen the listener\'s allowedRoutes (namespaces, kinds), or move the route to a namespace it admits');
  }
  const hostnames = asArray(route.spec.hostnames).filter((h) => typeof h === 'string');
  if (hostnames.length && !admitting.some((l) => l.hostname === undefined || hostnames.some((h) => hostMatches(h, l.hostname)))) {
    index.report(route, CODE, Severity.ERROR, `${where}: no hostname of the route (${hostnames.join(', ')}) matches a listener of Gateway ${ns}/${ref.name} (${admitting.map((l) => l.hostname).join(', ')}) (Accepted: NoMatchingListenerHostname)`,
      'give the route a hostname the listener accepts, or add a listener for it');
  }
}

/** A Gateway's listeners by name, indexed once per Gateway: a route naming one meets only it, not every listener of a shared Gateway. */
const LISTENERS = new WeakMap<Entry, Map<unknown, any[]>>();

function listenersNamed(gw: Entry, name: unknown): any[] {
  let byName = LISTENERS.get(gw);
  if (!byName) {
    byName = new Map();
    for (const l of asArray(gw.spec.listeners)) {
      const list = byName.get(l?.name);
      if (list) list.push(l); else byName.set(l?.name, [l]);
    }
    LISTENERS.set(gw, byName);
  }
  // `===`, as a filter would compare: NaN names no listener.
  return Number.isNaN(name) ? [] : byName.get(name) ?? [];
}

/** Whether a listener takes routes of this kind from this namespace (`allowedRoutes`; default: same namespace). */
function admits(index: MeshIndex, gw: Entry, listener: any, routeKind: string, routeNs: string): boolean {
  const allowed = listener?.allowedRoutes ?? {};
  const kinds = asArray(allowed.kinds);
  const ok = kinds.length ? kinds.some((k) => (k?.group ?? GROUP) === GROUP && k.kind === routeKind)
    : listener?.protocol === 'HBONE' || (DEFAULT_KINDS[listener?.protocol] ?? []).includes(routeKind);
  if (!ok) return false;
  const from = allowed.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === gw.namespace;
  const labels = { ...index.namespaces.get(routeNs)?.labels, 'kubernetes.io/metadata.name': routeNs };
  return selects(allowed.namespaces?.selector, labels);
}

/** A LabelSelector (matchLabels and matchExpressions) on `labels`. */
function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  return matchesLabels(selector.matchLabels, labels) && asArray(selector.matchExpressions).every((e) => {
    const has = e?.key in labels;
    const values = asArray(e?.values);
    switch (e?.operator) {
      case 'In': return has && values.includes(labels[e.key]);
      case 'NotIn': return !has || !values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

/** The Service a reference names, reporting `code` when it is not found and a finding when its port is not the Service's. */
function checkServicePort(index: MeshIndex, route: Entry, where: string, ns: string, ref: any, code: string): Entry | undefined {
  const service = index.get('Service', ns, String(ref.name));
  if (!service) {
    index.report(route, code, Severity.ERROR, `${where}: Service ${ns}/${ref.name} is not found`, 'create the Service, or fix the reference (name, namespace)');
    return undefined;
  }
  const ports = asArray(service.spec.ports).map((p) => p?.port);
  if (ref.port !== undefined && !ports.includes(ref.port)) {
    index.report(route, CODE, Severity.ERROR, `${where}: port ${ref.port} is not a port of Service ${ns}/${ref.name} (${ports.join(', ')})`, 'use one of the Service\'s ports');
  }
  return service;
}

/** An in-mesh route on a Service of an ambient namespace is applied by its waypoint only. */
function checkAmbientParent(index: MeshIndex, route: Entry, where: string, service: Entry): void {
  const nsLabels = index.namespaces.get(service.namespace)?.labels;
  if (!index.isAmbientNamespace(service.namespace)) return;
  const label = service.labels['istio.io/use-waypoint'] ?? nsLabels?.['istio.io/use-waypoint'];
  if (!label || label === 'none') {
    index.report(route, CODE, Severity.WARNING, `${where}: Service ${service.namespace}/${service.name} is in ambient mode and uses no waypoint (no istio.io/use-waypoint label): nothing applies this route`,
      'add a waypoint for the Service or its namespace (Waypoint, addService / addNamespace)');
  }
}

/**
 * KIA1504: a Gateway whose class is neither one the cluster has without a manifest (istiod's, GKE's)
 * nor a GatewayClass among the objects: no controller programs it, and nothing says so until someone
 * reads its status. (Kiali checks against the classes in its configuration; the objects stand in.)
 */
function checkGatewayClasses(index: MeshIndex, gateways: Entry[]): void {
  for (const gw of gateways) {
    const name = gw.spec.gatewayClassName;
    if (typeof name !== 'string' || isBuiltInGatewayClass(name) || index.get(kind('GatewayClass'), '', name)) continue;
    const defined = index.of(kind('GatewayClass')).map((c) => c.name);
    index.report(gw, 'KIA1504', Severity.WARNING, `gatewayClassName "${name}" is not a class istiod or GKE provides, nor a GatewayClass among the objects: no controller would program this Gateway`,
      `use a class the cluster has (${[...ISTIO_GATEWAY_CLASSES.keys(), ...defined].join(', ')}, or GKE's gke-l7-*), or add the GatewayClass `
      + '(cdk8s-mesh-analyze: pass it with --assume); in the library, GatewayClass.of() declares an installed class');
  }
}

/** KIA1501 / KIA1502: two Gateways with a listener of the same hostname, port and protocol, or the same address. */
function checkSharedListeners(index: MeshIndex, gateways: Entry[]): void {
  const byListener = new Map<string, Entry[]>();
  const byAddress = new Map<string, Entry[]>();
  for (const gw of gateways) {
    for (const l of asArray(gw.spec.listeners)) {
      if (typeof l?.hostname === 'string') push(byListener, `${l.hostname}|${l.port}|${l.protocol}`, gw);
    }
    for (const a of asArray(gw.spec.addresses)) if (a?.type !== undefined) push(byAddress, `${a.type}|${a.value}`, gw);
  }
  const report = (groups: Map<string, Entry[]>, code: string, what: (key: string) => string) => {
    for (const [key, list] of groups) {
      const distinct = [...new Set(list)];
      if (distinct.length < 2) continue;
      for (const gw of distinct) {
        const others = distinct.filter((o) => o !== gw).map((o) => `${o.namespace}/${o.name}`).join(', ');
        index.report(gw, code, Severity.WARNING, `${what(key)} is also on Gateway ${others}`, 'give each host, port and protocol (and each address) to one Gateway');
      }
    }
  };
  report(byListener, 'KIA1501', (k) => { const [h, p, pr] = k.split('|'); return `listener ${pr} ${h}:${p}`; });
  report(byAddress, 'KIA1502', (k) => `address ${k.split('|').reverse().join(' (')})`);
}

/**
 * IST0166: a policy whose selector matches the pods istiod deploys for a Gateway API Gateway, which
 * ignore selectors (the labels those pods get are known from the Gateway: its name, class and
 * infrastructure labels).
 */
function checkIneffectiveSelectors(index: MeshIndex, gateways: Entry[]): void {
  const podsByNs = new Map<string, { gw: { name: string }; labels: Record<string, string> }[]>();
  for (const gw of gateways) {
    const cls = ISTIO_GATEWAY_CLASSES.get(gw.spec.gatewayClassName);
    if (!cls?.managed) continue;
    const deployment = cls.suffixed ? `${gw.name}-${gw.spec.gatewayClassName}` : gw.name;
    const labels = {
      ...(gw.spec.infrastructure?.labels ?? gw.labels),
      'service.istio.io/canonical-name': deployment,
      'gateway.networking.k8s.io/gateway-name': gw.name,
      'gateway.networking.k8s.io/gateway-class-name': gw.spec.gatewayClassName,
      'gateway.istio.io/managed': cls.managed,
    };
    push(podsByNs, gw.namespace, { gw, labels });
  }
  // Pods (a dump) and pod templates of a Gateway the objects do not hold, as Istio's analyzer reads them.
  const held = new Set(gateways.map((gw) => `${gw.namespace}/${gw.name}`));
  for (const w of index.workloads) {
    const name = w.labels['gateway.networking.k8s.io/gateway-name'];
    if (name !== undefined && !held.has(`${w.namespace}/${name}`)) push(podsByNs, w.namespace, { gw: { name }, labels: w.labels });
  }
  if (podsByNs.size === 0) return;
  for (const policyKind of POLICY_KINDS) {
    for (const p of index.of(policyKind)) {
      const selector = p.spec.selector?.matchLabels;
      if (p.spec.targetRef || asArray(p.spec.targetRefs).length || !hasLabels(selector)) continue;
      const reported = new Set<string>();
      for (const pod of podsByNs.get(p.namespace) ?? []) {
        if (!matchesLabels(selector, pod.labels) || reported.has(pod.gw.name)) continue;
        reported.add(pod.gw.name);
        index.report(p, 'IST0166', Severity.WARNING, `Ineffective selector on Kubernetes Gateway ${pod.gw.name}: its pods, deployed by istiod, ignore selectors`,
          `attach the ${policyKind} with targetRefs (group gateway.networking.k8s.io, kind Gateway, name ${pod.gw.name}) instead of a selector`);
      }
    }
  }
}

