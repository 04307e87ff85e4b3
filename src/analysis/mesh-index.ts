import { Finding, Severity } from './finding';
import { isPlainObject } from '../core/json';

/** Kinds without a namespace; every other kind defaults to `default` like kubectl does. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'IngressClass',
  'APIService', 'RuntimeClass', 'GatewayClass',
]);

/** Namespaces every cluster has. */
const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Namespaces whose objects `istioctl analyze` leaves out of its analysis (Istio's `inject.IgnoredNamespaces`). */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Controllers whose pod template stands in for the live pods Istio's analyzers read. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/**
 * One analyzed object with where it came from.
 * @internal
 */
export interface Entry {
  readonly obj: any;
  readonly kind: string;
  readonly name: string;
  /** Empty for cluster-scoped kinds. */
  readonly namespace: string;
  readonly spec: any;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** `Kind namespace/name` (or `Kind name` when cluster-scoped). */
  readonly resource: string;
  readonly path?: string;
  readonly file?: string;
  /** An object assumed to exist in the cluster (see `assumeObjects`): looked up, never reported on. */
  readonly assumed?: boolean;
}

/** What a missing spec, labels or annotations read as (one object for all: the checks only read them). */
const NONE: Record<string, any> = Object.freeze({});

/** An entry as the index makes it: what findings alone read (the resource text, the origin) is read on demand. */
class IndexedEntry implements Entry {
  public readonly obj: any;
  public readonly spec: any;
  public readonly labels: Record<string, string>;
  public readonly annotations: Record<string, string>;
  private resourceText?: string;

  constructor(
    private readonly source: Source, public readonly kind: string, public readonly name: string, public readonly namespace: string, meta: any,
  ) {
    this.obj = source.obj;
    this.spec = isPlainObject(this.obj.spec) ? this.obj.spec : NONE;
    this.labels = isPlainObject(meta.labels) ? meta.labels : NONE;
    this.annotations = isPlainObject(meta.annotations) ? meta.annotations : NONE;
  }

  public get resource(): string {
    return this.resourceText ??= this.namespace ? `${this.obj.kind} ${this.namespace}/${this.name}` : `${this.obj.kind} ${this.name}`;
  }

  public get path(): string | undefined {
    return this.source.path;
  }

  public get file(): string | undefined {
    return this.source.file;
  }

  public get assumed(): boolean | undefined {
    return this.source.assumed;
  }
}

/**
 * A pod template (or a Pod) that stands for the pods a workload runs.
 * @internal
 */
export interface Workload {
  readonly entry: Entry;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly podSpec: any;
  /** Istio's "in mesh" test (util/in_mesh.go), on the template. */
  readonly inMesh: boolean;
}

/**
 * Istio's mesh configuration as the analysis reads it: MeshConfig (`mesh`) and MeshNetworks
 * (`meshNetworks`), as JSON.
 * @internal
 */
export interface MeshSettings {
  /** The MeshConfig of each control-plane revision (the default revision's first); none for Istio's defaults. */
  readonly meshConfigs: any[];
  /** The MeshNetworks, when one is given. */
  readonly meshNetworks?: any;
  /** The object the settings came from, for findings on them. */
  readonly source?: Entry;
}

/**
 * An object to analyze with its origin.
 * @internal
 */
export interface Source {
  readonly obj: any;
  readonly path?: string;
  readonly file?: string;
  /** Assumed to exist in the cluster, outside the analyzed objects (see `assumeObjects`). */
  readonly assumed?: boolean;
}

/** A port of a Service or ServiceEntry host. */
interface HostPort { readonly number: number; readonly name?: string; readonly protocol?: string }

/** @internal */
export interface HostRecord { readonly entry: Entry; readonly ports: HostPort[] }

/** A ServiceEntry wildcard host; `seq` orders them across scopes as they were declared. */
interface WildcardHost { readonly seq: number; readonly record: HostRecord }

/**
 * Every object indexed once (by kind, namespace/name, host, pod labels), so each check is a
 * linear pass with map look-ups instead of a scan per object.
 * @internal
 */
export class MeshIndex {
  public readonly entries: Entry[] = [];
  public readonly findings: Finding[] = [];
  /**
   * The object each finding is about: objects can share a resource name (duplicates), and a finding's
   * suppress annotation and source line are those of its own object, not of another with that name.
   */
  public readonly entryOf = new WeakMap<Finding, Entry>();
  public readonly namespaces = new Map<string, Entry>();
  public readonly workloads: Workload[] = [];
  /** The mesh configuration (see `readMeshSettings`); Istio's defaults until it is read. */
  public mesh: MeshSettings = { meshConfigs: [] };
  /**
   * Whether Pods are running pods, as `istioctl analyze` reads them (false for manifests being
   * synthesized, which the injector still mutates when they are applied).
   */
  public livePods = true;
  /** Objects that share a kind, namespace and name with an earlier one (those names only), in input order. */
  public readonly sameName = new Map<string, Entry[]>();
  private readonly byKind = new Map<string, Entry[]>();
  private readonly byKey = new Map<string, Entry>();
  private readonly byKindNs = new Map<string, Map<string, Entry[]>>();
  private readonly workloadsByNs = new Map<string, Workload[]>();
  /** `label=value` and `namespace/label=value` → workloads carrying it, for selector look-ups. */
  private readonly workloadsByLabel = new Map<string, Workload[]>();
  /** Answers of `selectWorkloads`, by namespace (undefined: all) and selector: many objects share a selector (`version: v1`). */
  private readonly selections = new Map<string | undefined, Map<string, readonly Workload[]>>();
  private readonly byService = new Map<Entry, readonly Workload[]>();
  private servicesByWorkload?: Map<Workload, Entry[]>;
  /** `scope/fqdn` → Services and ServiceEntries exporting that host to that scope (`*` or a namespace). */
  private readonly hosts = new Map<string, HostRecord>();
  /** ServiceEntry wildcard hosts (`*.example.com`), by scope. */
  private readonly wildcardHosts = new Map<string, HostIndex<WildcardHost>>();
  private wildcardCount = 0;

  /**
   * `istioNamespace`: where istiod runs and reads its mesh ConfigMaps (the root namespace unless
   * the installation separates them).
   */
  constructor(sources: Source[], public readonly rootNamespace: string, public readonly istioNamespace: string = rootNamespace) {
    for (const source of sources) {
      const obj = source.obj;
      if (!obj || typeof obj !== 'object' || typeof obj.kind !== 'string') continue;
      const meta = isPlainObject(obj.metadata) ? obj.metadata : NONE;
      const namespace = CLUSTER_SCOPED.has(obj.kind) ? '' : String(meta.namespace ?? 'default');
      const name = String(meta.name ?? '');
      // Gateway API kinds share names with Istio's (Gateway): they are indexed under their group.
      const kind = String(obj.apiVersion).startsWith('gateway.networking.k8s.io/') ? `gateway.networking.k8s.io/${obj.kind}` : obj.kind;
      const entry = new IndexedEntry(source, kind, name, namespace, meta);
      this.entries.push(entry);
      push(this.byKind, entry.kind, entry);
      const key = `${entry.kind}/${namespace}/${name}`;
      const earlier = this.byKey.get(key);
      if (earlier) this.sameName.set(key, [...(this.sameName.get(key) ?? [earlier]), entry]);
      this.byKey.set(key, entry);
      if (entry.kind === 'Namespace') this.namespaces.set(name, entry);
    }
  }

  /**
   * Indexes workloads, Services and ServiceEntries for the cross-object checks. It reads the
   * objects in the shapes of their schemas, so it can stop on a malformed one (see `run`).
   */
  public link(): void {
    for (const e of this.entries) this.indexWorkload(e);
    for (const e of this.of('Service')) this.indexService(e);
    for (const e of this.of('ServiceEntry')) this.indexServiceEntry(e);
  }

  /** Whether a namespace exists: synthesized, built into every cluster, or the root namespace. */
  public namespaceExists(name: string): boolean {
    return this.namespaces.has(name) || BUILT_IN_NAMESPACES.has(name) || name === this.rootNamespace;
  }

  /** Whether a synthesized Namespace is in ambient mode (see `hasAmbientLabel`). */
  public isAmbientNamespace(name: string): boolean {
    return hasAmbientLabel(this.namespaces.get(name)?.labels);
  }

  /** Objects of a kind, in input order. */
  public of(kind: string): Entry[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Objects of a kind in a namespace, in input order. */
  public inNamespace(kind: string, namespace: string): Entry[] {
    let byNamespace = this.byKindNs.get(kind);
    if (!byNamespace) {
      this.byKindNs.set(kind, byNamespace = new Map());
      for (const e of this.of(kind)) push(byNamespace, e.namespace, e);
    }
    return byNamespace.get(namespace) ?? [];
  }

  /** The object of this kind, namespace and name. */
  public get(kind: string, namespace: string, name: string): Entry | undefined {
    return this.byKey.get(`${kind}/${namespace}/${name}`);
  }

  /** Records a finding on an object. */
  public report(entry: Entry, code: string, severity: Severity, message: string, fix: string): void {
    if (entry.assumed) return;
    this.add(entry, { code, severity, message, fix, resource: entry.resource, path: entry.path, file: entry.file });
  }

  /** Records a finding about an object (see `entryOf`). */
  public add(entry: Entry, finding: Finding): void {
    this.entryOf.set(finding, entry);
    this.findings.push(finding);
  }

  /**
   * Workloads in `namespace` (or anywhere when undefined) whose pod labels contain `selector`, in
   * input order. A selector costs the size of its rarest label's workloads in that scope, once.
   */
  public selectWorkloads(selector: Record<string, string> | undefined, namespace?: string): readonly Workload[] {
    const pairs = Object.entries(selector ?? {});
    // Only string values are remembered (`===` on other values is not a matter of their text), by a
    // text that tells selectors apart: `<length of key>:<key><value>` for one label, else JSON.
    const key = !pairs.every(([, v]) => typeof v === 'string') ? undefined
      : pairs.length === 1 ? `${pairs[0][0].length}:${pairs[0][0]}${pairs[0][1]}` : JSON.stringify(pairs.sort(([a], [b]) => (a < b ? -1 : 1)));
    let selections = this.selections.get(namespace);
    if (!selections) this.selections.set(namespace, selections = new Map());
    let selected = key === undefined ? undefined : selections.get(key);
    if (!selected) {
      // Start from the rarest label in the scope, so a selector costs the size of its smallest match set.
      const scope = namespace === undefined ? '' : `${namespace}/`;
      const candidates = pairs.length === 0
        ? (namespace === undefined ? this.workloads : this.workloadsByNs.get(namespace) ?? [])
        : pairs.map(([k, v]) => this.workloadsByLabel.get(`${scope}${k}=${v}`) ?? []).reduce((a, b) => (b.length < a.length ? b : a));
      selected = candidates.filter((w) => (namespace === undefined || w.namespace === namespace) && matchesLabels(selector, w.labels));
      if (key !== undefined) selections.set(key, selected);
    }
    return selected;
  }

  /** Workloads a Service's selector picks (same namespace, non-empty selector). */
  public serviceWorkloads(service: Entry): readonly Workload[] {
    let selected = this.byService.get(service);
    if (!selected) {
      const selector = service.spec.selector;
      selected = !selector || Object.keys(selector).length === 0 ? [] : this.selectWorkloads(selector, service.namespace);
      this.byService.set(service, selected);
    }
    return selected;
  }

  /** The Services whose selector picks a workload, in input order. */
  public workloadServices(workload: Workload): Entry[] {
    if (!this.servicesByWorkload) {
      this.servicesByWorkload = new Map();
      for (const svc of this.of('Service')) for (const w of this.serviceWorkloads(svc)) push(this.servicesByWorkload, w, svc);
    }
    return this.servicesByWorkload.get(workload) ?? [];
  }

  /**
   * Istio's destination look-up (`GetDestinationHost`): the Service or ServiceEntry a host
   * refers to from `namespace`, honouring exportTo.
   */
  public lookupHost(namespace: string, exportTo: string[] | undefined, host: string): HostRecord | undefined {
    const fqdn = toFqdn(namespace, host);
    const found = this.hosts.get(`*/${fqdn}`);
    if (found) return found;
    const scopes = exportTo?.length ? exportTo.map((s) => (s === '.' ? namespace : s)) : [namespace];
    for (const scope of scopes) {
      const scoped = this.hosts.get(`${scope}/${fqdn}`);
      if (scoped) return scoped;
    }
    const bare = fqdn.startsWith('*') ? fqdn.slice(1) : fqdn;
    const global = this.wildcardHosts.get('*')?.firstCovering(bare);
    const local = this.wildcardHosts.get(namespace)?.firstCovering(bare);
    return (global && local ? (global.seq < local.seq ? global : local) : global ?? local)?.record;
  }

  private indexWorkload(entry: Entry): void {
    let template: any;
    if (entry.kind === 'Pod') {
      template = entry.obj;
    } else {
      const path = POD_TEMPLATE_PATHS[entry.kind];
      if (!path) return;
      template = path.reduce((o, k) => o?.[k], entry.obj);
    }
    if (!template) return;
    const labels: Record<string, string> = template.metadata?.labels ?? {};
    const annotations: Record<string, string> = template.metadata?.annotations ?? {};
    const podSpec = template.spec ?? {};
    const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
    const hasProxy = proxyImage(podSpec) !== undefined;
    // Istio's test ignores `istio.io/rev` namespaces (a false positive on revision-labelled and
    // managed ASM namespaces); the injector does not, so neither do we.
    const nsLabels = this.namespaces.get(entry.namespace)?.labels ?? {};
    const nsInjected = nsLabels['istio-injection'] === 'enabled' || (!!nsLabels['istio.io/rev'] && nsLabels['istio-injection'] !== 'disabled');
    // The injector's object selector: a pod labelled `istio.io/rev` in a namespace without injection labels.
    const podRevision = !!labels['istio.io/rev'] && nsLabels['istio-injection'] === undefined && nsLabels['istio.io/rev'] === undefined;
    const inMesh = hasProxy || inject === 'true' || (inject !== 'false' && (nsInjected || podRevision));
    const workload: Workload = { entry, namespace: entry.namespace, labels, annotations, podSpec, inMesh };
    this.workloads.push(workload);
    push(this.workloadsByNs, entry.namespace, workload);
    for (const [k, v] of Object.entries(labels)) {
      push(this.workloadsByLabel, `${k}=${v}`, workload);
      push(this.workloadsByLabel, `${entry.namespace}/${k}=${v}`, workload);
    }
  }

  private indexService(entry: Entry): void {
    const exportTo = entry.annotations['networking.istio.io/exportTo'];
    const scopes = exportTo ? exportTo.split(',').map((s) => s.trim()).map((s) => (s === '.' ? entry.namespace : s)) : ['*'];
    const ports = (entry.spec.ports ?? []).map((p: any) => ({ number: p?.port, name: p?.name, protocol: p?.protocol }));
    const fqdn = `${entry.name}.${entry.namespace}.svc.cluster.local`;
    for (const scope of scopes) this.hosts.set(`${scope}/${fqdn}`, { entry, ports });
  }

  private indexServiceEntry(entry: Entry): void {
    const exportTo: string[] = entry.spec.exportTo ?? [];
    const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : exportTo.map((s) => (s === '.' ? entry.namespace : s));
    const record = { entry, ports: entry.spec.ports ?? [] };
    for (const host of entry.spec.hosts ?? []) {
      if (typeof host !== 'string') continue;
      for (const scope of scopes) {
        this.hosts.set(`${scope}/${host}`, record);
        if (host.startsWith('*')) {
          let wildcards = this.wildcardHosts.get(scope);
          if (!wildcards) this.wildcardHosts.set(scope, wildcards = new HostIndex());
          wildcards.add(host, { seq: this.wildcardCount++, record });
        }
      }
    }
  }
}

/** Whether `istioctl analyze` leaves a namespace's objects out (kube-system, kube-public, ...). */
export function isSystemNamespace(namespace: string): boolean {
  return SYSTEM_NAMESPACES.has(namespace);
}

/** The image of a pod's `istio-proxy` container (a native sidecar is an init container), if it has one with an image. */
export function proxyImage(podSpec: any): string | undefined {
  const proxy = (podSpec.containers ?? []).find(isProxy) ?? (podSpec.initContainers ?? []).find(isProxy);
  return proxy?.image ? String(proxy.image) : undefined;
}

function isProxy(c: any): boolean {
  return c?.name === 'istio-proxy';
}

/** Istio's `ConvertHostToFQDN`: a short name (no dot, no wildcard) is a Service in `namespace`. */
export function toFqdn(namespace: string, host: string): string {
  return host.includes('.') || host.startsWith('*') ? host : `${host}.${namespace}.svc.cluster.local`;
}

/**
 * Hosts to items: the stored hosts that match a host by `hostMatches` (a wildcard on either side),
 * at a cost set by the host and the answer, not by how many hosts are stored.
 * @internal
 */
export class HostIndex<T> {
  private readonly items: T[] = [];
  /** Host → ids, for hosts without a wildcard. */
  private readonly exact = new Map<string, number[]>();
  /** Wildcard suffix (the host without its `*`) → ids, and the lengths of those suffixes. */
  private readonly suffixes = new Map<string, number[]>();
  private readonly lengths = new Set<number>();
  /** Every host (a wildcard by its suffix) reversed and sorted: the hosts that end with a text are a range. */
  private reversed?: SortedTexts<number>;
  private readonly texts: string[] = [];

  /** Stores an item under a host, after those stored before. */
  public add(host: string, item: T): void {
    const id = this.items.length;
    this.items.push(item);
    const wildcard = host.startsWith('*');
    this.texts.push(wildcard ? host.slice(1) : host);
    if (wildcard) {
      push(this.suffixes, host.slice(1), id);
      this.lengths.add(host.length - 1);
    } else {
      push(this.exact, host, id);
    }
    this.reversed = undefined;
  }

  /** The items whose host matches `host`, in the order they were stored. */
  public matching(host: string): T[] {
    const ids = new Set<number>();
    if (host.startsWith('*')) {
      // Either wildcard's suffix ends with the other's, or a plain host ends with the suffix.
      for (const id of this.endingWith(host.slice(1))) ids.add(id);
      this.covering(host.slice(1), (id) => ids.add(id));
    } else {
      for (const id of this.exact.get(host) ?? []) ids.add(id);
      this.covering(host, (id) => ids.add(id));
    }
    return [...ids].sort((a, b) => a - b).map((id) => this.items[id]);
  }

  /** Whether some stored host matches `host` (`matching(host).length > 0`, without listing them). */
  public has(host: string): boolean {
    if (host.startsWith('*')) return this.endingWith(host.slice(1), 1).length > 0 || this.firstCovering(host.slice(1)) !== undefined;
    return this.exact.has(host) || this.firstCovering(host) !== undefined;
  }

  /** The first stored wildcard whose suffix `name` ends with (`name` read as plain text). */
  public firstCovering(name: string): T | undefined {
    let first: number | undefined;
    for (const length of this.lengths) {
      const ids = length <= name.length ? this.suffixes.get(name.slice(name.length - length)) : undefined;
      if (ids && (first === undefined || ids[0] < first)) first = ids[0];
    }
    return first === undefined ? undefined : this.items[first];
  }

  /** Calls `found` with each stored wildcard whose suffix `name` ends with. */
  private covering(name: string, found: (id: number) => void): void {
    for (const length of this.lengths) {
      if (length > name.length) continue;
      for (const id of this.suffixes.get(name.slice(name.length - length)) ?? []) found(id);
    }
  }

  /** The ids of hosts (wildcards by their suffix) that end with `text` (at most `limit`). */
  private endingWith(text: string, limit = Infinity): number[] {
    this.reversed ??= new SortedTexts(this.texts.map((t, id) => ({ text: reverse(t), item: id })));
    return this.reversed.startingWith(reverse(text), limit);
  }
}

/**
 * Texts sorted once, so that those starting with a prefix are a range found by binary search.
 * @internal
 */
export class SortedTexts<T> {
  private readonly sorted: { text: string; item: T }[];

  constructor(entries: { text: string; item: T }[]) {
    this.sorted = [...entries].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  }

  /** The items whose text starts with `prefix` (at most `limit`), in text order (input order among equal texts). */
  public startingWith(prefix: string, limit = Infinity): T[] {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.sorted[mid].text < prefix) lo = mid + 1; else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < this.sorted.length && out.length < limit && this.sorted[i].text.startsWith(prefix); i++) out.push(this.sorted[i].item);
    return out;
  }
}

/** A string's UTF-16 code units in reverse order (`endsWith` becomes `startsWith`). */
export function reverse(s: string): string {
  return s.split('').reverse().join('');
}

/** Whether every `selector` label is in `labels` (an empty selector matches everything). */
export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether `selector` has at least one label. */
export function hasLabels(selector: Record<string, string> | undefined): selector is Record<string, string> {
  return !!selector && Object.keys(selector).length > 0;
}

/** `k=v,k2=v2` with sorted keys (Kubernetes' `labels.SelectorFromSet(...).String()`). */
export function selectorKey(selector: Record<string, string> | undefined): string {
  return Object.keys(selector ?? {}).sort().map((k) => `${k}=${selector![k]}`).join(',');
}

/** The namespace or pod label that selects the data plane; `ambient` puts workloads on ztunnel (and waypoints). */
export const DATAPLANE_MODE = 'istio.io/dataplane-mode';

/** Whether labels ask for ambient mode (the label Istio's and Kiali's ambient checks read). */
export function hasAmbientLabel(labels: Record<string, string> | undefined): boolean {
  return labels?.[DATAPLANE_MODE] === 'ambient';
}

/** Appends to a list in a map of lists. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}
