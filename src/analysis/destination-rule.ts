import { Severity } from './finding';
import { Entry, MeshIndex, hostMatches, push, toFqdn } from './mesh-index';

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
      if (record) {
        const seSelector = record.entry.kind === 'ServiceEntry' ? record.entry.spec.workloadSelector?.labels : undefined;
        if (index.selectWorkloads({ ...seSelector, ...labels }).length === 0) {
          index.report(dr, 'IST0173', Severity.ERROR, `subset "${subset?.name}" selects no pods (labels ${JSON.stringify(labels)}): requests routed to it fail with 503`,
            'fix the subset labels to match a workload\'s pod labels, or remove the subset');
        }
      }
    }
    if (host.startsWith('*')) wildcards.push(dr); else push(byHost, toFqdn(dr.namespace, host), dr);
  }
  checkOverlaps(index, byHost, wildcards);
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
  const groups = [...byHost].map(([host, list]) => ({
    host, list: [...list, ...wildcards.filter((w) => !isWideMtls(w) && hostMatches(w.spec.host, host))],
  }));
  for (let i = 0; i < wildcards.length; i++) {
    if (isWideMtls(wildcards[i])) continue;
    const list = wildcards.filter((w, j) => j !== i && !isWideMtls(w) && hostMatches(w.spec.host, wildcards[i].spec.host));
    if (list.length) groups.push({ host: wildcards[i].spec.host, list: [wildcards[i], ...list] });
  }
  const reported = new Set<Entry>();
  for (const { host, list } of groups) {
    if (list.length < 2) continue;
    const seen = new Map<string, Entry>();
    for (const dr of list) {
      const subsets: string[] = (dr.spec.subsets ?? []).map((s: any) => s?.name);
      const keys = subsets.length ? subsets : ['~'];
      for (const key of keys) {
        const other = seen.get(key) ?? (key === '~' ? [...seen.values()][0] : seen.get('~'));
        if (other && other !== dr && !reported.has(dr)) {
          reported.add(dr);
          index.report(dr, 'KIA0201', Severity.WARNING,
            `DestinationRule ${other.namespace}/${other.name} also applies to host "${host}"${key === '~' ? '' : ` subset "${key}"`}: only one of them takes effect`,
            'merge them into one DestinationRule per host');
        }
        if (!seen.has(key)) seen.set(key, dr);
      }
    }
  }
}
