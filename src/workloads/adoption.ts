import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isPlainObject } from '../core/json';

/**
 * Kinds whose pod template the mesh can amend, and why the others cannot be adopted. A controller that
 * keeps its running pods when the template changes (a ReplicaSet, `updateStrategy: OnDelete`) is adopted
 * too: its pods get the mesh's labels and sidecar as they are created or replaced.
 */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const REFUSED: Record<string, string> = {
  Pod: 'a bare Pod cannot be amended once it runs: adopt the Deployment, StatefulSet or DaemonSet that creates it',
  Job: "a Job's pod template is immutable and a sidecar keeps a Job's pod from completing: keep Jobs out of the mesh or give them a native sidecar by hand",
  CronJob: "the sidecar would keep each Job's pod from completing: keep CronJobs out of the mesh or give them a native sidecar by hand",
  Service: 'a Service is not a workload: pass the workload as `workload` and the Service as `service`',
};

/** A container port of a pod template. */
export interface ContainerPort {
  readonly containerPort: number;
  readonly name?: string;
  /** `TCP` unless the port says otherwise. */
  readonly protocol: string;
}

/**
 * What the mesh reads from a workload the app defines.
 * @internal
 */
export interface WorkloadView {
  readonly apiObject: ApiObject;
  readonly kind: string;
  readonly name: string;
  /** The namespace it renders with (`metadata.namespace`, the chart's by default), if any. */
  readonly namespace?: string;
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  /**
   * The pod annotations adoption requires: those `addToPodTemplate` added, and those the template already
   * had with the value it asked for. Synth compares only these after adoption (the app may change its own).
   */
  readonly meshAnnotations: Set<string>;
  /** `default` when the pod spec names none. */
  readonly serviceAccountName: string;
  readonly containerPorts: ContainerPort[];
  readonly hostNetwork: boolean;
  /** The pod's `terminationGracePeriodSeconds` (Kubernetes' default: 30). */
  readonly gracePeriodSeconds: number;
  /** A StatefulSet's governing Service (`spec.serviceName`). */
  readonly serviceName?: string;
  /**
   * The pod metadata of a cdk8s-plus workload, which merges what is added to it at render: labels and
   * annotations set there survive the user's later additions (a JSON patch would replace a map added later).
   */
  readonly podMetadata?: { addLabel(key: string, value: string): void; addAnnotation(key: string, value: string): void };
}

/**
 * What the mesh reads from a Service the app defines.
 * @internal
 */
export interface ServiceView {
  readonly apiObject: ApiObject;
  readonly name: string;
  readonly namespace?: string;
  readonly selector: Record<string, string>;
  readonly ports: { port: number; name?: string; appProtocol?: string; targetPort?: number | string; protocol?: string }[];
}

/**
 * The ApiObject behind `c`: an ApiObject itself (a `k8s` L1 object, an object of an `Include`)
 * or a construct whose default child is one (a cdk8s-plus resource of any major).
 * @internal
 */
export function apiObjectOf(scope: IConstruct, what: string, c: IConstruct): ApiObject {
  if (ApiObject.isApiObject(c)) return c;
  try {
    return ApiObject.of(c);
  } catch {
    throw new Error(`${scope.node.path}: ${what} ${c.node.path} is not a Kubernetes object: pass a cdk8s-plus workload, a \`k8s\` L1 object or an ApiObject of an Include (include.apiObjects)`);
  }
}

/** The object's JSON as it will be synthesized (JSON patches applied). */
function rendered(scope: IConstruct, what: string, obj: ApiObject): any {
  try {
    return obj.toJson();
  } catch (e) {
    throw new Error(`${scope.node.path}: ${what} ${obj.node.path} does not render yet (${(e as Error).message}): adopt it once it is configured`);
  }
}

/**
 * Reads a workload to adopt; throws for objects that are not workloads the mesh can amend.
 * @internal
 */
