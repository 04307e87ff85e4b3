// Renders the pod template of a workload this library creates, as the plain `k8s` L1 structs
// (cdk8s-plus workloads cost about twice as much to synthesize). The options speak cdk8s-plus's
// vocabulary; its `Volume`, `Probe`, `EnvFrom`, `NodeTaintQuery` and `NodeLabelQuery` render
// themselves through their `_toKube()`, the one place this library relies on cdk8s-plus internals
// (test/workload-options.test.ts pins what they render).
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Cpu, k8s } from 'cdk8s-plus-34';
import { kubeResources, storageQuantity } from './resources';
import { ContainerOptions, PodPlacement, SpreadPolicy, VolumeClaimTemplate, WorkloadOptions } from './workload-options';
import { checkDnsLabel, checkLabels, checkRange, sortedRecord } from '../core/names';

/**
 * How long Kubernetes lets a created pod terminate before it kills its containers (Kubernetes' default).
 * @internal
 */
export const TERMINATION_GRACE_SECONDS = 30;

/** An application container's defaults: requests 100m / 128Mi, limits 500m / 512Mi. */
const APP_RESOURCES = {
  cpuRequest: Cpu.millis(100),
  cpuLimit: Cpu.millis(500),
  memoryRequest: Size.mebibytes(128),
  memoryLimit: Size.mebibytes(512),
};

/** What a pod template is built from. @internal */
export interface PodTemplateInput {
  /** Prefix of error messages (the construct path, and the version). */
  readonly where: string;
  readonly namespace: string;
  /** Name of the application container. */
  readonly containerName: string;
  readonly image: string;
  /** The Service's target ports, which the container exposes. */
  readonly ports: number[];
  /** Labels of the pods (selector labels); `podLabels` add to them. */
  readonly labels: Record<string, string>;
  /** Annotations the library sets on the pods (sidecar); `podAnnotations` add to them. */
  readonly annotations: Record<string, string>;
  readonly serviceAccountName: string;
  readonly options: WorkloadOptions;
}

/**
 * The pod template for `input`; throws, naming `input.where` and the fix, on options that would
 * not run as meant (malformed image, a path mounted twice, two volumes of one name, a probe on a
 * port the container does not expose…).
 * @internal
 */
