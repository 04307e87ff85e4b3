import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ContainerResources } from './resources';
import { AutoscalingOptions, DisruptionBudget } from './scaling';
import type { IMeshNamespace } from '../platform/mesh-namespace';

/**
 * Settings of a container this library creates, in cdk8s-plus's vocabulary (`EnvValue`,
 * `VolumeMount`, `ImagePullPolicy`, `ContainerSecurityContextProps`).
 */
export interface ContainerOptions {
  /**
   * The entrypoint (replaces the image's `ENTRYPOINT`).
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments to the entrypoint (replace the image's `CMD`).
   * @default - the image's arguments
   */
  readonly args?: string[];
  /**
   * Environment variables with plain values.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Environment variables from Secrets, ConfigMaps, the pod's fields or its resources
   * (`EnvValue.fromSecretValue`, `fromConfigMap`, `fromFieldRef`, `fromResource`, `fromValue`).
   * A name may be in `env` or here, not both.
   * @default - none
   */
  readonly envVariables?: { [name: string]: kplus.EnvValue };
  /**
   * Every key of ConfigMaps or Secrets as environment variables (`Env.fromConfigMap`, `Env.fromSecret`).
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * When the kubelet pulls the image.
   * @default - Kubernetes' own rule, written out: `Always` for an image without a tag or digest
   * or with the tag `latest`, `IfNotPresent` otherwise
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Volumes mounted into the container (`Volume.fromEmptyDir`, `fromConfigMap`, `fromSecret`,
   * `fromPersistentVolumeClaim`…); each volume joins the pod. The root filesystem is read-only, so
   * whatever the application writes needs a mount (an emptyDir for `/tmp`).
   * @default - none
   */
  readonly volumeMounts?: kplus.VolumeMount[];
  /**
   * Compute resources.
   * @default - requests 100m CPU / 128Mi, limits 500m CPU / 512Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Changes to the container's hardening, field by field. Unset fields keep it: non-root
   * (`ensureNonRoot`), read-only root filesystem, no privilege escalation, not privileged.
   * @default - the hardening as described
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;
}

/** A container that runs to completion before the application starts. */
export interface InitContainer extends ContainerOptions {
  /** Container name (a DNS label, unique in the pod). */
  readonly name: string;
  /** Container image (`registry/path:tag` or `@sha256:…`). */
  readonly image: string;
}

/**
 * A PersistentVolumeClaim per pod of a StatefulSet (`volumeClaimTemplates`), mounted into the
 * application container. The API server never lets the templates of a StatefulSet change: choose
 * them once.
 */
export interface VolumeClaimTemplate {
  /** Name of the claim template (and of the volume in the pod). */
  readonly name: string;
  /** Where the application container mounts the volume. */
  readonly mountPath: string;
  /** Requested capacity. */
  readonly storage: Size;
  /**
   * Access modes.
   * @default [PersistentVolumeAccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];
  /**
   * Storage class.
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
}

/** How pods choose nodes: a required or, with a weight, preferred node affinity. */
export interface NodeAttraction {
  /** The node labels, all of which must hold (`Node.labeled(NodeLabelQuery.is(...), ...)`). */
  readonly node: kplus.LabeledNode;
  /**
   * Preference weight, 1–100.
   * @default - required: the pods run only on such nodes
   */
  readonly weight?: number;
}

/** Whether the scheduler may break a spread constraint. */
export enum SpreadPolicy {
  /** Place a pod even if the skew is exceeded (prefers balance). */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
  /** Leave a pod pending rather than exceed the skew. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
}

/** A workload's pods spread across a topology (zones, nodes): a topology spread constraint on its own pod labels. */
export interface TopologySpread {
  /** The topology (`Topology.ZONE`, `Topology.HOSTNAME`, `Topology.custom(key)`). */
  readonly topology: kplus.Topology;
  /**
   * Most pods one domain may have beyond the least loaded one.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * What the scheduler does when the skew would be exceeded.
   * @default SpreadPolicy.SCHEDULE_ANYWAY
   */
  readonly whenUnsatisfiable?: SpreadPolicy;
}

/** Pods of the mesh selected by labels in a namespace: a mesh service's pods (every `IMeshService` is one). */
export interface IMeshPods {
  /** The namespace of the pods. */
  readonly namespace: IMeshNamespace;
  /** Labels that select the pods (the Service's selector). */
  readonly selectorLabels: { [key: string]: string };
}

/** Pods placed relative to a mesh service's pods (pod affinity or anti-affinity). */
export interface PodPlacement {
  /**
   * The service whose pods (its selector labels, its namespace) this placement refers to.
   * @default - the workload's own pods (with `separate`: keep its replicas apart)
   */
  readonly service?: IMeshPods;
  /**
   * The domain: same node, same zone…
   * @default Topology.HOSTNAME
   */
  readonly topology?: kplus.Topology;
  /**
   * Preference weight, 1–100.
   * @default - required
   */
  readonly weight?: number;
}

/** Where the pods of a workload run. */
export interface WorkloadScheduling {
  /**
   * Labels a node must have (`nodeSelector`).
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Node taints the pods tolerate (`NodeTaintQuery.is`, `exists`, `any`).
   * @default - none
   */
  readonly tolerations?: kplus.NodeTaintQuery[];
  /**
   * Nodes the pods are drawn to (node affinity); each required attraction is an alternative.
   * @default - none
   */
  readonly attract?: NodeAttraction[];
  /**
   * Run near a service's pods (pod affinity).
   * @default - none
   */
  readonly colocate?: PodPlacement[];
  /**
   * Run apart from a service's pods (pod anti-affinity); without `service`, the workload's
   * replicas keep apart from each other.
   * @default - none
   */
  readonly separate?: PodPlacement[];
  /**
   * Spread the pods across topology domains (topology spread constraints on their own labels).
   * @default - none
   */
  readonly spread?: TopologySpread[];
}

/**
 * Settings of a workload this library creates (a `MeshService` from an `image`, and each version
 * added with `addVersion(v, { image })`, which takes the service's and replaces those it sets).
 */
export interface WorkloadOptions extends ContainerOptions {
  /**
   * Number of pods (not with `autoscaling`).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler that owns the pod count (not with `replicas`).
   * @default - a fixed `replicas`
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * A PodDisruptionBudget on the workload's pods.
   * @default - none
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Container ports besides the Service's target ports (an admin or health port that only
   * probes and scrapers reach).
   * @default - none
   */
  readonly containerPorts?: kplus.ContainerPort[];
  /**
   * Liveness probe: the kubelet restarts the container when it fails. Its port must be a port of
   * the container (the default is the first Service target port).
   * @default - none
   */
  readonly liveness?: kplus.Probe;
  /**
   * Readiness probe: the pod receives traffic only while it succeeds.
   * @default - none
   */
  readonly readiness?: kplus.Probe;
  /**
   * Startup probe: liveness and readiness wait until it has succeeded once.
   * @default - none
   */
  readonly startup?: kplus.Probe;
  /**
   * Volumes of the pod that no container mounts through `volumeMounts` (volumes mounted there join
   * the pod by themselves).
   * @default - none
   */
  readonly volumes?: kplus.Volume[];
  /**
   * A PersistentVolumeClaim per pod (`WorkloadKind.STATEFUL_SET` only).
   * @default - none
   */
  readonly volumeClaimTemplates?: VolumeClaimTemplate[];
  /**
   * Containers that run to completion, in order, before the application starts. They start
   * before the Istio sidecar, so they cannot reach the network through the mesh.
   * @default - none
   */
  readonly initContainers?: InitContainer[];
  /**
   * Secrets with the registry credentials (`kubernetes.io/dockerconfigjson`) to pull the images.
   * @default - none
   */
  readonly imagePullSecrets?: kplus.ISecret[];
  /**
   * Extra labels on the pods (the `app` and `version` labels are the library's).
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Extra annotations on the pods (e.g. `prometheus.io/scrape`); the sidecar's annotations come from `sidecar`.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Changes to the pod's security context, field by field. Unset fields keep the defaults:
   * `runAsNonRoot` (`ensureNonRoot`) and `fsGroupChangePolicy: Always`.
   * @default - the defaults as described
   */
  readonly podSecurityContext?: kplus.PodSecurityContextProps;
  /**
   * Node selection, tolerations, affinity and topology spread.
   * @default - any node the scheduler picks
   */
  readonly scheduling?: WorkloadScheduling;
}

/** The kind of workload a `MeshService` created from an image runs. */
export enum WorkloadKind {
  /** A Deployment `<name>` / `<name>-<version>`. */
  DEPLOYMENT = 'Deployment',
  /**
   * A StatefulSet `<name>` / `<name>-<version>`, with stable pod names through a headless Service
   * `<name>-headless` and a PersistentVolumeClaim per pod (`volumeClaimTemplates`).
   */
  STATEFUL_SET = 'StatefulSet',
}