export function readWorkload(scope: IConstruct, c: IConstruct): WorkloadView {
  const apiObject = apiObjectOf(scope, 'workload', c);
  const json = rendered(scope, 'workload', apiObject);
  const kind = String(json.kind);
  const where = `${kind} ${apiObject.node.path}`;
  if (!POD_TEMPLATE_KINDS.has(kind)) {
    throw new Error(`${scope.node.path}: cannot adopt ${where}: ${REFUSED[kind] ?? 'it is not a workload: adopt a Deployment, StatefulSet, DaemonSet or ReplicaSet'}`);
  }
  const template = json.spec?.template;
  const podLabels = template?.metadata?.labels;
  if (!isPlainObject(podLabels) || Object.keys(podLabels).length === 0) {
    throw new Error(`${scope.node.path}: ${where} has a pod template without labels: give its pods labels (and select them in spec.selector) before adopting it`);
  }
  const podSpec = template.spec ?? {};
  const containers: any[] = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const podMetadata = (c as { podMetadata?: WorkloadView['podMetadata'] }).podMetadata;
  return {
    apiObject,
    kind,
    name: String(json.metadata?.name),
    namespace: json.metadata?.namespace,
    podLabels: { ...podLabels },
    podAnnotations: { ...(isPlainObject(template.metadata.annotations) ? template.metadata.annotations : {}) },
    meshAnnotations: new Set(),
    serviceAccountName: podSpec.serviceAccountName ?? podSpec.serviceAccount ?? 'default',
    containerPorts: containers.flatMap((ct) => (Array.isArray(ct?.ports) ? ct.ports : [])
      .map((p: any) => ({ containerPort: p.containerPort, name: p.name, protocol: p.protocol ?? 'TCP' }))),
    hostNetwork: podSpec.hostNetwork === true,
    gracePeriodSeconds: typeof podSpec.terminationGracePeriodSeconds === 'number' ? podSpec.terminationGracePeriodSeconds : 30,
    serviceName: kind === 'StatefulSet' ? json.spec?.serviceName : undefined,
    podMetadata: typeof podMetadata?.addLabel === 'function' && typeof podMetadata.addAnnotation === 'function' ? podMetadata : undefined,
  };
}

/**
 * Reads a Service to adopt.
 * @internal
 */
export function readService(scope: IConstruct, c: IConstruct): ServiceView {
  const apiObject = apiObjectOf(scope, 'service', c);
  const json = rendered(scope, 'service', apiObject);
  if (json.kind !== 'Service') {
    throw new Error(`${scope.node.path}: \`service\` ${apiObject.node.path} is a ${json.kind}, not a Service`);
  }
  const selector = json.spec?.selector;
  if (!isPlainObject(selector) || Object.keys(selector).length === 0) {
    throw new Error(`${scope.node.path}: Service ${apiObject.node.path} has no selector: a mesh service selects its pods by label; give it spec.selector`);
  }
  return {
    apiObject,
    name: String(json.metadata?.name),
    namespace: json.metadata?.namespace,
    selector: { ...selector },
    ports: Array.isArray(json.spec?.ports) ? json.spec.ports : [],
  };
}

/**
 * Sets labels or annotations that the pod template lacks (JSON patches: the object stays the app's).
 * @internal
 */
export function addToPodTemplate(w: WorkloadView, field: 'labels' | 'annotations', values: Record<string, string>): void {
  const existing = field === 'labels' ? w.podLabels : w.podAnnotations;
  const missing = Object.entries(values).filter(([k]) => !(k in existing));
  if (field === 'annotations') for (const [k, v] of Object.entries(values)) if (!(k in existing) || existing[k] === v) w.meshAnnotations.add(k);
  if (missing.length === 0) return;
  if (w.podMetadata) {
    for (const [k, v] of missing) (field === 'labels' ? w.podMetadata.addLabel(k, v) : w.podMetadata.addAnnotation(k, v));
  } else if (field === 'annotations' && Object.keys(existing).length === 0) {
    w.apiObject.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', Object.fromEntries(missing)));
  } else {
    for (const [k, v] of missing) w.apiObject.addJsonPatch(JsonPatch.add(`/spec/template/metadata/${field}/${pointer(k)}`, v));
  }
  for (const [k, v] of missing) existing[k] = v;
}

/** Per app (its root construct), the objects adoption moved into a namespace: one validation checks them all. */
const MOVED = new WeakMap<IConstruct, ApiObject[]>();

/**
 * Puts an object that renders without a namespace into `namespace`. The objects its pods use must
 * not stay behind: at synth, the chart of the first object moved fails if the app defines them without a namespace too.
 * @internal
 */