export function renderPodTemplate(input: PodTemplateInput): k8s.PodTemplateSpec {
  const { where, options: o } = input;
  const volumes = new Map<string, kplus.Volume>();
  const addVolume = (v: kplus.Volume) => {
    const other = volumes.get(v.name);
    if (other && other !== v) {
      throw new Error(`${where}: two volumes are named "${v.name}" (${other.node.path} and ${v.node.path}): a pod's volumes need distinct names`);
    }
    volumes.set(v.name, v);
  };
  o.volumes?.forEach(addVolume);
  const claims = o.volumeClaimTemplates ?? [];

  const ports = [...new Set(input.ports)];
  const portNames = new Set<string>();
  const extraPorts = (o.containerPorts ?? []).map((p) => {
    checkRange(where, 'containerPorts number', p.number, 1, 65535);
    if (ports.includes(p.number)) throw new Error(`${where}: containerPorts lists ${p.number}, which is a Service target port already: remove it from containerPorts`);
    if (p.name !== undefined) {
      // The API server wants an IANA service name, unique in the pod.
      if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(p.name) || p.name.length > 15 || p.name.includes('--') || !/[a-z]/.test(p.name)) {
        throw new Error(`${where}: containerPorts name "${p.name}" is not a port name the API server takes: use at most 15 lowercase letters, digits and '-', with a letter`);
      }
      if (portNames.has(p.name)) throw new Error(`${where}: containerPorts name "${p.name}" appears twice: give each port its own name`);
      portNames.add(p.name);
    }
    return p;
  });
  const exposed = [...ports, ...extraPorts.map((p) => p.number)];

  // Added to the fresh object: `{ ...rendered, ports }` would give every container a hidden class of its own in V8.
  const container: k8s.Container = Object.assign(renderContainer(where, input.containerName, input.image, o, addVolume, claims), {
    ports: [
      ...ports.map((containerPort) => ({ containerPort })),
      ...extraPorts.map((p) => ({ containerPort: p.number, name: p.name, protocol: p.protocol, hostIp: p.hostIp, hostPort: p.hostPort })),
    ],
    livenessProbe: o.liveness && renderProbe(where, 'liveness', o.liveness, exposed),
    readinessProbe: o.readiness && renderProbe(where, 'readiness', o.readiness, exposed),
    startupProbe: o.startup && renderProbe(where, 'startup', o.startup, exposed),
  });
  const names = new Set([input.containerName]);
  const initContainers = o.initContainers?.map((c) => {
    checkDnsLabel(where, 'init container name', c.name);
    if (names.has(c.name)) throw new Error(`${where}: two containers are named "${c.name}": give each init container its own name`);
    names.add(c.name);
    return renderContainer(where, c.name, c.image, c, addVolume, []);
  });
  for (const claim of claims) {
    if (volumes.has(claim.name)) throw new Error(`${where}: volume "${claim.name}" and volumeClaimTemplates "${claim.name}" share a name: rename one`);
  }

  const labels = mergeOwn(where, 'podLabels', input.labels, o.podLabels);
  const annotations = mergeOwn(where, 'podAnnotations', input.annotations, o.podAnnotations, 'set it through `sidecar`');
  const psc = o.podSecurityContext ?? {};
  const scheduling = o.scheduling ?? {};
  return {
    metadata: { labels, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: false,
      initContainers,
      containers: [container],
      volumes: volumes.size ? [...volumes.values()].map((v) => v._toKube()) : undefined,
      imagePullSecrets: o.imagePullSecrets?.map((s) => ({ name: s.name })),
      securityContext: {
        fsGroupChangePolicy: psc.fsGroupChangePolicy ?? 'Always',
        runAsNonRoot: psc.ensureNonRoot ?? true,
        runAsUser: psc.user,
        runAsGroup: psc.group,
        fsGroup: psc.fsGroup,
        sysctls: psc.sysctls?.map((s) => ({ name: s.name, value: s.value })),
      },
      nodeSelector: scheduling.nodeSelector && sortedRecord(checkLabels(where, 'scheduling.nodeSelector', scheduling.nodeSelector)),
      tolerations: scheduling.tolerations?.map((t) => t._toKube()),
      affinity: renderAffinity(where, input.namespace, input.labels, o),
      topologySpreadConstraints: scheduling.spread?.map((s) => ({
        maxSkew: checkRange(where, 'scheduling.spread maxSkew', s.maxSkew ?? 1, 1, 10_000),
        topologyKey: s.topology.key,
        whenUnsatisfiable: s.whenUnsatisfiable ?? SpreadPolicy.SCHEDULE_ANYWAY,
        labelSelector: { matchLabels: input.labels },
      })),
      dnsPolicy: 'ClusterFirst',
      hostNetwork: false,
      restartPolicy: 'Always',
      setHostnameAsFqdn: false,
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    },
  };
}

/**
 * The PersistentVolumeClaim templates of a StatefulSet. Only the name and spec: whatever else
 * they carried could never change.
 * @internal
 */
export function renderClaimTemplates(where: string, claims: VolumeClaimTemplate[]): k8s.KubePersistentVolumeClaimProps[] | undefined {
  if (claims.length === 0) return undefined;
  return claims.map((c) => ({
    metadata: { name: checkDnsLabel(where, 'volumeClaimTemplates name', c.name) },
    spec: {
      accessModes: c.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storageClassName: c.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(storageQuantity(c.storage)) } },
    },
  }));
}

/** A container: image, command, env, mounts, resources, hardening. */
function renderContainer(
  where: string, name: string, image: string, o: ContainerOptions, addVolume: (v: kplus.Volume) => void, claims: VolumeClaimTemplate[],
): k8s.Container {
  const what = `${where}: container "${name}"`;
  checkImage(what, image);
  const mounts = new Map<string, string>();
  const mount = (path: string, volume: string) => {
    if (!path.startsWith('/')) throw new Error(`${what} mounts volume "${volume}" at "${path}", which is not an absolute path: start it with '/'`);
    const other = mounts.get(path);
    if (other !== undefined) {
      throw new Error(`${what} mounts ${other === volume ? `volume "${volume}" twice` : `volumes "${other}" and "${volume}"`} at "${path}": mount one volume per path`);
    }
    mounts.set(path, volume);
  };
  const volumeMounts: k8s.VolumeMount[] = (o.volumeMounts ?? []).map((m) => {
    mount(m.path, m.volume.name);
    checkSubPath(what, m);
    addVolume(m.volume);
    return {
      name: m.volume.name, mountPath: m.path, readOnly: m.readOnly, subPath: m.subPath, subPathExpr: m.subPathExpr, mountPropagation: m.propagation,
    };
  });
  for (const c of claims) {
    mount(c.mountPath, c.name);
    volumeMounts.push({ name: c.name, mountPath: c.mountPath });
  }
  const sc = o.securityContext ?? {};
  return {
    name,
    image,
    imagePullPolicy: o.imagePullPolicy ?? defaultPullPolicy(image),
    command: o.command && nonEmpty(what, 'command', o.command),
    args: o.args,
    env: renderEnv(what, o),
    envFrom: o.envFrom?.map((e) => e._toKube()),
    volumeMounts: volumeMounts.length ? volumeMounts : undefined,
    resources: kubeResources(`${what}: resources`, o.resources, APP_RESOURCES),
    securityContext: {
      allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
      privileged: sc.privileged ?? false,
      readOnlyRootFilesystem: sc.readOnlyRootFilesystem ?? true,
      runAsNonRoot: sc.ensureNonRoot ?? true,
      runAsUser: sc.user,
      runAsGroup: sc.group,
      capabilities: sc.capabilities && { add: sc.capabilities.add, drop: sc.capabilities.drop },
      seccompProfile: sc.seccompProfile && { type: sc.seccompProfile.type, localhostProfile: sc.seccompProfile.localhostProfile },
    },
  };
}

