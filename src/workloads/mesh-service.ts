import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import { addToPodTemplate, labelText, readService, readWorkload, selects, setNamespace, WorkloadView } from './adoption';
import { IMeshService, MeshServiceBase, MeshServiceVersionOptions, recordCaller } from './mesh-service-base';
import { renderClaimTemplates, renderPodTemplate, TERMINATION_GRACE_SECONDS, versionOptions, WORKLOAD_OPTION_FIELDS } from './pod-template';
import { createScaling, resolveReplicas } from './scaling';
import { SidecarOptions, sidecarAnnotations } from './sidecar';
import { WorkloadKind, WorkloadOptions } from './workload-options';
import { assumeObjects } from '../analysis/assumed-objects';
import { checkEnum, checkNamespaceRef, checkProps } from '../core/check';
import { serviceHostNamespace } from '../core/hosts';
import { networking } from '../core/l1';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, checkServiceName, sortedRecord } from '../core/names';
import { MeshServicePort, ProtocolSelection, ResolvedMeshServicePort, resolveServicePorts, transport } from '../core/ports';
import { Protocol, protocolNamed, serviceProtocol } from '../core/protocol';
import type { Sidecar } from '../imports/networking.istio.io';
import { DataplaneMode, isAmbient } from '../platform/dataplane';
import { MeshConfigMap } from '../platform/mesh-config';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { IEgressTarget } from '../traffic/egress';
import { TrafficPolicyOptions } from '../traffic/traffic-policy';

/** Service account settings of a `MeshService` created from an image. */
export interface MeshServiceAccountOptions {
  /**
   * Service account name (it forms the workload's SPIFFE principal).
   * @default - `<service name>-sa`
   */
  readonly name?: string;
  /**
   * Google service account to impersonate through GKE Workload Identity
   * (annotation `iam.gke.io/gcp-service-account`).
   * @default - none
   */
  readonly gcpServiceAccount?: string;
  /**
   * Extra annotations on the ServiceAccount.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Extra labels on the ServiceAccount.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * Properties of a `MeshService`: either `workload` (adopt a workload the app defines) or `image`
 * (create a Deployment or StatefulSet). The `WorkloadOptions` (container, pod, scaling) apply to a
 * workload created from `image`.
 */
export interface MeshServiceProps extends WorkloadOptions {
  /** The mesh namespace the workload runs in. */
  readonly namespace: IMeshNamespace;
  /**
   * Adopt a workload the app already defines: a Deployment, StatefulSet, DaemonSet or ReplicaSet, as a
   * cdk8s-plus workload (of any cdk8s-plus major), a `k8s` L1 object, or an ApiObject of an `Include`
   * (`include.apiObjects`). The library adds what the mesh needs to its pod template (labels `app`
   * and `version` where missing, sidecar annotations) and never changes its selector. A ReplicaSet, or a
   * workload with `updateStrategy: OnDelete`, keeps its running pods when the template changes: they join
   * the mesh once they are deleted and created anew.
   * @default - set `image` to create a Deployment
   */
  readonly workload?: IConstruct;
  /**
   * Adopt the workload's existing Service (with `workload`) instead of creating one. Its port names
   * or `appProtocol` must carry each port's protocol.
   * @default - a ClusterIP Service named `name`, selecting `app: <app label>`
   */
  readonly service?: IConstruct;
  /**
   * Create a Deployment (or, with `workloadKind`, a StatefulSet) of this container image.
   * @default - set `workload` to adopt one
   */
  readonly image?: string;
  /**
   * The kind of workload created from `image`.
   * @default WorkloadKind.DEPLOYMENT
   */
  readonly workloadKind?: WorkloadKind;
  /**
   * Extra labels on every object this service writes (not on its pods: see `podLabels`).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations on every object this service writes (not on its pods: see `podAnnotations`).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Extra labels on the created Service.
   * @default - none
   */
  readonly serviceLabels?: { [key: string]: string };
  /**
   * Extra annotations on the created Service.
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };
  /**
   * Service name (also the `app` label of created pods and the prefix of created objects).
   * @default - the adopted Service's name, else the construct id
   */
  readonly name?: string;
  /**
   * A single HTTP port: shorthand for `ports: [{ port }]`.
   * @default - use `ports`
   */
  readonly port?: number;
  /**
   * The Service ports (not with an adopted `service`, which has its own).
   * @default - for an adopted workload, its container ports whose names carry a protocol (`http`, `grpc-api`)
   */
  readonly ports?: MeshServicePort[];
  /**
   * How Istio learns each port's protocol (for a created Service).
   * @default ProtocolSelection.PORT_NAME
   */
  readonly protocolSelection?: ProtocolSelection;
  /**
   * Service account of a created workload (an adopted workload keeps its own).
   * @default - `<name>-sa` without annotations
   */
  readonly serviceAccount?: MeshServiceAccountOptions;
  /**
   * Sidecar settings (pod annotations).
   * @default - holdApplicationUntilProxyStarts, Istio's defaults otherwise; an adopted workload that
   * sets `proxy.istio.io/config` itself keeps its own
   */
  readonly sidecar?: SidecarOptions;
  /**
   * Version of the first workload (pod label `version`, DestinationRule subset). Needed before
   * `addVersion` so that every pod belongs to a subset.
   * @default - an adopted workload's `version` label, else no version
   */
  readonly version?: string;
  /**
   * How clients call this service: load balancing, connection pool, outlier detection, TLS.
   * @default - no DestinationRule unless versions are declared
   */
  readonly trafficPolicy?: TrafficPolicyOptions;
}

/** A service that lives outside this app (another repository, a Helm release, a managed service). */
export interface MeshServiceAttributes {
  /** The Service name. */
  readonly name: string;
  /** Its namespace (e.g. `MeshNamespace.fromNamespaceName`). */
  readonly namespace: IMeshNamespace;
  /** Its ports with their protocols. */
  readonly ports: MeshServicePort[];
  /**
   * The ServiceAccount its pods run as: needed to name it as a caller (`Source.services`, `allowFrom`).
   * @default - unknown: naming it as a caller is an error
   */
  readonly serviceAccountName?: string;
  /**
   * Versions whose subsets its owner's DestinationRule declares: routes may name them, and this app
   * writes no DestinationRule for it.
   * @default - none (`addVersion` declares subsets in a DestinationRule this app writes)
   */
  readonly versions?: string[];
  /**
   * Labels that select its pods.
   * @default - `{ app: <name> }`
   */
  readonly selectorLabels?: { [key: string]: string };
}

/** Options that only a workload created from an image takes. */
const IMAGE_ONLY: (keyof MeshServiceProps)[] = [...WORKLOAD_OPTION_FIELDS, 'serviceAccount', 'workloadKind'];

/**
 * The mesh services of an app by the `app` label of their pods, per namespace name: the Service one
 * creates (which selects `app`) must not select another's pods.
 */
const BY_APP_LABEL = new WeakMap<IConstruct, Map<string, Set<MeshService>>>();

/** The objects that run one version (or the unversioned pods) of a service. */
interface VersionObjects {
  readonly workload: ApiObject;
  readonly autoscaler?: ApiObject;
  readonly disruptionBudget?: ApiObject;
}

/**
 * A service in the mesh: a workload (created from an image, or adopted from the app), its Service
 * (created with protocol-named ports, or adopted) and, for created workloads, its ServiceAccount.
 * Knows its in-mesh host name and SPIFFE principal; routes, versions, callers and egress derive from it.
 */
export class MeshService extends MeshServiceBase implements IEgressTarget {
  /**
   * A service that another app deploys (another repository, a Helm release, a managed service),
   * usable wherever a MeshService is: routes, mirrors, `allowFrom`, `Source.services`, `talksTo`,
   * policy targets. It writes only the routing and policy objects this app asks for (a VirtualService
   * for `addRoute`, an AuthorizationPolicy for `allowFrom`, a DestinationRule for `addVersion`).
   */
  public static fromServiceAttributes(scope: Construct, id: string, attrs: MeshServiceAttributes): IMeshService {
    return new ReferencedService(scope, id, attrs);
  }

