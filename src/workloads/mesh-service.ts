import { ApiObject, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import { addToPodTemplate, labelText, readService, readWorkload, selects, setNamespace, WorkloadView } from './adoption';
import { IMeshService, MeshServiceBase, MeshServiceVersionOptions } from './mesh-service-base';
import { ContainerResources, kubeResources } from './resources';
import { SidecarOptions, sidecarAnnotations } from './sidecar';
import { assumeObjects } from '../analysis/assumed-objects';
import { checkEnum, checkNamespaceRef, checkProps } from '../core/check';
import { checkDnsLabel, checkRange, sortedRecord } from '../core/names';
import { MeshServicePort, ProtocolSelection, ResolvedMeshServicePort, resolveServicePorts, transport } from '../core/ports';
import { Protocol } from '../core/protocol';
import { Sidecar } from '../imports/networking.istio.io';
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
}

/**
 * Properties of a `MeshService`: either `workload` (adopt a workload the app defines) or `image`
 * (create a Deployment).
 */
export interface MeshServiceProps {
  /** The mesh namespace the workload runs in. */
  readonly namespace: IMeshNamespace;
  /**
   * Adopt a workload the app already defines: a cdk8s-plus Deployment, StatefulSet or DaemonSet (of
   * any cdk8s-plus major), a `k8s` L1 object, or an ApiObject of an `Include`
   * (`include.apiObjects`). The library adds what the mesh needs to its pod template (labels `app`
   * and `version` where missing, sidecar annotations) and never changes its selector.
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
   * Create a Deployment of this container image.
   * @default - set `workload` to adopt one
   */
  readonly image?: string;
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
   * Number of pods of a created Deployment.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Service account of a created Deployment (an adopted workload keeps its own).
   * @default - `<name>-sa` without annotations
   */
  readonly serviceAccount?: MeshServiceAccountOptions;
  /**
   * Resources of a created Deployment's container.
   * @default - requests 100m CPU / 128Mi, limits 500m CPU / 512Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Environment variables of a created Deployment's container.
   * @default - none
   */
  readonly env?: { [name: string]: string };
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

/** Options that only a created Deployment takes. */
const IMAGE_ONLY: (keyof MeshServiceProps)[] = ['replicas', 'serviceAccount', 'resources', 'env'];

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
  private readonly props: MeshServiceProps;
  private readonly workloadList: ApiObject[] = [];
  private readonly adoptedViews: WorkloadView[] = [];
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