function renderEnv(what: string, o: ContainerOptions): k8s.EnvVar[] | undefined {
  const env: Record<string, k8s.EnvVar> = {};
  for (const [name, value] of Object.entries(o.env ?? {})) env[name] = { name, value };
  for (const [name, value] of Object.entries(o.envVariables ?? {})) {
    if (name in env) throw new Error(`${what}: environment variable ${name} is in both \`env\` and \`envVariables\`: set it in one`);
    env[name] = { name, value: value.value, valueFrom: value.valueFrom };
  }
  const names = Object.keys(env).sort();
  for (const name of names) {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) throw new Error(`${what}: "${name}" is not a valid environment variable name: use letters, digits, '_', '-' and '.', not starting with a digit`);
  }
  return names.length ? names.map((n) => env[n]) : undefined;
}

/** A probe; its port (httpGet, tcpSocket, grpc) must be one the container exposes. */
function renderProbe(where: string, kind: string, probe: kplus.Probe, exposed: number[]): k8s.Probe {
  // The port a probe defaults to: the container's first port.
  const rendered = probe._toKube({ portNumber: exposed[0] } as unknown as kplus.Container);
  if (kind !== 'readiness' && rendered.successThreshold !== undefined && rendered.successThreshold !== 1) {
    throw new Error(`${where}: the ${kind} probe's successThreshold is ${rendered.successThreshold}, which the API server refuses (it must be 1 for liveness and startup probes): omit it`);
  }
  const port = rendered.httpGet?.port.value ?? rendered.tcpSocket?.port.value ?? rendered.grpc?.port;
  if (port !== undefined && !exposed.includes(Number(port))) {
    throw new Error(`${where}: the ${kind} probe checks port ${port}, which the container does not expose (its ports: ${exposed.join(', ') || 'none'}): `
      + 'probe one of them, or add the port to `containerPorts`');
  }
  return rendered;
}

function renderAffinity(where: string, namespace: string, ownLabels: Record<string, string>, o: WorkloadOptions): k8s.Affinity | undefined {
  const s = o.scheduling ?? {};
  const weight = (w: number) => checkRange(where, 'scheduling weight', w, 1, 100);
  const required = (s.attract ?? []).filter((a) => a.weight === undefined);
  const preferred = (s.attract ?? []).filter((a) => a.weight !== undefined);
  const terms = (a: { node: kplus.LabeledNode }) => ({ matchExpressions: a.node.labelSelector.map((q) => q._toKube()) });
  const nodeAffinity: k8s.NodeAffinity | undefined = required.length || preferred.length ? {
    requiredDuringSchedulingIgnoredDuringExecution: required.length ? { nodeSelectorTerms: required.map(terms) } : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: preferred.length
      ? preferred.map((a) => ({ weight: weight(a.weight!), preference: terms(a) }))
      : undefined,
  } : undefined;
  const pods = (placements: PodPlacement[] | undefined) => {
    if (!placements?.length) return undefined;
    const term = (p: PodPlacement): k8s.PodAffinityTerm => ({
      labelSelector: { matchLabels: p.service?.selectorLabels ?? ownLabels },
      namespaces: p.service && p.service.namespace.name !== namespace ? [p.service.namespace.name] : undefined,
      topologyKey: (p.topology ?? kplus.Topology.HOSTNAME).key,
    });
    const req = placements.filter((p) => p.weight === undefined);
    const pref = placements.filter((p) => p.weight !== undefined);
    return {
      requiredDuringSchedulingIgnoredDuringExecution: req.length ? req.map(term) : undefined,
      preferredDuringSchedulingIgnoredDuringExecution: pref.length
        ? pref.map((p) => ({ weight: weight(p.weight!), podAffinityTerm: term(p) }))
        : undefined,
    };
  };
  const podAffinity = pods(s.colocate);
  const podAntiAffinity = pods(s.separate);
  return nodeAffinity || podAffinity || podAntiAffinity ? { nodeAffinity, podAffinity, podAntiAffinity } : undefined;
}

