import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IMeshPods, WorkloadOptions } from './workload-options';
import { assumeObjects } from '../analysis/assumed-objects';
import { checkProps } from '../core/check';
import { appendTo } from '../core/collections';
import { networking, security } from '../core/l1';
import { isDnsLabel, sortedRecord } from '../core/names';
import { ResolvedMeshServicePort } from '../core/ports';
import { IMeshIdentity, servicePrincipal } from '../core/principal';
import type { DestinationRule, DestinationRuleSpecSubsets, VirtualService, VirtualServiceSpecHttp } from '../imports/networking.istio.io';
import type { AuthorizationPolicy } from '../imports/security.istio.io';
import { attachPolicy, ztunnelCompanion } from '../platform/ambient-policy';
import { DataplaneMode, RouteApi, checkEnforced, hasOwnAllowPolicy } from '../platform/dataplane';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { httpDenyOnTcp } from '../platform/namespace-deny';
import { routingGateways } from '../platform/waypoint-enrollment';
import { IMeshDestination, defaultHttpPort } from '../traffic/destination';
import { IEgressTarget } from '../traffic/egress';
import { HttpRouteOptions, renderHttpRoute } from '../traffic/http-route';
import { ClientTlsMode, TrafficPolicyOptions, renderTrafficPolicy } from '../traffic/traffic-policy';

/**
 * Another version of a mesh service: its pods carry the label `version: <version>`, and a
 * DestinationRule subset selects them. A version created from `image` takes the service's
 * `WorkloadOptions` (container, pod, scaling); each one set here replaces the service's (setting
 * `replicas` or `autoscaling` replaces both).
 */
export interface MeshServiceVersionOptions extends WorkloadOptions {
  /**
   * Create a workload `<name>-<version>` from this image (only for a `MeshService` created from an image).
   * @default - no workload created
   */
  readonly image?: string;
  /**
   * Adopt the app's workload of this version (a Deployment, StatefulSet, DaemonSet or ReplicaSet, as a
   * cdk8s-plus workload, a `k8s` L1 object, or an ApiObject of an `Include`), as `MeshServiceProps.workload` does.
   * @default - no workload adopted
   */
  readonly workload?: IConstruct;
}

/**
 * A service of the mesh: created here, adopted from the app, or referenced from elsewhere. Routes
 * send to it, policies select its pods, and callers name its identity.
 */
export interface IMeshService extends IMeshDestination, IMeshIdentity, IEgressTarget, IMeshPods {
  /** The ServiceAccount its pods run as. */
  readonly serviceAccountName: string;
  /**
   * Declares another version: a subset `version` in the service's DestinationRule and, with
   * `options.image` or `options.workload`, the pods of that version. Without either, the pods are
   * deployed elsewhere (another app, another repository).
   * @returns the version's workload, when one is created or adopted
   */
  addVersion(version: string, options?: MeshServiceVersionOptions): ApiObject | undefined;
  /**
   * Adds an HTTP route for in-mesh callers: a VirtualService for this service's host, or, in a
   * namespace whose `routeApi` is the Gateway API, an HTTPRoute whose parent is the Service. Requests
   * that match none go to the service (all versions), unless a route without `matches` took them all.
   * VirtualService rules are evaluated in the order they are added; HTTPRoute rules by how specific
   * their matches are.
   */
  addRoute(options: HttpRouteOptions): void;
  /**
   * Lets `callers` (services, gateways) call this service: an ALLOW AuthorizationPolicy on its pods
   * that lists the callers' principals. Once a workload has an ALLOW policy, every other caller is denied.
   */
  allowFrom(...callers: IMeshIdentity[]): void;
}

/**
 * What every mesh service does, whoever deploys its pods: host name, identity, versions and
 * subsets, routes and callers. `MeshService` and `MeshService.fromServiceAttributes` build on it.
 */
export abstract class MeshServiceBase extends Construct implements IMeshService {
  /** The Service name. */
  public abstract readonly name: string;
  /** The namespace of the Service. */
  public abstract readonly namespace: IMeshNamespace;
  /** The Service ports. */
  public abstract readonly ports: ResolvedMeshServicePort[];
  /** Labels that select this service's pods. */
  public abstract readonly selectorLabels: { [key: string]: string };
  /** The ServiceAccount its pods run as. */
  public abstract readonly serviceAccountName: string;
  /**
   * Extra labels on every object this service writes.
   * @internal
   */
  protected _labels?: Record<string, string>;
  /**
   * Extra annotations on every object this service writes.
   * @internal
   */
  protected _annotations?: Record<string, string>;