  public readonly name: string;
  public readonly namespace: IMeshNamespace;
  public readonly ports: ResolvedMeshServicePort[];
  public readonly selectorLabels: { [key: string]: string };
  public readonly serviceAccountName: string;
  /** The Service (created or adopted). */
  public readonly service: ApiObject;
  /** The ServiceAccount, for a service created from an image. */
  public readonly serviceAccount?: ApiObject;
  /** The headless Service `<name>-headless` that gives the pods of a StatefulSet their DNS names. */
  public readonly headlessService?: ApiObject;
  private readonly props: MeshServiceProps;
  private readonly workloadList: ApiObject[] = [];
  /** The objects of each version, by version ('' for unversioned pods). */
  private readonly byVersion = new Map<string, VersionObjects>();
  private readonly adoptedViews: WorkloadView[] = [];
  /** The labels of the pods of every workload of this service (created, or adopted as labelled here). */
  private readonly podLabelSets: Record<string, string>[] = [];
  /** Whether the workloads are the app's (adopted) rather than created here. */
  private readonly adopting: boolean;
  private sidecarHosts?: string[];
  private sidecarObject?: Sidecar;

  constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    checkProps(this, props, ['namespace']);
    checkNamespaceRef(this, 'namespace', props.namespace);
    checkEnum(this, 'protocolSelection', props.protocolSelection, ProtocolSelection, 'ProtocolSelection');
    this.props = props;
    this.namespace = props.namespace;
    this.adopting = props.workload !== undefined;
    if (this.adopting === (props.image !== undefined)) {
      throw new Error(`${this.node.path}: set exactly one of \`workload\` (adopt the app's workload) or \`image\` (create a Deployment)`);
    }
    for (const [what, record, annotations] of [['labels', props.labels, false], ['annotations', props.annotations, true]] as const) {
      if (!record) continue;
      checkLabels(this, what, record, annotations);
      const own = Object.keys(record).find((k) => k === 'app' || k === 'version');
      if (own && !annotations) throw new Error(`${this.node.path}: labels sets "${own}", which the library sets on the objects it writes: remove it`);
    }
    this._labels = props.labels;
    this._annotations = props.annotations;

