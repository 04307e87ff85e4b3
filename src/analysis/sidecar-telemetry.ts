import { Severity } from './finding';
import { Entry, MeshIndex, Workload, hasLabels, push } from './mesh-index';

/** How a policy kind picks its workloads. */
interface SelectorKind {
  readonly kind: string;
  readonly selector: (e: Entry) => Record<string, string> | undefined;
  /** Whether the object counts as selector-less (applies to the whole namespace). */
  readonly selectorless: (e: Entry) => boolean;
  readonly multipleCode?: string;
  readonly conflictCode: string;
  readonly notFoundCode?: string;
}

const KINDS: SelectorKind[] = [
  {
    kind: 'Sidecar',
    selector: (e) => e.spec.workloadSelector?.labels,
    selectorless: (e) => !hasLabels(e.spec.workloadSelector?.labels),
    multipleCode: 'IST0111',
    conflictCode: 'IST0110',
    notFoundCode: 'IST0101',
  },
  {
    // Istio counts only a missing selector (not `selector: {}`) as selector-less here.
    kind: 'Telemetry',
    selector: (e) => e.spec.selector?.matchLabels,
    selectorless: (e) => e.spec.selector === undefined,
    multipleCode: 'IST0160',
    conflictCode: 'IST0159',
    notFoundCode: 'IST0101',
  },
  {
    kind: 'PeerAuthentication',
    selector: (e) => e.spec.selector?.matchLabels,
    selectorless: (e) => !hasLabels(e.spec.selector?.matchLabels),
    multipleCode: 'KIA0002',
    conflictCode: 'KIA0003',
    notFoundCode: 'KIA0004',
  },
  {
    kind: 'RequestAuthentication',
    selector: (e) => e.spec.selector?.matchLabels,
    selectorless: () => false,
    conflictCode: '',
    notFoundCode: 'KIA0004',
  },
];

/** Sidecar, Telemetry, PeerAuthentication and RequestAuthentication selectors (IST0101, IST0110, IST0111, IST0159, IST0160, IST0167, KIA0002-0004). */
export function checkSelectors(index: MeshIndex): void {
  for (const k of KINDS) {
    const selectorless = new Map<string, Entry[]>();
    const byWorkload = new Map<Workload, Entry[]>();
    for (const e of index.of(k.kind)) {
      const ambient = k.kind === 'Sidecar' && isAmbient(index, e.namespace);
      if (ambient) {
        index.report(e, 'IST0167', Severity.WARNING, `namespace "${e.namespace}" is in ambient mode: the Sidecar has no effect`,
          'remove the Sidecar, or take the namespace out of ambient mode');
        continue;
      }
      const selector = k.selector(e);
      if (k.selectorless(e)) push(selectorless, e.namespace, e);
      if (!hasLabels(selector)) continue;
      const pods = index.selectWorkloads(selector, e.namespace);
      if (pods.length === 0 && k.notFoundCode) {
        index.report(e, k.notFoundCode, k.notFoundCode === 'KIA0004' ? Severity.WARNING : Severity.ERROR,
          `referenced selector not found: no workload in "${e.namespace}" has the labels ${JSON.stringify(selector)}`,
          'fix the selector to match the pod labels of a workload in this namespace');
      }
      for (const w of pods) push(byWorkload, w, e);
    }
    if (k.multipleCode) {
      for (const [ns, list] of selectorless) {
        if (list.length < 2) continue;
        for (const e of list) {
          index.report(e, k.multipleCode, Severity.ERROR,
            `namespace "${ns}" has several ${k.kind}s without a workload selector (${list.map((x) => x.name).sort().join(', ')}): which one applies is undefined`,
            `keep one namespace-wide ${k.kind}, give the others a workload selector`);
        }
      }
    }
    if (!k.conflictCode) continue;
    const reported = new Set<string>();
    for (const [w, list] of byWorkload) {
      if (list.length < 2) continue;
      for (const e of list) {
        const id = `${e.resource}|${w.entry.resource}`;
        if (reported.has(id)) continue;
        reported.add(id);
        index.report(e, k.conflictCode, Severity.ERROR,
          `${w.entry.resource} is selected by several ${k.kind}s (${list.map((x) => x.name).sort().join(', ')}): which one applies is undefined`,
          `make the selectors of the ${k.kind}s disjoint`);
      }
    }
  }
  checkSidecarShape(index);
}

/** Istio's `NamespaceInAmbientMode`. */
function isAmbient(index: MeshIndex, namespace: string): boolean {
  const l = index.namespaces.get(namespace)?.labels ?? {};
  return index.isAmbientNamespace(namespace) && l['istio-injection'] !== 'enabled' && !l['istio.io/rev'];
}

/** Kiali's Sidecar checks: root-namespace selectors (KIA1006), empty outbound mode (KIA1007), unknown egress hosts (KIA1004). */
function checkSidecarShape(index: MeshIndex): void {
  for (const sc of index.of('Sidecar')) {
    if (sc.namespace === index.rootNamespace && hasLabels(sc.spec.workloadSelector?.labels)) {
      index.report(sc, 'KIA1006', Severity.WARNING, `a Sidecar in the root namespace "${sc.namespace}" has a workload selector: it is not the mesh-wide default`,
        'remove the selector (mesh-wide default), or move the Sidecar to the workload\'s namespace');
    }
    const otp = sc.spec.outboundTrafficPolicy;
    if (otp && !otp.mode) {
      index.report(sc, 'KIA1007', Severity.INFO, 'outboundTrafficPolicy has no mode: the mesh default applies', 'set mode to REGISTRY_ONLY or ALLOW_ANY');
    }
    for (const egress of sc.spec.egress ?? []) {
      for (const raw of (egress?.hosts ?? []) as string[]) {
        const [ns, host] = raw.includes('/') ? raw.split('/', 2) : ['*', raw];
        if (host === '*' || host.startsWith('*') || ns === '~') continue;
        const from = ns === '*' || ns === '.' ? sc.namespace : ns;
        if (!index.lookupHost(from, undefined, host)) {
          index.report(sc, 'KIA1004', Severity.WARNING, `egress host "${raw}" matches no Service or ServiceEntry`,
            'fix the host, or add the Service or ServiceEntry');
        }
      }
    }
  }
}