    if (props.workload) {
      const workload = readWorkload(this, props.workload);
      for (const option of IMAGE_ONLY) {
        if (props[option] !== undefined) throw new Error(`${this.node.path}: \`${option}\` applies to a Deployment created from an image: set it on the adopted ${workload.kind} instead`);
      }
      const adoptedService = props.service && readService(this, props.service);
      if (adoptedService && props.name !== undefined && props.name !== adoptedService.name) {
        throw new Error(`${this.node.path}: name "${props.name}" differs from the adopted Service's name "${adoptedService.name}": omit \`name\``);
      }
      this.name = checkDnsLabel(this, 'service name', props.name ?? adoptedService?.name ?? id);
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
      this.workloadList.push(workload.apiObject);
      this.service = adoptedService?.apiObject ?? this.createService(props.protocolSelection);
      this.node.addValidation({ validate: () => this.adoptedViews.flatMap((w) => this.drift(w)) });
    } else {
      if (props.service !== undefined) throw new Error(`${this.node.path}: \`service\` adopts the Service of an adopted \`workload\`: set \`workload\` too, or remove \`service\``);
      this.name = checkDnsLabel(this, 'service name', props.name ?? id);
      this.ports = this.resolvePorts(props);
      this.selectorLabels = { app: this.name };
      this.serviceAccount = this.createServiceAccount(props.serviceAccount ?? {});
      this.serviceAccountName = this.serviceAccount.name;
      if (props.version !== undefined) this._declareVersion(props.version, false);
      this.workloadList.push(this.createDeployment(props.version, props));
      this.service = this.createService(props.protocolSelection);
    }
    if (props.trafficPolicy || this.versions.length) this._ensureDestinationRule(props.trafficPolicy);
    this._assumePodsElsewhere(() => false);
  }

  /** The workload of the first version (created or adopted). */
  public get workload(): ApiObject {
    return this.workloadList[0];
  }

  /** Every workload of this service (created or adopted), in the order the versions were declared. */
  public get workloads(): ApiObject[] {
    return [...this.workloadList];
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
    let workload: ApiObject | undefined;
    if (options.image !== undefined) {
      if (this.adopting) {
        throw new Error(`${this.node.path}: addVersion('${version}', { image }) creates a Deployment, but this service adopts the app's workloads: adopt the version's workload with { workload }`);
      }
      this._checkNewVersion(version);
      workload = this.createDeployment(version, { ...this.props, ...options, env: options.env ?? this.props.env });
    } else if (options.workload !== undefined) {
      if (options.replicas !== undefined || options.env !== undefined) {
        throw new Error(`${this.node.path}: addVersion('${version}'): \`replicas\` and \`env\` apply to a Deployment created from an image: set them on the adopted workload`);
      }
      const view = readWorkload(this, options.workload);
      if (view.serviceAccountName !== this.serviceAccountName) {
        throw new Error(`${this.node.path}: version "${version}" (${view.kind} ${view.apiObject.node.path}) runs as ServiceAccount "${view.serviceAccountName}", `
          + `the service's pods as "${this.serviceAccountName}": a service has one identity; run every version as one ServiceAccount`);
      }
      this._checkNewVersion(version);
      this.adoptedVersion(view, version);
      this.ports.forEach((p) => this.checkContainerPort(view, p.targetPort, p.port));
      this.adopt(view, version);
      workload = view.apiObject;
    }
    this._declareVersion(version, workload === undefined);
    if (workload) this.workloadList.push(workload);
    return workload;
  }

  /**
   * Declares what this workload calls. Its sidecar then only learns about these hosts (a Sidecar
   * resource), which cuts proxy memory and makes undeclared calls fail fast.
   */
  public talksTo(...targets: IEgressTarget[]): void {
    if (targets.length === 0) throw new Error(`${this.node.path}: talksTo needs at least one target`);
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
      this.sidecarObject = new Sidecar(this, 'Sidecar', {
        metadata: { name: this.name, namespace: this.namespace.name },
        // The Sidecar keeps a reference to `sidecarHosts`: later targets land in it.
        spec: { workloadSelector: { labels: this.selectorLabels }, egress: [{ hosts: this.sidecarHosts }] },
      });
    }
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
    if (w.podLabels['sidecar.istio.io/inject'] === 'false' || w.podAnnotations['sidecar.istio.io/inject'] === 'false') {
      throw new Error(`${this.node.path}: ${where} opts out of sidecar injection (sidecar.istio.io/inject: "false"): remove that label or annotation to put it in the mesh`);
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
    checkSelected();
    this.ports.forEach((p) => this.checkContainerPort(w, p.targetPort, p.port));

    const annotations = sidecarAnnotations(this, this.props.sidecar ?? {});
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

  /** Objects without a namespace join the service's; others must already be in it. */
  private checkNamespace(obj: ApiObject, kind: string, namespace: string | undefined): void {
    if (namespace === undefined) {setNamespace(obj, this.namespace.name);} else if (namespace !== this.namespace.name) {
      throw new Error(`${this.node.path}: ${kind} ${obj.node.path} is in namespace "${namespace}", not "${this.namespace.name}": adopt it with the MeshNamespace it runs in`);
    }
  }

  private checkContainerPort(w: WorkloadView, targetPort: number, port: number): void {
    if (!w.containerPorts.some((c) => c.containerPort === targetPort)) {
      const declared = w.containerPorts.map((c) => c.containerPort).join(', ') || 'none';
      throw new Error(`${this.node.path}: Service port ${port} sends to container port ${targetPort}, which ${w.kind} ${w.apiObject.node.path} does not declare (its container ports: ${declared}): `
        + 'add the port to its container, or fix the Service port');
    }
  }

  /** A port of an adopted Service, with its protocol from `appProtocol` or the name, and its target resolved. */
  private adoptedPort(service: string, p: any, w: WorkloadView): ResolvedMeshServicePort {
    const name = typeof p.name === 'string' ? p.name : '';
    const protocol = (typeof p.appProtocol === 'string' && Protocol.fromPortName(p.appProtocol)) || Protocol.fromPortName(name);
    if (!protocol) {
      throw new Error(`${this.node.path}: port ${p.port} of Service ${service} carries no protocol (name "${name}"): name it "http", "http-<suffix>", "grpc", "tcp-<suffix>" … or set its appProtocol (IST0118)`);
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
      metadata: {
        name: checkDnsLabel(this, 'service account name', sa.name ?? `${this.name}-sa`),
        namespace: this.namespace.name,
        annotations: Object.keys(annotations).length ? sortedRecord(annotations) : undefined,
      },
      automountServiceAccountToken: false,
    });
  }

  private createService(selection: ProtocolSelection | undefined): ApiObject {
    const byAppProtocol = selection === ProtocolSelection.APP_PROTOCOL;
    return new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace.name, labels: this.selectorLabels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: this.ports.map((p) => ({
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.targetPort),
          name: p.name,
          protocol: transport(p.protocol),
          appProtocol: byAppProtocol ? p.protocol.name : undefined,
        })),
      },
    });
  }

  /**
   * A Deployment for `version`. Its name fixes its selector, which the API server never lets change:
   * `<name>` selects `app`, `<name>-<version>` selects `app` and `version`. A canary step that adds a
   * version therefore creates a Deployment instead of changing one.
   */
  private createDeployment(version: string | undefined, props: MeshServiceProps): ApiObject {
    const labels = version === undefined ? this.selectorLabels : { ...this.selectorLabels, version };
    const name = checkDnsLabel(this, 'Deployment name', version === undefined ? this.name : `${this.name}-${version}`);
    const env = props.env ?? {};
    // Plain L1 objects with the hardening cdk8s-plus applies spelled out: cdk8s-plus workloads cost
    // about twice as much to synthesize (extra constructs, lazy rendering, a path-hash pod label
    // that would roll every pod when the construct tree is refactored).
    return new k8s.KubeDeployment(this, version === undefined ? 'Deployment' : `Deployment-${version}`, {
      metadata: { name, namespace: this.namespace.name, labels },
      spec: {
        replicas: checkRange(this, 'replicas', props.replicas ?? 1, 0, 10_000),
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: labels },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromString('25%') },
        },
        template: {
          metadata: {
            labels,
            annotations: sortedRecord(sidecarAnnotations(this, props.sidecar ?? {})),
          },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            containers: [{
              name: this.name,
              image: props.image!,
              imagePullPolicy: 'Always',
              ports: [...new Set(this.ports.map((p) => p.targetPort))].map((containerPort) => ({ containerPort })),
              env: Object.keys(env).length ? Object.keys(env).sort().map((n) => ({ name: n, value: env[n] })) : undefined,
              resources: kubeResources(props.resources, {
                cpuRequest: Cpu.millis(100),
                cpuLimit: Cpu.millis(500),
                memoryRequest: Size.mebibytes(128),
                memoryLimit: Size.mebibytes(512),
              }),
              securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
            }],
            securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
            dnsPolicy: 'ClusterFirst',
            hostNetwork: false,
            restartPolicy: 'Always',
            setHostnameAsFqdn: false,
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    });
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
    this.name = checkDnsLabel(this, 'service name', attrs.name);
    this.namespace = attrs.namespace;
    // The owner's port names are its own: only the protocols matter here.
    this.ports = resolveServicePorts(this, attrs.ports, ProtocolSelection.APP_PROTOCOL);
    this.selectorLabels = { ...(attrs.selectorLabels ?? { app: this.name }) };
    if (Object.keys(this.selectorLabels).length === 0) throw new Error(`${this.node.path}: selectorLabels is empty: name the labels that select the service's pods`);
    this.serviceAccountName = checkDnsLabel(this, 'serviceAccountName', attrs.serviceAccountName ?? 'default');
    this.ownerSubsets = attrs.versions !== undefined;
    for (const v of attrs.versions ?? []) this._declareVersion(v, true);
    this._assumePodsElsewhere(() => this.versions.length === 0);
    assumeObjects(this, () => [this.assumedService(), ...this.ownerSubsets ? [this.assumedDestinationRule()] : []]);
  }

  public addVersion(version: string, options: MeshServiceVersionOptions = {}): ApiObject | undefined {
    if (options.image !== undefined || options.workload !== undefined) {
      throw new Error(`${this.node.path}: the pods of a referenced service are deployed by its owner: addVersion('${version}') declares only the subset; remove \`image\` / \`workload\``);
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