    if (props.workload) {
      const workload = readWorkload(this, props.workload);
      for (const option of IMAGE_ONLY) {
        if (props[option] !== undefined) throw new Error(`${this.node.path}: \`${option}\` applies to a workload created from an image: set it on the adopted ${workload.kind} instead`);
      }
      const adoptedService = props.service && readService(this, props.service);
      if (adoptedService && (props.serviceLabels || props.serviceAnnotations)) {
        throw new Error(`${this.node.path}: \`serviceLabels\` and \`serviceAnnotations\` apply to a Service created here: set them on the adopted Service ${adoptedService.apiObject.node.path}`);
      }
      if (adoptedService && props.name !== undefined && props.name !== adoptedService.name) {
        throw new Error(`${this.node.path}: name "${props.name}" differs from the adopted Service's name "${adoptedService.name}": omit \`name\``);
      }
      this.name = checkServiceName(this, 'service name', props.name ?? adoptedService?.name ?? id);
      const version = this.adoptedVersion(workload, props.version);
      if (adoptedService) {
        if (props.port !== undefined || props.ports !== undefined || props.protocolSelection !== undefined) {
          throw new Error(`${this.node.path}: the adopted Service ${adoptedService.apiObject.node.path} declares its own ports: remove \`port\`, \`ports\` and \`protocolSelection\``);
        }
        this.checkNamespace(adoptedService.apiObject, 'Service', adoptedService.namespace);
        this.selectorLabels = adoptedService.selector;
        this.ports = adoptedService.ports.map((p) => this.adoptedPort(adoptedService.apiObject.node.path, p, workload));
      } else {
        this.selectorLabels = { app: workload.podLabels.app ?? this.name };
        this.ports = props.port !== undefined || props.ports !== undefined ? this.resolvePorts(props) : this.portsFromContainers(workload);
      }
      this.serviceAccountName = workload.serviceAccountName;
      if (version !== undefined) this._declareVersion(version, false);
      this.adopt(workload, version);
      this.recordWorkload(version, { workload: workload.apiObject });
      this.service = adoptedService?.apiObject ?? this.createService(props.protocolSelection);
      this.node.addValidation({ validate: () => this.adoptedViews.flatMap((w) => this.drift(w)) });
    } else {
      if (props.service !== undefined) throw new Error(`${this.node.path}: \`service\` adopts the Service of an adopted \`workload\`: set \`workload\` too, or remove \`service\``);
      this.name = checkServiceName(this, 'service name', props.name ?? id);
      this.ports = this.resolvePorts(props);
      this.selectorLabels = { app: this.name };
      this.serviceAccount = this.createServiceAccount(props.serviceAccount ?? {});
      this.serviceAccountName = this.serviceAccount.name;
      if (props.version !== undefined) this._declareVersion(props.version, false);
      this.recordWorkload(props.version, this.createWorkload(props.version, props.image!, props));
      this.service = this.createService(props.protocolSelection);
      if (props.workloadKind === WorkloadKind.STATEFUL_SET) this.headlessService = this.createService(props.protocolSelection, true);
    }
    if (props.trafficPolicy || this.versions.length) this._ensureDestinationRule(props.trafficPolicy);
    this._assumePodsElsewhere(() => false);
    if (props.service === undefined) this.node.addValidation({ validate: () => this.foreignPods() });
  }

  /**
   * The Service created here must select only this service's pods: another mesh service's pods behind
   * it would receive its traffic, and the policies that select its pods by the same labels would apply to them.
   */
  private foreignPods(): string[] {
    const neighbours = this.byAppLabel().get(`${this.namespace.name}/${this.selectorLabels.app}`) ?? [];
    const others = [...neighbours].filter((o) => o !== this && o.podLabelSets.some((labels) => selects(this.selectorLabels, labels)));
    if (others.length === 0) return [];
    return [`the Service it creates selects ${labelText(this.selectorLabels)}, which the pods of ${others.map((o) => o.node.path).join(', ')} carry too: `
      + 'it would send this service\'s traffic to them, and its policies would apply to them; give each workload an `app` label of its own, '
      + 'or adopt each with a Service of its own that selects only its pods (`service`)'];
  }

  /** Records the labels of a workload's pods. */
  private recordPods(labels: Record<string, string>): void {
    this.podLabelSets.push(labels);
    const key = `${this.namespace.name}/${labels.app}`;
    const index = this.byAppLabel();
    index.set(key, (index.get(key) ?? new Set()).add(this));
  }

  /** This app's services by `<namespace>/<app label of their pods>`. */
  private byAppLabel(): Map<string, Set<MeshService>> {
    const found = BY_APP_LABEL.get(this.node.root);
    if (found) return found;
    const index = new Map<string, Set<MeshService>>();
    BY_APP_LABEL.set(this.node.root, index);
    return index;
  }

  /** The workload of the first version (created or adopted). */
  public get workload(): ApiObject {
    return this.workloadList[0];
  }

  /** Every workload of this service (created or adopted), in the order the versions were declared. */
  public get workloads(): ApiObject[] {
    return [...this.workloadList];
  }

  /**
   * The workload (created or adopted) that runs `version`, or the unversioned pods without it.
   * @returns undefined when this app deploys no pods of that version
   */
  public workloadFor(version?: string): ApiObject | undefined {
    return this.byVersion.get(version ?? '')?.workload;
  }

