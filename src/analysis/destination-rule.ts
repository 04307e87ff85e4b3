import { Severity } from './finding';
import { Entry, HostIndex, MeshIndex, Workload, hasLabels, matchesLabels, push, toFqdn } from './mesh-index';

/** DestinationRules: CA verification (IST0128, IST0129), hosts (IST0174), subsets (IST0173, KIA0209) and overlaps (KIA0201). */
export function checkDestinationRules(index: MeshIndex): void {
  const byHost = new Map<string, Entry[]>();
  const wildcards: Entry[] = [];
  for (const dr of index.of('DestinationRule')) {
    const host = dr.spec.host;
    if (typeof host !== 'string') continue;
    checkCaCertificates(index, dr);
    const record = host.startsWith('*') ? undefined : index.lookupHost(dr.namespace, dr.spec.exportTo, host);
    if (!host.startsWith('*') && !record) {
      index.report(dr, 'IST0174', Severity.WARNING, `host "${host}" matches no Service or ServiceEntry: the rule applies to nothing`,
        'fix the host (<service>.<namespace>.svc.cluster.local), or add the Service or ServiceEntry');
    }
    const subsets: any[] = dr.spec.subsets ?? [];
    const anyLabels = subsets.some((s) => Object.keys(s?.labels ?? {}).length > 0);
    for (const subset of subsets) {
      const labels: Record<string, string> = subset?.labels ?? {};
      if (!anyLabels) {
        index.report(dr, 'KIA0209', Severity.WARNING, `subset "${subset?.name}" has no labels: it selects every endpoint of the host`,
          'give the subset the labels of the pods it stands for (e.g. version: v1)');
      }
      if (record && !selectsEndpoints(index, record.entry, labels)) {
        index.report(dr, 'IST0173', Severity.ERROR, `subset "${subset?.name}" selects no pods of ${record.entry.resource} (labels ${JSON.stringify(labels)}): requests routed to it fail with 503`,
          'fix the subset labels to match the pod labels of a workload behind the host, or remove the subset');
      }
    }
    if (host.startsWith('*')) wildcards.push(dr); else push(byHost, toFqdn(dr.namespace, host), dr);
  }
  checkOverlaps(index, byHost, wildcards);
}

/** Pod labels istiod derives from the pod's node: region, zone and subzone (Istio's `AugmentLabels`) and hostname. */
const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';
const HOSTNAME = 'kubernetes.io/hostname';
const TOPOLOGY = new Set([REGION, ZONE, SUBZONE, HOSTNAME]);
/**
 * Labels every endpoint gets that the objects cannot show: the cluster and network istiod adds
 * (`AugmentLabels`), and those the sidecar injector puts on each pod it injects.
 */
const ADDED = new Set([
  'topology.istio.io/cluster', 'topology.istio.io/network', 'security.istio.io/tlsMode',
  'service.istio.io/canonical-name', 'service.istio.io/canonical-revision',
]);

/**
 * Whether subset labels select an endpoint of the host: a pod of a Service (its selector and the
 * subset's labels, in its namespace), of a ServiceEntry (its workloadSelector and the subset's
 * labels, or one of its endpoints), or, for a host without a selector, any pod. Topology labels
 * count as istiod derives them from a running pod's node; on a pod template they are not known yet.
 * The labels istiod and the injector add to every endpoint are not checked.
 */
function selectsEndpoints(index: MeshIndex, host: Entry, labels: Record<string, string>): boolean {
  const own = Object.entries(labels).filter(([k]) => !TOPOLOGY.has(k) && !ADDED.has(k));
  const topology = Object.entries(labels).filter(([k]) => TOPOLOGY.has(k));
  const subset = Object.fromEntries(own);
  let candidates: readonly Workload[];
  if (host.kind === 'Service' && hasLabels(host.spec.selector)) {
    if (topology.length === 0 && workloadEntriesMatch(index, { ...host.spec.selector, ...subset }, host.namespace)) return true;
    candidates = index.selectWorkloads({ ...host.spec.selector, ...subset }, host.namespace);
  } else {
    const endpoints: any[] = host.kind === 'ServiceEntry' && Array.isArray(host.spec.endpoints) ? host.spec.endpoints : [];
    if (endpoints.some((e) => matchesLabels(labels, e?.labels ?? {}))) return true;
    // A ServiceEntry with neither endpoints nor a selector resolves its hosts: endpoints without labels.
    if (host.kind === 'ServiceEntry' && !endpoints.length && !hasLabels(host.spec.workloadSelector?.labels)) return own.length === 0;
    const selector = { ...(host.kind === 'ServiceEntry' ? host.spec.workloadSelector?.labels : undefined), ...subset };
    if (topology.length === 0 && workloadEntriesMatch(index, selector)) return true;
    candidates = index.selectWorkloads(selector);
  }
  return candidates.some((w) => {
    const placed = nodeLabels(index, w);
    return !placed || topology.every(([k, v]) => placed[k] === v);
  });
}

