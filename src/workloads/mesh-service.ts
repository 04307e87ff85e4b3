import { ApiObject, Lazy, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { MeshNamespace } from './mesh-namespace';
import { ContainerResources, kubeResources } from './resources';
import { SidecarOptions, sidecarAnnotations } from './sidecar';
import { checkDnsLabel, checkRange, sortedRecord } from '../core/names';
import { IMeshIdentity, servicePrincipal } from '../core/principal';
import { Protocol, resolveNamedPorts } from '../core/protocol';
import { DestinationRule, DestinationRuleSpecSubsets, Sidecar, VirtualService, VirtualServiceSpecHttp } from '../imports/networking.istio.io';
import { AuthorizationPolicy, AuthorizationPolicySpecAction } from '../imports/security.istio.io';
import { IEgressTarget } from '../traffic/egress';
import { HttpRouteOptions, renderHttpRoute } from '../traffic/http-route';
import { ClientTlsMode, TrafficPolicyOptions, renderTrafficPolicy } from '../traffic/traffic-policy';

/** How a Service port tells Istio its protocol. */
export enum ProtocolSelection {
  /** By the port name's prefix: `http-web`, `grpc`, `tcp-db` (the classic Istio convention). */
  PORT_NAME = 'port-name',
  /** By the port's `appProtocol` field (the name is then free). */
  APP_PROTOCOL = 'app-protocol',
}

/** A port of a `MeshService`. */
export interface MeshServicePort {
  /** The Service port, 1–65535. */
  readonly port: number;
  /**
   * The container port traffic is sent to.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /**
   * Application protocol.
   * @default Protocol.http()
   */
  readonly protocol?: Protocol;
  /**
   * Port name. With `ProtocolSelection.PORT_NAME` it must be the protocol name or start with
   * `<protocol>-` (Istio rule IST0118).
   * @default - `<protocol>-<port>`, e.g. `http-3000`
   */
  readonly name?: string;
}

/** A port of a `MeshService` with every default resolved. */
export interface ResolvedMeshServicePort {
  /** The Service port. */
  readonly port: number;
  /** The container port. */
  readonly targetPort: number;
  /** Application protocol. */
  readonly protocol: Protocol;
  /** Port name. */
  readonly name: string;
}

/** Service account settings of a `MeshService`. */
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

/** Properties of a `MeshService`. */
export interface MeshServiceProps {
  /** The mesh namespace the workload runs in. */
  readonly namespace: MeshNamespace;
  /** Container image. */
  readonly image: string;
  /**
   * Service name (also the Deployment name and the `app` label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * A single HTTP port: shorthand for `ports: [{ port }]`.
   * @default - use `ports`
   */
  readonly port?: number;
  /**
   * The Service ports.
   * @default - use `port`
   */
  readonly ports?: MeshServicePort[];
  /**
   * How Istio learns each port's protocol.
   * @default ProtocolSelection.PORT_NAME
   */
  readonly protocolSelection?: ProtocolSelection;
  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Service account settings.
   * @default - `<name>-sa` without annotations
   */
  readonly serviceAccount?: MeshServiceAccountOptions;
  /**
   * Resources of the application container.
   * @default - requests 100m CPU / 128Mi, limits 500m CPU / 512Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Environment variables of the application container.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Sidecar settings.
   * @default - holdApplicationUntilProxyStarts, Istio's defaults otherwise
   */
  readonly sidecar?: SidecarOptions;
  /**
   * Version of this Deployment (pod label `version`, DestinationRule subset). Needed before
   * `addVersion` so that every pod belongs to a subset.
   * @default - no version label
   */
  readonly version?: string;
  /**
   * How clients call this service: load balancing, connection pool, outlier detection, TLS.
   * @default - no DestinationRule unless versions are declared
   */
  readonly trafficPolicy?: TrafficPolicyOptions;
}

/** Another version of a `MeshService`: a Deployment beside the first, selected by the same Service. */
export interface MeshServiceVersionOptions {
  /** Container image of this version. */
  readonly image: string;
  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Environment variables.
   * @default - those of the service
   */
  readonly env?: { [name: string]: string };
}

/**
 * A workload in the mesh: ServiceAccount, Deployment (with sidecar settings) and a ClusterIP
 * Service whose ports carry their Istio protocol. Knows its in-mesh host name and its SPIFFE
 * principal, and grants access to callers with `allowFrom`.
 */
export class MeshService extends Construct implements IEgressTarget, IMeshIdentity {
  /** Service name. */
  public readonly name: string;
  /** The namespace it runs in. */
  public readonly namespace: MeshNamespace;
  /** The Service ports, defaults resolved. */
  public readonly ports: ResolvedMeshServicePort[];
  /** The ServiceAccount (escape hatch). */
  public readonly serviceAccount: ApiObject;
  /** The Deployment (escape hatch). */
  public readonly deployment: ApiObject;
  /** The Service (escape hatch). */
  public readonly service: ApiObject;
  /** Labels that select this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };
  private policy?: AuthorizationPolicy;
  private allowedPrincipals?: string[];
  private readonly props: MeshServiceProps;
  private readonly versionList: string[] = [];
  private subsets?: DestinationRuleSpecSubsets[];
  private routes?: VirtualServiceSpecHttp[];
  private sidecarHosts?: string[];
  private userCatchAll = false;

  constructor(scope: Construct, id: string, props: MeshServiceProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'service name', props.name ?? id);
    this.namespace = props.namespace;
    this.ports = this.resolvePorts(props);
    this.selectorLabels = { app: this.name };
    const ns = this.namespace.name;

    const sa = props.serviceAccount ?? {};
    const saAnnotations: Record<string, string> = { ...sa.annotations };
    if (sa.gcpServiceAccount) {
      if (!/^[^@\s]+@[^@\s]+$/.test(sa.gcpServiceAccount)) {
        throw new Error(`${this.node.path}: gcpServiceAccount "${sa.gcpServiceAccount}" is not an email address: use NAME@PROJECT.iam.gserviceaccount.com`);
      }
      saAnnotations['iam.gke.io/gcp-service-account'] = sa.gcpServiceAccount;
    }
    const saName = checkDnsLabel(this, 'service account name', sa.name ?? `${this.name}-sa`);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: saName,
        namespace: ns,
        annotations: Object.keys(saAnnotations).length ? sortedRecord(saAnnotations) : undefined,
      },
      automountServiceAccountToken: false,
    });

    this.props = props;
    this.deployment = this.createDeployment('Deployment', this.name, props.version, props);
    if (props.version !== undefined) this.versionList.push(props.version);
    if (props.trafficPolicy || props.version !== undefined) this.ensureDestinationRule();

    const byAppProtocol = props.protocolSelection === ProtocolSelection.APP_PROTOCOL;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: ns, labels: this.selectorLabels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: this.ports.map((p) => ({
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.targetPort),
          name: p.name,
          protocol: p.protocol.name === 'udp' ? 'UDP' : 'TCP',
          appProtocol: byAppProtocol ? p.protocol.name : undefined,
        })),
      },
    });
  }

  /** The in-mesh host name: `<name>.<namespace>.svc.cluster.local`. */
  public get fqdn(): string {
    return `${this.name}.${this.namespace.name}.svc.cluster.local`;
  }

  /** The workload's SPIFFE principal: `<trust domain>/ns/<namespace>/sa/<service account>`. */
  public get principal(): string {
    return servicePrincipal(this.namespace.platform.trustDomain, this.namespace.name, this.serviceAccount.name);
  }

  /** The port a route reaches by default: the first HTTP-family port. */
  public get defaultHttpPort(): ResolvedMeshServicePort | undefined {
    return this.ports.find((p) => p.protocol.isHttp);
  }

  /** The declared versions (`version` and `addVersion`), in order. */
  public get versions(): string[] {
    return [...this.versionList];
  }

  /**
   * Adds a version: a Deployment `<name>-<version>` with pod label `version`, selected by the same
   * Service, and a subset of the same name in the service's DestinationRule. Route to it with
   * `addRoute({ destinations: [{ version, weight }] })`.
   */
  public addVersion(version: string, options: MeshServiceVersionOptions): ApiObject {
    if (this.props.version === undefined) {
      throw new Error(`${this.node.path}: set \`version\` (e.g. 'v1') on the service before addVersion('${version}'), so that every pod belongs to a subset`);
    }
    if (this.versionList.includes(version)) throw new Error(`${this.node.path}: version "${version}" already exists`);
    const name = checkDnsLabel(this, 'versioned Deployment name', `${this.name}-${version}`);
    const deployment = this.createDeployment(`Deployment-${version}`, name, version, { ...this.props, ...options, env: options.env ?? this.props.env });
    this.versionList.push(version);
    this.subsets!.push({ name: version, labels: { version } });
    return deployment;
  }

  /**
   * Adds an HTTP route for in-mesh callers (a VirtualService for this service's host). Routes
   * are evaluated in the order they are added; requests that match none go to the service
   * (all versions), unless a route without `matches` took them all.
   */
  public addRoute(options: HttpRouteOptions): void {
    const rule = renderHttpRoute(this, options, this);
    if (!this.routes) {
      const fallback = renderHttpRoute(this, { name: 'default' }, this);
      this.routes = [fallback];
      new VirtualService(this, 'Routes', {
        metadata: { name: this.name, namespace: this.namespace.name },
        // The VirtualService keeps a reference to `routes`: later routes land in it.
        spec: { hosts: [this.fqdn], http: this.routes },
      });
    }
    if (this.userCatchAll) {
      throw new Error(`${this.node.path}: this route is unreachable (IST0131): an earlier route without \`matches\` takes every request; add specific routes first`);
    }
    if (rule.match) {
      this.routes.splice(this.routes.length - 1, 0, rule);
    } else {
      this.routes[this.routes.length - 1] = rule; // the user's catch-all replaces the implicit one
      this.userCatchAll = true;
    }
  }

  /**
   * Declares what this workload calls. Its sidecar then only learns about these hosts (a Sidecar
   * resource), which cuts proxy memory and makes undeclared calls fail fast.
   */
  public talksTo(...targets: IEgressTarget[]): void {
    if (targets.length === 0) throw new Error(`${this.node.path}: talksTo needs at least one target`);
    if (!this.sidecarHosts) {
      // The root namespace holds the mesh's shared services (telemetry, control plane).
      this.sidecarHosts = [`${this.namespace.platform.rootNamespace}/*`];
      new Sidecar(this, 'Sidecar', {
        metadata: { name: this.name, namespace: this.namespace.name },
        // The Sidecar keeps a reference to `sidecarHosts`: later targets land in it.
        spec: { workloadSelector: { labels: this.selectorLabels }, egress: [{ hosts: this.sidecarHosts }] },
      });
    }
    const hosts = new Set([...this.sidecarHosts, ...targets.flatMap((t) => t.egressHosts)]);
    this.sidecarHosts.splice(0, Infinity, ...[...hosts].sort());
  }

  /** `<namespace>/<fqdn>`: how a Sidecar resource names this service. */
  public get egressHosts(): string[] {
    return [`${this.namespace.name}/${this.fqdn}`];
  }

  /**
   * Lets `callers` (services, gateways) call this service: an ALLOW AuthorizationPolicy on this
   * workload that lists the callers' principals. Once a workload has an ALLOW policy, every other caller is denied.
   */
  public allowFrom(...callers: IMeshIdentity[]): void {
    if (callers.length === 0) {
      throw new Error(`${this.node.path}: allowFrom needs at least one caller (an ALLOW policy with no principals would deny everyone)`);
    }
    if (!this.policy) {
      // The policy keeps a reference to this array: callers added later still land in it.
      this.allowedPrincipals = [];
      this.policy = new AuthorizationPolicy(this, 'AllowFrom', {
        metadata: { name: `${this.name}-allow`, namespace: this.namespace.name },
        spec: {
          action: AuthorizationPolicySpecAction.ALLOW,
          selector: { matchLabels: this.selectorLabels },
          rules: [{ from: [{ source: { principals: this.allowedPrincipals } }] }],
        },
      });
    }
    const principals = new Set([...this.allowedPrincipals!, ...callers.map((c) => c.principal)]);
    this.allowedPrincipals!.splice(0, Infinity, ...[...principals].sort());
  }

  private createDeployment(id: string, name: string, version: string | undefined, props: MeshServiceProps): ApiObject {
    const labels = version === undefined ? this.selectorLabels : { ...this.selectorLabels, version: checkLabelValue(this, version) };
    const env = props.env ?? {};
    // Plain L1 objects with the hardening cdk8s-plus applies spelled out: cdk8s-plus workloads cost
    // about twice as much to synthesize (extra constructs, lazy rendering, a path-hash pod label
    // that would roll every pod when the construct tree is refactored).
    return new k8s.KubeDeployment(this, id, {
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
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            containers: [{
              name: this.name,
              image: props.image,
              imagePullPolicy: 'Always',
              ports: uniqueTargets(this.ports).map((containerPort) => ({ containerPort })),
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

  private ensureDestinationRule(): void {
    if (this.subsets) return;
    this.subsets = this.versionList.map((v) => ({ name: v, labels: { version: v } }));
    new DestinationRule(this, 'DestinationRule', {
      metadata: { name: this.name, namespace: this.namespace.name },
      spec: {
        host: this.fqdn,
        trafficPolicy: renderTrafficPolicy(this, this.props.trafficPolicy ?? {}, ClientTlsMode.ISTIO_MUTUAL),
        // Read at synth: versions added later land in it.
        subsets: Lazy.any({ produce: () => this.subsets!.length ? this.subsets : undefined }) as unknown as DestinationRuleSpecSubsets[],
      },
    });
  }

  private resolvePorts(props: MeshServiceProps): ResolvedMeshServicePort[] {
    if ((props.port === undefined) === (props.ports === undefined)) {
      throw new Error(`${this.node.path}: set exactly one of \`port\` (one HTTP port) or \`ports\``);
    }
    const specs = props.ports ?? [{ port: props.port! }];
    if (specs.length === 0) throw new Error(`${this.node.path}: \`ports\` is empty: a MeshService needs at least one port`);
    const byName = props.protocolSelection !== ProtocolSelection.APP_PROTOCOL;
    return resolveNamedPorts(this, specs, Protocol.http()).map(({ port, protocol, name, targetPort }) => {
      if (byName && name !== protocol.name && !name.startsWith(`${protocol.name}-`)) {
        throw new Error(`${this.node.path}: port name "${name}" does not carry protocol "${protocol.name}" (IST0118): `
          + `name it "${protocol.name}" or "${protocol.name}-<suffix>", or use ProtocolSelection.APP_PROTOCOL`);
      }
      return { port, targetPort: checkRange(this, 'targetPort', targetPort ?? port, 1, 65535), protocol, name };
    });
  }
}

function checkLabelValue(scope: Construct, value: string): string {
  if (value.length > 63 || !/^[a-z0-9A-Z]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/.test(value)) {
    throw new Error(`${scope.node.path}: version "${value}" is not a valid label value: use letters, digits, '-', '_', '.' (e.g. "v2")`);
  }
  return value;
}

function uniqueTargets(ports: ResolvedMeshServicePort[]): number[] {
  return [...new Set(ports.map((p) => p.targetPort))];
}