  /**
   * The HorizontalPodAutoscaler of the workload that runs `version` (created with `autoscaling`).
   * @returns undefined when that workload has none
   */
  public autoscalerFor(version?: string): ApiObject | undefined {
    return this.byVersion.get(version ?? '')?.autoscaler;
  }

  /**
   * The PodDisruptionBudget of the workload that runs `version` (created with `disruptionBudget`).
   * @returns undefined when that workload has none
   */
  public disruptionBudgetFor(version?: string): ApiObject | undefined {
    return this.byVersion.get(version ?? '')?.disruptionBudget;
  }

  /** The Sidecar resource of `talksTo`, once a target is declared. */
  public get sidecarResource(): Sidecar | undefined {
    return this.sidecarObject;
  }

  /**
   * Declares another version: a subset in the DestinationRule and, with `image` or `workload`, its
   * pods (a Deployment `<name>-<version>`, or the app's workload adopted). Without either, the pods of
   * that version are deployed elsewhere. Route to it with `addRoute({ destinations: [{ version, weight }] })`.
   */
  public addVersion(version: string, options: MeshServiceVersionOptions = {}): ApiObject | undefined {
    if (this.versions.length === 0) {
      throw new Error(`${this.node.path}: set \`version\` (e.g. 'v1') on the service before addVersion('${version}'), so that every pod belongs to a subset`);
    }
    if (options.image !== undefined && options.workload !== undefined) {
      throw new Error(`${this.node.path}: addVersion('${version}'): set \`image\` or \`workload\`, not both`);
    }
    let objects: VersionObjects | undefined;
    const set = WORKLOAD_OPTION_FIELDS.filter((f) => options[f] !== undefined);
    if (options.image === undefined && set.length) {
      const [them, apply] = set.length > 1 ? ['them', 'apply'] : ['it', 'applies'];
      throw new Error(`${this.node.path}: addVersion('${version}'): ${set.map((f) => `\`${f}\``).join(', ')} ${apply} to a workload created from an image: `
        + (options.workload ? `set ${them} on the adopted workload` : `add \`image\`, or remove ${them} (the pods of this version are deployed elsewhere)`));
    }
    if (options.image !== undefined) {
      if (this.adopting) {
        throw new Error(`${this.node.path}: addVersion('${version}', { image }) creates a Deployment, but this service adopts the app's workloads: adopt the version's workload with { workload }`);
      }
      this._checkNewVersion(version);
      objects = this.createWorkload(version, options.image, versionOptions(this.props, options));
    } else if (options.workload !== undefined) {
      const view = readWorkload(this, options.workload);
      if (view.serviceAccountName !== this.serviceAccountName) {
        throw new Error(`${this.node.path}: version "${version}" (${view.kind} ${view.apiObject.node.path}) runs as ServiceAccount "${view.serviceAccountName}", `
          + `the service's pods as "${this.serviceAccountName}": a service has one identity; run every version as one ServiceAccount`);
      }
      this._checkNewVersion(version);
      this.adoptedVersion(view, version);
      this.ports.forEach((p) => this.checkContainerPort(view, p));
      this.adopt(view, version);
      objects = { workload: view.apiObject };
    }
    this._declareVersion(version, objects === undefined);
    if (objects) this.recordWorkload(version, objects);
    return objects?.workload;
  }

  /**
   * Declares what this workload calls. Its sidecar then only learns about these hosts (a Sidecar
   * resource), which cuts proxy memory and makes undeclared calls fail fast.
   */
  public talksTo(...targets: IEgressTarget[]): void {
    if (targets.length === 0) throw new Error(`${this.node.path}: talksTo needs at least one target`);
    if (this.namespace.dataplaneMode === DataplaneMode.AMBIENT) {
      throw new Error(`${this.node.path}: talksTo writes a Sidecar resource, which ambient workloads ignore (IST0167: they have no sidecar to scope); `
        + `namespace "${this.namespace.name}" is in ambient mode: remove talksTo (ztunnel and waypoints receive the whole mesh's configuration)`);
    }
    if (this.namespace.dataplaneMode === DataplaneMode.NONE) {
      throw new Error(`${this.node.path}: talksTo writes a Sidecar resource, but namespace "${this.namespace.name}" has injection disabled, so its pods have no proxy to apply it: `
        + 'remove talksTo, or enable injection there');
    }
    targets.forEach((t, i) => {
      if (!Array.isArray((t as any)?.egressHosts)) throw new Error(`${this.node.path}: talksTo: target ${i + 1} is not a mesh service or ExternalService`);
      const exportTo: string[] | undefined = (t as any).exportTo;
      if (exportTo && !exportTo.includes(this.namespace.name)) {
        throw new Error(`${this.node.path}: talksTo: ${(t as any).node?.path} is exported only to ${exportTo.join(', ')}, not to "${this.namespace.name}", so this workload cannot see it: add the namespace to its exportTo`);
      }
    });
    if (!this.sidecarHosts) {
      // The root namespace holds the mesh's shared services (telemetry, control plane).
      this.sidecarHosts = [`${this.namespace.platform.rootNamespace}/*`];
      this.sidecarObject = new (networking().Sidecar)(this, 'Sidecar', {
        metadata: this._metadata(this.name),
        // Read at synth: later targets land in `sidecarHosts`, and the proxy's own telemetry backends
        // (extension providers' services, e.g. a tracing collector) are imported too, or it could not export to them.
        spec: {
          workloadSelector: { labels: this.selectorLabels },
          egress: [{
            hosts: Lazy.any({
              produce: () => [...new Set([...this.sidecarHosts!, ...MeshConfigMap.providerServices(this).map(sidecarHost)])].sort(),
            }) as any,
          }],
        },
      });
    }
    for (const t of targets) if (t instanceof MeshServiceBase) recordCaller(t, this);
    const hosts = new Set([...this.sidecarHosts, ...targets.flatMap((t) => t.egressHosts)]);
    this.sidecarHosts.splice(0, Infinity, ...[...hosts].sort());
  }

  /** The version of an adopted workload: `declared`, or its `version` label; they must agree. */
  private adoptedVersion(w: WorkloadView, declared: string | undefined): string | undefined {
    const label = w.podLabels.version;
    if (declared !== undefined && label !== undefined && label !== declared) {
      throw new Error(`${this.node.path}: ${w.kind} ${w.apiObject.node.path} has pod label version=${label}, not "${declared}": declare version "${label}" or change the label`);
    }
    return declared ?? label;
  }

  /**
   * Puts an adopted workload into the mesh: namespace, the `app` / `version` labels the selector and
   * subsets need, sidecar annotations, and checks that the Service selects its pods and reaches its ports.
   */
  private adopt(w: WorkloadView, version: string | undefined): void {
    const where = `${w.kind} ${w.apiObject.node.path}`;
    this.checkNamespace(w.apiObject, w.kind, w.namespace);
    const outOfMesh = this.outOfMesh(w);
    if (outOfMesh) throw new Error(`${this.node.path}: ${where} ${outOfMesh}`);
    if (w.serviceName !== undefined && w.serviceName === this.name && this.props.service === undefined) {
      throw new Error(`${this.node.path}: ${where} is governed by the Service "${w.serviceName}" (spec.serviceName), which must be headless to give its pods their DNS names, `
        + 'but the mesh would create a ClusterIP Service of that name: pass that Service as `service`, or give the mesh Service another `name`');
    }
    const checkSelected = () => {
      if (selects(this.selectorLabels, w.podLabels)) return;
      const perWorkload = 'cdk8s.io/metadata.addr' in this.selectorLabels
        ? ' (cdk8s-plus\'s exposeViaService selects one workload\'s pods by cdk8s.io/metadata.addr: to serve several versions, omit `service` and let the mesh create one that selects `app`)' : '';
      throw new Error(`${this.node.path}: the Service selects ${labelText(this.selectorLabels)}, but the pods of ${where} have ${labelText(w.podLabels)}: `
        + `they disagree, so the Service would not reach these pods; align the Service selector and the pod labels${perWorkload}`);
    };
    // The app's own Service selects what it selects: the pods must match it as they are.
    if (this.props.service !== undefined) checkSelected();
    // Istio's telemetry reads `app` and `version`; a created Service selects `app`. Labels the pods
    // already carry stay as they are.
    const labels: Record<string, string> = { app: this.selectorLabels.app ?? this.name };
    if (version !== undefined) labels.version = version;
    addToPodTemplate(w, 'labels', labels);
    this.recordPods({ ...labels, ...w.podLabels });
    checkSelected();
    this.ports.forEach((p) => this.checkContainerPort(w, p));

    const annotations = sidecarAnnotations(this, this.props.sidecar ?? {}, w.gracePeriodSeconds);
    const own = 'proxy.istio.io/config' in w.podAnnotations;
    if (own && this.props.sidecar === undefined) {
      // The workload configures its own proxy: keep it.
    } else {
      for (const [k, v] of Object.entries(annotations)) {
        if (k in w.podAnnotations && w.podAnnotations[k] !== v) {
          throw new Error(`${this.node.path}: ${where} sets pod annotation ${k} itself and \`sidecar\` sets it too: configure the sidecar in one place`);
        }
      }
      addToPodTemplate(w, 'annotations', annotations);
    }
    this.adoptedViews.push(w);
  }

  /** Why the pods of an adopted workload stay out of the mesh, if they do. */
  private outOfMesh(w: WorkloadView): string | undefined {
    // Istio's injector prefers the label to the annotation.
    const inject = w.podLabels['sidecar.istio.io/inject'] ?? w.podAnnotations['sidecar.istio.io/inject'];
    if (w.hostNetwork) {
      return 'runs with hostNetwork: true: Istio injects no sidecar into such pods and ambient mode never captures them, so they have no mesh identity and no policy applies to them; '
        + 'keep it out of the mesh, or drop hostNetwork';
    }
    if (isAmbient(this.namespace)) {
      if (w.podLabels['istio.io/dataplane-mode'] === 'none') return 'opts out of ambient capture (istio.io/dataplane-mode: none): remove that label to put it in the mesh';
    } else if (inject === 'false') {
      return 'opts out of sidecar injection (sidecar.istio.io/inject: "false"): remove that label or annotation to put it in the mesh';
    }
    return undefined;
  }

  /** Objects without a namespace join the service's; others must already be in it. */
  private checkNamespace(obj: ApiObject, kind: string, namespace: string | undefined): void {
    if (namespace === undefined) {setNamespace(obj, this.namespace.name);} else if (namespace !== this.namespace.name) {
      throw new Error(`${this.node.path}: ${kind} ${obj.node.path} is in namespace "${namespace}", not "${this.namespace.name}": adopt it with the MeshNamespace it runs in`);
    }
  }

  private checkContainerPort(w: WorkloadView, p: ResolvedMeshServicePort): void {
    const { targetPort, port } = p;
    const declared = w.containerPorts.filter((c) => c.containerPort === targetPort);
    if (declared.length === 0) {
      const ports = w.containerPorts.map((c) => c.containerPort).join(', ') || 'none';
      throw new Error(`${this.node.path}: Service port ${port} sends to container port ${targetPort}, which ${w.kind} ${w.apiObject.node.path} does not declare (its container ports: ${ports}): `
        + 'add the port to its container, or fix the Service port');
    }
    // A Service port forwards one transport; the container must listen on it.
    const wanted = transport(p.protocol);
    if (!declared.some((c) => c.protocol === wanted)) {
      throw new Error(`${this.node.path}: Service port ${port} (${p.protocol.name}) forwards ${wanted} to container port ${targetPort}, which ${w.kind} ${w.apiObject.node.path} declares as ${declared[0].protocol}: `
        + `name the port after its transport (${declared[0].protocol === 'UDP' ? '"udp-…"' : 'not "udp-…"'}), or fix the container port's protocol`);
    }
  }

  /** A port of an adopted Service, with its protocol from `appProtocol` or the name, and its target resolved. */
  private adoptedPort(service: string, p: any, w: WorkloadView): ResolvedMeshServicePort {
    const name = typeof p.name === 'string' ? p.name : '';
    // As istiod reads it: `appProtocol` alone decides when set, else the name, else a well-known port.
    const protocol = protocolNamed(serviceProtocol({ ...p, name }));
    if (!protocol) {
      const carrier = typeof p.appProtocol === 'string' ? `appProtocol "${p.appProtocol}"` : `name "${name}"`;
      throw new Error(`${this.node.path}: port ${p.port} of Service ${service} carries no protocol (${carrier}): name it "http", "http-<suffix>", "grpc", "tcp-<suffix>" … or set its appProtocol (IST0118)`);
    }
    let targetPort: number;
    if (typeof p.targetPort === 'string') {
      const named = w.containerPorts.find((c) => c.name === p.targetPort);
      if (!named) throw new Error(`${this.node.path}: port ${p.port} of Service ${service} targets the container port named "${p.targetPort}", which ${w.kind} ${w.apiObject.node.path} does not declare`);
      targetPort = named.containerPort;
    } else {
      targetPort = p.targetPort ?? p.port;
    }
    return { port: p.port, targetPort, protocol, name };
  }

  /** The ports of a Service for an adopted workload: its container ports whose names carry a protocol. */
  private portsFromContainers(w: WorkloadView): ResolvedMeshServicePort[] {
    const unnamed = w.containerPorts.filter((c) => !c.name || !Protocol.fromPortName(c.name));
    if (w.containerPorts.length === 0 || unnamed.length) {
      throw new Error(`${this.node.path}: ${w.kind} ${w.apiObject.node.path} has ${w.containerPorts.length ? `container ports without a protocol in their name (${unnamed.map((c) => c.containerPort).join(', ')})` : 'no container ports'}: `
        + 'pass `port` or `ports` to say which ports the Service exposes');
    }
    return resolveServicePorts(this, w.containerPorts.map((c) => ({ port: c.containerPort, name: c.name, protocol: Protocol.fromPortName(c.name!) })),
      ProtocolSelection.PORT_NAME);
  }

  /** What changed on an adopted workload after adoption that breaks what was derived from it. */
  private drift(adopted: WorkloadView): string[] {
    let now: WorkloadView;
    try {
      now = readWorkload(this, adopted.apiObject);
    } catch (e) {
      return [(e as Error).message];
    }
    const problems: string[] = [];
    const where = `${now.kind} ${now.apiObject.node.path}`;
    if (now.namespace !== this.namespace.name) problems.push(`${where} moved to namespace "${now.namespace}" after it was adopted into "${this.namespace.name}"`);
    if (now.serviceAccountName !== this.serviceAccountName) {
      problems.push(`${where} runs as ServiceAccount "${now.serviceAccountName}" now, but it was adopted (and its principal derived) as "${this.serviceAccountName}": adopt it after setting its ServiceAccount`);
    }
    if (!selects(this.selectorLabels, now.podLabels) || now.podLabels.version !== adopted.podLabels.version) {
      problems.push(`${where}'s pod labels changed after it was adopted (${labelText(now.podLabels)}): the Service or its subsets no longer select it; adopt it after setting its labels`);
    }
    for (const p of this.ports) {
      if (!now.containerPorts.some((c) => c.containerPort === p.targetPort)) problems.push(`${where} no longer declares container port ${p.targetPort} (Service port ${p.port})`);
    }
    const outOfMesh = this.outOfMesh(now);
    if (outOfMesh) problems.push(`${where} was changed after it was adopted: it ${outOfMesh}`);
    // What adoption added must still be there (a later label, annotation or patch can replace it); the
    // app's other annotations are its own to change.
    for (const k of adopted.meshAnnotations) {
      const v = adopted.podAnnotations[k];
      const current = now.podAnnotations[k];
      if (current !== v) problems.push(`${where}'s pod annotation ${k} is ${current === undefined ? 'gone' : `"${current}"`} now, but it was "${v}" when the mesh adopted it: set it before adopting`);
    }
    return problems;
  }

  private resolvePorts(props: MeshServiceProps): ResolvedMeshServicePort[] {
    if ((props.port === undefined) === (props.ports === undefined)) {
      throw new Error(`${this.node.path}: set exactly one of \`port\` (one HTTP port) or \`ports\``);
    }
    return resolveServicePorts(this, props.ports ?? [{ port: props.port! }], props.protocolSelection ?? ProtocolSelection.PORT_NAME);
  }

  private createServiceAccount(sa: MeshServiceAccountOptions): ApiObject {
    const annotations: Record<string, string> = { ...sa.annotations };
    if (sa.gcpServiceAccount) {
      if (!/^[^@\s]+@[^@\s]+$/.test(sa.gcpServiceAccount)) {
        throw new Error(`${this.node.path}: gcpServiceAccount "${sa.gcpServiceAccount}" is not an email address: use NAME@PROJECT.iam.gserviceaccount.com`);
      }
      annotations['iam.gke.io/gcp-service-account'] = sa.gcpServiceAccount;
    }
    return new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: this._metadata(checkDnsSubdomain(this, 'service account name', sa.name ?? `${this.name}-sa`), {
        labels: sa.labels && checkLabels(this, 'serviceAccount.labels', sa.labels),
        annotations: checkLabels(this, 'serviceAccount.annotations', annotations, true),
      }),
      automountServiceAccountToken: false,
    });
  }

  /** The ClusterIP Service, or the headless Service that governs a StatefulSet. */
  private createService(selection: ProtocolSelection | undefined, headless = false): ApiObject {
    const byAppProtocol = selection === ProtocolSelection.APP_PROTOCOL;
    const p = this.props;
    const labels = p.serviceLabels && checkLabels(this, 'serviceLabels', p.serviceLabels);
    for (const k of Object.keys(labels ?? {})) {
      if (k in this.selectorLabels) throw new Error(`${this.node.path}: serviceLabels sets "${k}", which is the Service's selector label: remove it`);
    }
    return new k8s.KubeService(this, headless ? 'HeadlessService' : 'Service', {
      metadata: this._metadata(headless ? checkDnsLabel(this, 'headless Service name', `${this.name}-headless`) : this.name, {
        labels: { ...labels, ...this.selectorLabels },
        annotations: p.serviceAnnotations && checkLabels(this, 'serviceAnnotations', p.serviceAnnotations, true),
      }),
      spec: {
        type: 'ClusterIP',
        clusterIp: headless ? 'None' : undefined,
        selector: this.selectorLabels,
        ports: this.ports.map((port) => ({
          port: port.port,
          targetPort: k8s.IntOrString.fromNumber(port.targetPort),
          name: port.name,
          protocol: transport(port.protocol),
          appProtocol: byAppProtocol ? port.protocol.name : undefined,
        })),
      },
    });
  }

  private recordWorkload(version: string | undefined, objects: VersionObjects): void {
    this.workloadList.push(objects.workload);
    this.byVersion.set(version ?? '', objects);
  }

  /**
   * The workload for `version` (a Deployment, or a StatefulSet governed by `<name>-headless`) and
   * its autoscaler and disruption budget. Its name fixes its selector and serviceName, which the API
   * server never lets change: `<name>` selects `app`, `<name>-<version>` selects `app` and
   * `version`. A canary step that adds a version therefore creates a workload instead of changing one.
   */
  private createWorkload(version: string | undefined, image: string, o: WorkloadOptions): VersionObjects {
    const labels = version === undefined ? this.selectorLabels : { ...this.selectorLabels, version };
    this.recordPods(labels);
    const kind = this.props.workloadKind ?? WorkloadKind.DEPLOYMENT;
    const name = checkDnsLabel(this, `${kind} name`, version === undefined ? this.name : `${this.name}-${version}`);
    const where = version === undefined ? this.node.path : `${this.node.path}: version "${version}"`;
    const stateful = kind === WorkloadKind.STATEFUL_SET;
    if (stateful && name.length > 52) {
      // Its controller labels every pod controller-revision-hash=<name>-<10-character hash>, a label value of at most 63.
      throw new Error(`${where}: StatefulSet name "${name}" has ${name.length} characters: Kubernetes could never create its pods `
        + '(their controller-revision-hash label, <name>-<hash>, would exceed 63); use a name of at most 52 characters');
    }
    if (!stateful && o.volumeClaimTemplates) {
      throw new Error(`${where}: volumeClaimTemplates need a StatefulSet: set \`workloadKind: WorkloadKind.STATEFUL_SET\`, or mount a PersistentVolumeClaim with Volume.fromPersistentVolumeClaim`);
    }
    const replicas = resolveReplicas(this, o.replicas, o.autoscaling);
    const template = renderPodTemplate({
      where,
      namespace: this.namespace.name,
      containerName: this.name,
      image,
      ports: this.ports.map((p) => p.targetPort),
      labels,
      annotations: sortedRecord(sidecarAnnotations(this, this.props.sidecar ?? {}, TERMINATION_GRACE_SECONDS)),
      serviceAccountName: this.serviceAccountName,
      options: o,
    });
    const metadata = this._metadata(name, { labels });
    const suffix = version === undefined ? '' : `-${version}`;
    // Plain L1 objects with the hardening cdk8s-plus applies spelled out: cdk8s-plus workloads cost
    // about twice as much to synthesize (extra constructs, lazy rendering, a path-hash pod label
    // that would roll every pod when the construct tree is refactored).
    const workload = stateful
      ? new k8s.KubeStatefulSet(this, `StatefulSet${suffix}`, {
        metadata,
        spec: {
          serviceName: `${this.name}-headless`,
          replicas,
          minReadySeconds: 0,
          podManagementPolicy: 'OrderedReady',
          selector: { matchLabels: labels },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          template,
          volumeClaimTemplates: renderClaimTemplates(where, o.volumeClaimTemplates ?? []),
        },
      })
      : new k8s.KubeDeployment(this, `Deployment${suffix}`, {
        metadata,
        spec: {
          replicas,
          minReadySeconds: 0,
          progressDeadlineSeconds: 600,
          selector: { matchLabels: labels },
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromString('25%') },
          },
          template,
        },
      });
    const scaling = o.autoscaling || o.disruptionBudget ? createScaling(this, suffix, {
      kind, name, namespace: this.namespace.name, podLabels: labels, labels: metadata.labels, annotations: metadata.annotations,
    }, { replicas, autoscaling: o.autoscaling, disruptionBudget: o.disruptionBudget }) : {};
    return { workload, ...scaling };
  }
}