export function setNamespace(obj: ApiObject, namespace: string): void {
  obj.addJsonPatch(JsonPatch.add('/metadata/namespace', namespace));
  const root = obj.node.root;
  const moved = MOVED.get(root);
  if (moved) {
    moved.push(obj);
    return;
  }
  MOVED.set(root, [obj]);
  // Registered once per app and recomputed at each synth, so it sees the objects added since the last one.
  Chart.of(obj).node.addValidation({ validate: () => leftBehind(root, MOVED.get(root)!) });
}

/** Kinds a pod names by name, in its own namespace. */
const POD_REFERENCED_KINDS = new Set(['ServiceAccount', 'ConfigMap', 'Secret', 'PersistentVolumeClaim']);

/**
 * The objects of the app that render without a namespace and that pods name, by `Kind/name`. Read as they
 * render, so a namespace set by a JSON patch counts; only the kinds pods name are rendered.
 */
function namespaceless(root: IConstruct): Map<string, ApiObject> {
  const index = new Map<string, ApiObject>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || !POD_REFERENCED_KINDS.has(c.kind)) continue;
    let json: any;
    try {
      json = c.toJson();
    } catch {
      continue; // Synth reports what does not render.
    }
    if (json.metadata?.namespace === undefined) index.set(`${json.kind}/${json.metadata?.name}`, c);
  }
  return index;
}

/** The objects without a namespace that the pods of `moved` use: they would not land beside the pods. */
function leftBehind(root: IConstruct, moved: ApiObject[]): string[] {
  let index: Map<string, ApiObject> | undefined;
  return moved.flatMap((obj) => {
    const json = obj.toJson();
    const pod = json.spec?.template?.spec;
    if (!isPlainObject(pod)) return [];
    index ??= namespaceless(root);
    const behind = podReferences(pod).map((ref) => index!.get(ref)).filter((o): o is ApiObject => o !== undefined);
    return behind.length === 0 ? [] : [`${obj.kind} ${obj.node.path} renders without a namespace and was adopted into "${json.metadata?.namespace}", `
      + `but ${behind.map((o) => `${o.kind} ${o.node.path}`).join(', ')} that its pods use render without one too, so they would land in the namespace kubectl applies to, `
      + 'not beside the pods: set the namespace on the chart, or on each of these objects'];
  });
}

/** `Kind/name` of what a pod spec names: its ServiceAccount, and the ConfigMaps, Secrets and claims of its volumes and environment. */
function podReferences(pod: any): string[] {
  const refs = [`ServiceAccount/${pod.serviceAccountName ?? pod.serviceAccount ?? 'default'}`];
  for (const v of Array.isArray(pod.volumes) ? pod.volumes : []) {
    if (v?.configMap?.name) refs.push(`ConfigMap/${v.configMap.name}`);
    if (v?.secret?.secretName) refs.push(`Secret/${v.secret.secretName}`);
    if (v?.persistentVolumeClaim?.claimName) refs.push(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`);
  }
  for (const s of Array.isArray(pod.imagePullSecrets) ? pod.imagePullSecrets : []) if (s?.name) refs.push(`Secret/${s.name}`);
  const containers = [...Array.isArray(pod.containers) ? pod.containers : [], ...Array.isArray(pod.initContainers) ? pod.initContainers : []];
  for (const c of containers) {
    for (const f of Array.isArray(c?.envFrom) ? c.envFrom : []) {
      if (f?.configMapRef?.name) refs.push(`ConfigMap/${f.configMapRef.name}`);
      if (f?.secretRef?.name) refs.push(`Secret/${f.secretRef.name}`);
    }
    for (const e of Array.isArray(c?.env) ? c.env : []) {
      if (e?.valueFrom?.configMapKeyRef?.name) refs.push(`ConfigMap/${e.valueFrom.configMapKeyRef.name}`);
      if (e?.valueFrom?.secretKeyRef?.name) refs.push(`Secret/${e.valueFrom.secretKeyRef.name}`);
    }
  }
  return [...new Set(refs)];
}

/** A JSON pointer token (RFC 6901). */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Whether every selector label is among `labels`.
 * @internal
 */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * `k=v, …` for messages.
 * @internal
 */
export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}