  /** The versions, in the order they were declared. */
  private readonly versionList: string[] = [];
  /** Versions whose pods this app does not deploy (the analysis assumes them). */
  private readonly versionsElsewhere: string[] = [];
  private subsets?: DestinationRuleSpecSubsets[];
  private routes?: VirtualServiceSpecHttp[];
  private userCatchAll = false;
  /** How many rules at the end of `routes` are the implicit catch-all (one per HTTP port). */
  private implicitRoutes = 0;
  private allowedPrincipals?: string[];
  private vs?: VirtualService;
  private dr?: DestinationRule;
  private allowPolicy?: AuthorizationPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.refusedCallers() });
    // A namespace-wide DENY on HTTP fields denies every connection to the TCP ports.
    this.node.addValidation({
      validate: () => httpDenyOnTcp(this, this.namespace.name, this.ports.filter((p) => !p.protocol.isHttp).map((p) => p.targetPort)),
    });
  }

  /** The in-mesh host name: `<name>.<namespace>.svc.cluster.local`. */
  public get fqdn(): string {
    return `${this.name}.${this.namespace.name}.svc.cluster.local`;
  }

  /** The SPIFFE principal of its pods: `<trust domain>/ns/<namespace>/sa/<service account>`. */
  public get principal(): string {
    if (this.namespace.dataplaneMode === DataplaneMode.NONE) {
      throw new Error(`${this.node.path}: its pods have no sidecar (namespace "${this.namespace.name}" has injection disabled), so they present no mesh identity `
        + 'and a policy that names them as a caller never matches: enable injection on its namespace, or allow it another way (Source.ipBlocks)');
    }
    if (this.serviceAccountName === 'default') {
      throw new Error(`${this.node.path}: its pods run as the namespace's \`default\` ServiceAccount, an identity every pod of namespace "${this.namespace.name}" without its own shares: `
        + 'give them a ServiceAccount of their own (serviceAccountName) before naming the service as a caller');
    }
    return servicePrincipal(this.namespace.platform.trustDomain, this.namespace.name, this.serviceAccountName);
  }

  /** The port a route reaches by default: the first HTTP-family port. */
  public get defaultHttpPort(): ResolvedMeshServicePort | undefined {
    return defaultHttpPort(this);
  }

  /** The declared versions, in order. */
  public get versions(): string[] {
    return [...this.versionList];
  }

  /** `<namespace>/<fqdn>`: how a Sidecar resource names this service. */
  public get egressHosts(): string[] {
    return [`${this.namespace.name}/${this.fqdn}`];
  }

  /** The VirtualService of `addRoute`, once a route is added. */
  public get virtualService(): VirtualService | undefined {
    return this.vs;
  }

  /** The DestinationRule (subsets, traffic policy), when versions or a traffic policy are declared. */
  public get destinationRule(): DestinationRule | undefined {
    return this.dr;
  }

  /** The ALLOW AuthorizationPolicy of `allowFrom`, once a caller is allowed. */
  public get authorizationPolicy(): AuthorizationPolicy | undefined {
    return this.allowPolicy;
  }

  public abstract addVersion(version: string, options?: MeshServiceVersionOptions): ApiObject | undefined;

  public addRoute(options: HttpRouteOptions): void {
    checkProps(`${this.node.path}: addRoute`, options, []);
    if (this.namespace.routeApi === RouteApi.GATEWAY_API) {
      // The Gateway API rendering loads when a service first routes with it, not with the library.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('../traffic/mesh-http-route') as typeof import('../traffic/mesh-http-route')).addMeshHttpRoute(this, options);
    }
    const rule = renderHttpRoute(this, options, this);
    for (const m of rule.match ?? []) {
      const port = m.port === undefined ? undefined : this.ports.find((p) => p.port === m.port);
      if (m.port !== undefined && !port) {
        throw new Error(`${this.node.path}: a match names port ${m.port}, which is not a port of the service (${this.ports.map((p) => p.port).join(', ')}): the route would never match; use a Service port`);
      }
      if (port && !port.protocol.isHttp) {
        throw new Error(`${this.node.path}: a match names port ${m.port}, which speaks ${port.protocol.name}, not HTTP: HTTP routes never see its traffic; match an HTTP-family port`);
      }
    }
    if (!this.routes) {
      this.routes = this.perPort({ name: 'default' }, renderHttpRoute(this, { name: 'default' }, this));
      this.implicitRoutes = this.routes.length;
      this.vs = new (networking().VirtualService)(this, 'Routes', {
        metadata: this._metadata(this.name),
        // The VirtualService keeps a reference to `routes`: later routes land in it.
        spec: { hosts: [this.fqdn], http: this.routes },
      });
    }
    if (this.userCatchAll) {
      throw new Error(`${this.node.path}: this route is unreachable (IST0131): an earlier route without \`matches\` takes every request; add specific routes first`);
    }
    const rules = this.perPort(options, rule);
    // The user's catch-all replaces the implicit one(s); other routes go before them.
    this.routes.splice(this.routes.length - this.implicitRoutes, rule.match ? 0 : this.implicitRoutes, ...rules);
    if (!rule.match) {
      this.implicitRoutes = 0;
      this.userCatchAll = true;
    }
  }

  /**
   * `rule`, or one rule per HTTP port when the service has several and the rule sends to the service
   * itself without naming a port: a destination's port overrides the port traffic came on, so one rule
   * would move every port's requests to the first.
   */
  private perPort(options: HttpRouteOptions, rule: VirtualServiceSpecHttp): VirtualServiceSpecHttp[] {
    const ports = this.ports.filter((p) => p.protocol.isHttp).map((p) => p.port);
    const forwards = !options.redirect && !options.directResponse;
    const ownPortless = (options.destinations ?? [{}]).some((d) => d.port === undefined && (d.service ?? this) === this)
      || (options.mirror !== undefined && (options.mirror.service ?? this) === this);
    if (ports.length < 2 || !forwards || !ownPortless) return [rule];
    // Matches name HTTP ports only (checked in addRoute), so every match lands in one of these rules.
    return ports.flatMap((port) => {
      const match = (rule.match ?? [{}]).filter((m) => m.port === undefined || m.port === port).map((m) => ({ ...m, port }));
      return match.length ? [{ ...renderHttpRoute(this, options, this, port), name: options.name && `${options.name}-${port}`, match }] : [];
    });
  }

  public allowFrom(...callers: IMeshIdentity[]): void {
    if (callers.length === 0) {
      throw new Error(`${this.node.path}: allowFrom needs at least one caller (an ALLOW policy with no principals would deny everyone)`);
    }
    callers.forEach((c, i) => checkIdentity(`${this.node.path}: allowFrom`, i, c));
    checkEnforced(this, 'allowFrom', this.namespace);
    if (!this.allowedPrincipals) {
      // The policy keeps a reference to this array: callers added later still land in it.
      this.allowedPrincipals = [];
      // In ambient mode, the waypoint that serves the service enforces it (with a ztunnel side).
      const target = { namespace: this.namespace, service: this };
      const attachment = attachPolicy(this, target, undefined);
      const rules = [{ from: [{ source: { principals: this.allowedPrincipals } }] }];
      this.allowPolicy = new (security().AuthorizationPolicy)(this, 'AllowFrom', {
        metadata: this._metadata(`${this.name}-allow`),
        spec: { action: security().AuthorizationPolicySpecAction.ALLOW, selector: attachment.selector, targetRefs: attachment.targetRefs, rules },
      });
      if (attachment.waypoint) ztunnelCompanion(this, 'AllowFromZtunnel', this._metadata(`${this.name}-allow-ztunnel`), target, attachment.waypoint, rules);
      // Principals come from the caller's certificate: over plaintext there is none to match.
      this.node.addValidation({
        validate: () => {
          // An ALLOW policy of the app's own may let those callers in by other means (Source.ipBlocks).
          if (hasOwnAllowPolicy(this, this.namespace.name, this.name, this.namespace.platform.rootNamespace)) return [];
          const plaintext = (OWN_CLIENT_TLS.get(this) ?? []).filter((p) => p.mode === ClientTlsMode.DISABLE).map((p) => p.port.port);
          return plaintext.length ? [`allowFrom names callers by their mesh identity, but the trafficPolicy sets tlsMode DISABLE on port ${plaintext.join(', ')}, so the callers send plaintext `
            + 'with no certificate to name them and every call there would be denied: keep mutual TLS (remove tlsMode DISABLE), or allow those callers by address (AuthorizationPolicy with Source.ipBlocks)'] : [];
        },
      });
    }
    const principals = new Set([...this.allowedPrincipals, ...callers.map((c) => c.principal)]);
    this.allowedPrincipals.splice(0, Infinity, ...[...principals].sort());
  }

  /**
   * The callers this app declares (gateways that route here, services that `talksTo` it) that the
   * ALLOW policies on its pods refuse: its namespace denies by default, or `allowFrom` lists others.
   * Only where the library wrote every ALLOW policy (hand-written ones may allow anything).
   */
  private refusedCallers(): string[] {
    if (this.namespace.dataplaneMode !== DataplaneMode.SIDECAR) return [];
    const denies = this.namespace.node.tryFindChild('DenyByDefault') !== undefined;
    if (!denies && !this.allowedPrincipals) return [];
    if (hasOwnAllowPolicy(this, this.namespace.name, this.name, this.namespace.platform.rootNamespace)) return [];
    const callers = [...routingGateways(this), ...CALLERS.get(this) ?? []] as (IConstruct & Partial<IMeshIdentity>)[];
    const allowed = new Set(this.allowedPrincipals);
    return callers.flatMap((caller) => {
      let principal: string;
      try {
        principal = caller.principal!;
      } catch {
        return []; // no mesh identity to allow: reported where it is named
      }
      if (principal === undefined || allowed.has(principal)) return [];
      const why = this.allowedPrincipals ? 'its allowFrom does not list it' : `namespace "${this.namespace.name}" denies by default (allow-nothing) and no ALLOW policy names it`;
      return [`${caller.node.path} sends requests to it, but ${why} (${principal}): every request would be refused; add allowFrom(${caller.node.path.split('/').pop()})`];
    });
  }

  /**
   * Metadata of an object this service writes: `name` in its namespace, with the service's extra
   * labels and annotations and the object's `own` (which take precedence).
   * @internal
   */
  protected _metadata(name: string, own: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) {
    const labels = { ...this._labels, ...own.labels };
    const annotations = { ...this._annotations, ...own.annotations };
    return {
      name,
      namespace: this.namespace.name,
      labels: Object.keys(labels).length ? sortedRecord(labels) : undefined,
      annotations: Object.keys(annotations).length ? sortedRecord(annotations) : undefined,
    };
  }

  /**
   * Records a version and its subset; `elsewhere` when no workload of this app runs it.
   * @internal
   */
  protected _declareVersion(version: string, elsewhere: boolean): void {
    this._checkNewVersion(version);
    this.versionList.push(version);
    if (elsewhere) this.versionsElsewhere.push(version);
    this.subsets?.push({ name: version, labels: { version } });
  }

  /**
   * Throws unless `version` is a valid label value that is not declared yet.
   * @internal
   */
  protected _checkNewVersion(version: string): void {
    checkVersion(this, version);
    if (this.versionList.includes(version)) throw new Error(`${this.node.path}: version "${version}" already exists`);
  }

  /**
   * Creates the DestinationRule (once): subsets for the declared versions and `trafficPolicy`.
   * @internal
   */
  protected _ensureDestinationRule(trafficPolicy?: TrafficPolicyOptions): void {
    if (this.subsets) return;
    for (const p of trafficPolicy?.portSettings ?? []) {
      if (!this.ports.some((q) => q.port === p.port)) {
        throw new Error(`${this.node.path}: trafficPolicy.portSettings names port ${p.port}, which is not a port of the service (${this.ports.map((q) => q.port).join(', ')}): `
          + 'Istio would apply it to no traffic; use a Service port');
      }
    }
    const tls = (port: number) => trafficPolicy?.portSettings?.find((p) => p.port === port)?.tlsMode ?? trafficPolicy?.tlsMode;
    // TLS set in a DestinationRule overrides auto mTLS, which sends plaintext to pods without a sidecar.
    const sidecarless = this.namespace.dataplaneMode === DataplaneMode.NONE;
    const defaultTls = sidecarless ? undefined : ClientTlsMode.ISTIO_MUTUAL;
    registerClientTls(this, this.ports.map((port) => ({ port, mode: tls(port.port) ?? defaultTls })));
    if (sidecarless && this.ports.some((p) => tls(p.port) === ClientTlsMode.ISTIO_MUTUAL)) {
      throw new Error(`${this.node.path}: trafficPolicy tlsMode ISTIO_MUTUAL, but namespace "${this.namespace.name}" has injection disabled: its pods have no sidecar `
        + 'to accept mutual TLS, so every call would fail; omit tlsMode (callers then send plaintext, as auto mTLS decides), or enable injection there');
    }
    const policy = renderTrafficPolicy(this, trafficPolicy ?? {}, defaultTls);
    this.subsets = this.versionList.map((v) => ({ name: v, labels: { version: v } }));
    this.dr = new (networking().DestinationRule)(this, 'DestinationRule', {
      metadata: this._metadata(this.name),
      spec: {
        host: this.fqdn,
        // istiod rejects an empty trafficPolicy.
        trafficPolicy: Object.values(policy).some((v) => v !== undefined) ? policy : undefined,
        // Read at synth: versions added later land in it.
        subsets: Lazy.any({ produce: () => this.subsets!.length ? this.subsets : undefined }) as unknown as DestinationRuleSpecSubsets[],
      },
    });
  }

  /**
   * Tells the mesh analysis about the pods of the versions deployed elsewhere (and, with
   * `unversioned`, about unversioned pods deployed elsewhere), so that subsets and selectors resolve.
   * @internal
   */
  protected _assumePodsElsewhere(unversioned: () => boolean): void {
    assumeObjects(this, () => {
      const versions: (string | undefined)[] = unversioned() ? [undefined, ...this.versionsElsewhere] : this.versionsElsewhere;
      return versions.map((v) => podsElsewhere(this, v));
    });
  }
}