/** A service deployed outside this app: only the routing and policy objects this app asks for are written. */
class ReferencedService extends MeshServiceBase {
  public readonly name: string;
  public readonly namespace: IMeshNamespace;
  public readonly ports: ResolvedMeshServicePort[];
  public readonly selectorLabels: { [key: string]: string };
  public readonly serviceAccountName: string;
  /** Whether the owner's DestinationRule declares the subsets. */
  private readonly ownerSubsets: boolean;

  constructor(scope: Construct, id: string, attrs: MeshServiceAttributes) {
    super(scope, id);
    checkProps(this, attrs, ['name', 'namespace', 'ports']);
    checkNamespaceRef(this, 'namespace', attrs.namespace);
    this.name = checkServiceName(this, 'service name', attrs.name);
    this.namespace = attrs.namespace;
    // The owner's port names are its own: only the protocols matter here.
    this.ports = resolveServicePorts(this, attrs.ports, ProtocolSelection.APP_PROTOCOL);
    this.selectorLabels = { ...(attrs.selectorLabels ?? { app: this.name }) };
    if (Object.keys(this.selectorLabels).length === 0) throw new Error(`${this.node.path}: selectorLabels is empty: name the labels that select the service's pods`);
    this.serviceAccountName = checkDnsSubdomain(this, 'serviceAccountName', attrs.serviceAccountName ?? 'default');
    this.ownerSubsets = attrs.versions !== undefined;
    for (const v of attrs.versions ?? []) this._declareVersion(v, true);
    this._assumePodsElsewhere(() => this.versions.length === 0);
    assumeObjects(this, () => [this.assumedService(), ...this.ownerSubsets ? [this.assumedDestinationRule()] : []]);
  }