/**
 * Whether a WorkloadEntry (in `namespace`, or anywhere when undefined) carries the selector's labels: a
 * Service's selector and a ServiceEntry's workloadSelector select WorkloadEntries as they select pods, and
 * their `spec.labels` are the endpoint's labels. Subset topology labels are not matched here (a
 * WorkloadEntry's locality is its `locality` field, not node labels).
 */
function workloadEntriesMatch(index: MeshIndex, selector: Record<string, string>, namespace?: string): boolean {
  const entries = namespace === undefined ? index.of('WorkloadEntry') : index.inNamespace('WorkloadEntry', namespace);
  return entries.some((we) => isPlainLabels(we.spec.labels) && matchesLabels(selector, we.spec.labels));
}

function isPlainLabels(labels: unknown): labels is Record<string, string> {
  return !!labels && typeof labels === 'object' && !Array.isArray(labels);
}

/** The labels of a running pod with those istiod adds from its node; undefined when the pod has no node yet. */
function nodeLabels(index: MeshIndex, w: Workload): Record<string, string> | undefined {
  const nodeName = w.podSpec.nodeName;
  if (typeof nodeName !== 'string' || !nodeName) return undefined;
  const node = index.get('Node', '', nodeName)?.labels ?? {};
  const out: Record<string, string> = { ...w.labels, [HOSTNAME]: nodeName };
  if (node[REGION]) out[REGION] = node[REGION];
  if (node[ZONE]) {
    out[ZONE] = node[ZONE];
    if (node[SUBZONE]) out[SUBZONE] = node[SUBZONE];
  }
  return out;
}

function checkCaCertificates(index: MeshIndex, dr: Entry): void {
  const unverified = (tls: any) => (tls?.mode === 'SIMPLE' || tls?.mode === 'MUTUAL') && !tls.caCertificates
    && !(tls.credentialName && dr.spec.workloadSelector);
  const policy = dr.spec.trafficPolicy;
  if (unverified(policy?.tls)) {
    index.report(dr, 'IST0128', Severity.WARNING, `trafficPolicy.tls mode ${policy.tls.mode} has no caCertificates: the server certificate of "${dr.spec.host}" is not verified`,
      'set caCertificates (or credentialName with a workloadSelector)');
  }
  for (const pls of policy?.portLevelSettings ?? []) {
    if (unverified(pls?.tls)) {
      index.report(dr, 'IST0129', Severity.WARNING, `trafficPolicy.portLevelSettings port ${pls.port?.number}: tls mode ${pls.tls.mode} has no caCertificates: the server certificate is not verified`,
        'set caCertificates for this port');
    }
  }
}

/** Whether a DR turns on ISTIO_MUTUAL for a whole namespace or mesh (Kiali skips those in KIA0201). */
function isWideMtls(dr: Entry): boolean {
  return dr.spec.host.startsWith('*') && dr.spec.trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL';
}

/** KIA0201: two DestinationRules for the same host and subset (a rule without subsets takes them all). */
function checkOverlaps(index: MeshIndex, byHost: Map<string, Entry[]>, wildcards: Entry[]): void {
  const narrow = new HostIndex<Entry>();
  for (const w of wildcards) if (!isWideMtls(w)) narrow.add(w.spec.host, w);
  const groups = [...byHost].map(([host, list]) => ({ host, list: [...list, ...narrow.matching(host)] }));
  for (const wildcard of wildcards) {
    if (isWideMtls(wildcard)) continue;
    const list = narrow.matching(wildcard.spec.host).filter((w) => w !== wildcard);
    if (list.length) groups.push({ host: wildcard.spec.host, list: [wildcard, ...list] });
  }
  const reported = new Set<Entry>();
  for (const { host, list } of groups) {
    if (list.length < 2) continue;
    const seen = new Map<string, Entry>();
    let first: Entry | undefined;
    for (const dr of list) {
      const subsets: string[] = (dr.spec.subsets ?? []).map((s: any) => s?.name);
      const keys = subsets.length ? subsets : ['~'];
      for (const key of keys) {
        const other = seen.get(key) ?? (key === '~' ? first : seen.get('~'));
        if (other && other !== dr && !reported.has(dr)) {
          reported.add(dr);
          index.report(dr, 'KIA0201', Severity.WARNING,
            `DestinationRule ${other.namespace}/${other.name} also applies to host "${host}"${key === '~' ? '' : ` subset "${key}"`}: only one of them takes effect`,
            'merge them into one DestinationRule per host');
        }
        if (!seen.has(key)) seen.set(key, dr);
        first ??= dr;
      }
    }
  }
}