/** A stand-in for the pods of one version that another app deploys: what the analysis needs of them. */
function podsElsewhere(svc: MeshServiceBase, version: string | undefined): any {
  const labels = version === undefined ? { ...svc.selectorLabels } : { ...svc.selectorLabels, version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: version === undefined ? svc.name : `${svc.name}-${version}`, namespace: svc.namespace.name },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { serviceAccountName: svc.serviceAccountName, containers: [] } },
    },
  };
}

/** Throws unless `value` can be a version: a pod label value that also names a subset and workloads. */
function checkVersion(scope: IConstruct, value: string): string {
  // The version is the pod label, the DestinationRule subset's name (istiod wants a DNS-1123 label) and part of workload names.
  if (typeof value !== 'string' || !isDnsLabel(value)) {
    throw new Error(`${scope.node.path}: version "${value}" cannot name a DestinationRule subset, which istiod wants to be a DNS label: `
      + 'use at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "v2", "v2-1"), and label the pods with it');
  }
  return value;
}

/**
 * Throws unless `caller` is a mesh identity (a service or a gateway): jsii languages and JavaScript
 * can pass anything.
 * @internal
 */
export function checkIdentity(where: string, index: number, caller: IMeshIdentity): void {
  if (caller === null || typeof caller !== 'object' || !('principal' in caller)) {
    throw new Error(`${where}: caller ${index + 1} is not a mesh service or gateway (got ${typeof caller === 'string' ? `the string "${caller}"` : String(caller)}): `
      + 'pass MeshService, MeshService.fromServiceAttributes or IngressGateway objects, or use AuthorizationPolicy with Source.principals for raw principals');
  }
}