  public addVersion(version: string, options: MeshServiceVersionOptions = {}): ApiObject | undefined {
    const set = [...options.image !== undefined ? ['image'] : [], ...options.workload !== undefined ? ['workload'] : [],
      ...WORKLOAD_OPTION_FIELDS.filter((f) => options[f] !== undefined)];
    if (set.length) {
      throw new Error(`${this.node.path}: the pods of a referenced service are deployed by its owner: addVersion('${version}') declares only the subset; remove ${set.map((f) => `\`${f}\``).join(', ')}`);
    }
    if (this.ownerSubsets) {
      throw new Error(`${this.node.path}: the subsets of this service come from its owner's DestinationRule (\`versions\`): a second DestinationRule for ${this.fqdn} would conflict; list "${version}" in \`versions\` once its owner declares it`);
    }
    this._declareVersion(version, true);
    this._ensureDestinationRule();
    return undefined;
  }

  private assumedService(): any {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name, namespace: this.namespace.name },
      spec: {
        selector: this.selectorLabels,
        ports: this.ports.map((p) => ({
          port: p.port, targetPort: p.targetPort, name: p.name, protocol: transport(p.protocol), appProtocol: p.protocol.name,
        })),
      },
    };
  }

  private assumedDestinationRule(): any {
    return {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: this.name, namespace: this.namespace.name },
      spec: { host: this.fqdn, subsets: this.versions.map((v) => ({ name: v, labels: { version: v } })) },
    };
  }
}

/**
 * A Sidecar egress host (`<namespace>/<host>`) for an extension provider's service (`[<namespace>/]<host>`):
 * a Service's namespace is in its name; another host (a ServiceEntry's) may be declared in any namespace.
 */
function sidecarHost(service: string): string {
  if (service.includes('/')) return service;
  const namespace = serviceHostNamespace(service);
  return `${namespace ?? '*'}/${service}`;
}