/** The library's labels or annotations plus the user's; the user's may not change the library's. */
function mergeOwn(where: string, what: string, own: Record<string, string>, extra: Record<string, string> | undefined, fix = 'remove it'): Record<string, string> {
  if (!extra) return own;
  checkLabels(where, what, extra, what.endsWith('Annotations'));
  for (const k of Object.keys(extra)) {
    if (k in own && own[k] !== extra[k]) throw new Error(`${where}: ${what} sets ${k}, which the library sets to "${own[k]}": ${fix}`);
  }
  return sortedRecord({ ...own, ...extra });
}

function nonEmpty(what: string, field: string, list: string[]): string[] {
  if (list.length === 0) throw new Error(`${what}: \`${field}\` is empty: omit it to keep the image's`);
  return list;
}

/** A container image reference: `[registry[:port]/]path[:tag][@algorithm:digest]` (the distribution reference grammar). */
const IMAGE = (() => {
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  const domain = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?';
  const tag = '[\\w][\\w.-]{0,127}';
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
  return new RegExp(`^(?:${domain}/)?${component}(?:/${component})*(?::${tag})?(?:@${digest})?$`);
})();

/**
 * Throws, naming `what`, unless `image` is a well-formed image reference.
 * @internal
 */
export function checkImage(what: string, image: string): string {
  if (typeof image !== 'string' || image.trim() === '') {
    throw new Error(`${what}: the image is empty: give an image reference such as "registry.example.com/team/app:1.2.3"`);
  }
  if (!IMAGE.test(image) || image.split(/[:@]/)[0].length > 255) {
    throw new Error(`${what}: "${image}" is not a valid image reference: use [registry/]path[:tag][@sha256:digest] with a lowercase path, e.g. "registry.example.com/team/app:1.2.3"`);
  }
  return image;
}

/** The API server's rules for a mount's sub-path: one of the two, a relative path that stays inside the volume. */
function checkSubPath(what: string, m: kplus.VolumeMount) {
  if (m.subPath !== undefined && m.subPathExpr !== undefined) {
    throw new Error(`${what} mounts volume "${m.volume.name}" with both subPath and subPathExpr: the API server accepts one of them`);
  }
  const sub = m.subPath ?? m.subPathExpr;
  if (sub !== undefined && (sub.startsWith('/') || sub.split('/').includes('..'))) {
    throw new Error(`${what} mounts volume "${m.volume.name}" at sub-path "${sub}", which leaves the volume: use a relative path without '..'`);
  }
}

/** Kubernetes' default pull policy: Always for `:latest` or no tag and no digest, else IfNotPresent. */
function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * Every field of `WorkloadOptions` (the compiler checks that the list is complete).
 * @internal
 */
export const WORKLOAD_OPTION_FIELDS = Object.keys({
  command: 0,
  args: 0,
  env: 0,
  envVariables: 0,
  envFrom: 0,
  imagePullPolicy: 0,
  volumeMounts: 0,
  resources: 0,
  securityContext: 0,
  replicas: 0,
  autoscaling: 0,
  disruptionBudget: 0,
  containerPorts: 0,
  liveness: 0,
  readiness: 0,
  startup: 0,
  volumes: 0,
  volumeClaimTemplates: 0,
  initContainers: 0,
  imagePullSecrets: 0,
  podLabels: 0,
  podAnnotations: 0,
  podSecurityContext: 0,
  scheduling: 0,
} satisfies Record<keyof WorkloadOptions, 0>) as (keyof WorkloadOptions)[];

/**
 * The options of a version: the service's, with those the version sets replacing them (a version
 * that sets `replicas` or `autoscaling` replaces both).
 * @internal
 */
export function versionOptions(service: WorkloadOptions, version: WorkloadOptions): WorkloadOptions {
  const merged: Record<string, unknown> = {};
  const scaling = version.replicas !== undefined || version.autoscaling !== undefined;
  for (const field of WORKLOAD_OPTION_FIELDS) {
    const own = version[field];
    merged[field] = own !== undefined || (scaling && (field === 'replicas' || field === 'autoscaling')) ? own : service[field];
  }
  return merged as WorkloadOptions;
}