/** The services that `talksTo` each service. */
const CALLERS = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Records that `caller` calls `target` (`talksTo`).
 * @internal
 */
export function recordCaller(target: IConstruct, caller: IConstruct): void {
  const callers = CALLERS.get(target);
  if (callers) callers.push(caller);
  else CALLERS.set(target, [caller]);
}

/** The TLS mode per port that a service's DestinationRule makes its clients send; undefined where auto mTLS decides. */
type PortTls = { readonly port: ResolvedMeshServicePort; readonly mode?: ClientTlsMode }[];

/** The services with a DestinationRule, by construct tree root, then by namespace name. */
const CLIENT_TLS = new WeakMap<IConstruct, Map<string, { service: MeshServiceBase; ports: PortTls }[]>>();
/** The TLS mode its DestinationRule sets per port, by service. */
const OWN_CLIENT_TLS = new WeakMap<MeshServiceBase, PortTls>();

function registerClientTls(service: MeshServiceBase, ports: PortTls): void {
  OWN_CLIENT_TLS.set(service, ports);
  const root = service.node.root;
  const byNamespace = CLIENT_TLS.get(root) ?? new Map<string, { service: MeshServiceBase; ports: PortTls }[]>();
  CLIENT_TLS.set(root, byNamespace);
  appendTo(byNamespace, service.namespace.name, { service, ports });
}

/**
 * The services of the tree of `root` (of `namespace` only, when given) whose DestinationRule sets
 * the TLS mode of their clients, for the checks against the servers' mTLS modes (TLS set there
 * overrides auto mTLS).
 * @internal
 */
export function clientTls(root: IConstruct, namespace?: string): { service: MeshServiceBase; ports: PortTls }[] {
  const byNamespace = CLIENT_TLS.get(root.node.root);
  if (!byNamespace) return [];
  return namespace === undefined ? [...byNamespace.values()].flat() : byNamespace.get(namespace) ?? [];
}
