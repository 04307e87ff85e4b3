import { IConstruct } from 'constructs';
import { RouteApi } from './dataplane';
import { checkEnum, checkProps } from '../core/check';
import { isDnsLabel, isDnsName } from '../core/names';

/** The managed (Cloud) Service Mesh release channel, which decides the revision. */
export enum ReleaseChannel {
  /** Revision `asm-managed`. */
  REGULAR = 'regular',
  /** Revision `asm-managed-rapid`. */
  RAPID = 'rapid',
  /** Revision `asm-managed-stable`. */
  STABLE = 'stable',
}

/** Which control plane runs the mesh. */
export enum MeshPlatformKind {
  /** Managed ASM with a Google-managed istiod per revision (the reference setup). */
  ASM_MANAGED_ISTIOD = 'asm-managed-istiod',
  /** Managed Cloud Service Mesh on the Traffic Director control plane (new fleets). */
  CLOUD_SERVICE_MESH = 'cloud-service-mesh',
  /** Open-source Istio installed in the cluster. */
  ISTIO = 'istio',
}

/** Options for `MeshPlatform.asmManaged()`. */
export interface AsmManagedOptions {
  /**
   * Release channel of the managed control plane.
   * @default ReleaseChannel.REGULAR
   */
  readonly channel?: ReleaseChannel;
  /**
   * Trust domain of workload identities (the first part of SPIFFE principals).
   * `cluster.local` is resolved by istiod to the local trust domain.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * The API of in-mesh routes (`addRoute`) in this platform's namespaces, unless a namespace says otherwise.
   * @default - VirtualService (RouteApi.ISTIO) in sidecar namespaces, HTTPRoute (RouteApi.GATEWAY_API) in ambient ones
   */
  readonly routeApi?: RouteApi;
}

/** Options for `MeshPlatform.cloudServiceMesh()`. */
export interface CloudServiceMeshOptions {
  /**
   * Trust domain of workload identities, usually `PROJECT_ID.svc.id.goog` on Traffic Director.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * The API of in-mesh routes (`addRoute`) in this platform's namespaces, unless a namespace says otherwise.
   * @default - VirtualService (RouteApi.ISTIO) in sidecar namespaces, HTTPRoute (RouteApi.GATEWAY_API) in ambient ones
   */
  readonly routeApi?: RouteApi;
}

/** Options for `MeshPlatform.istio()`. */
export interface IstioOptions {
  /**
   * Control-plane revision (e.g. `1-30`); namespaces then carry `istio.io/rev: <revision>`.
   * @default - the default revision: namespaces carry `istio-injection: enabled`
   */
  readonly revision?: string;
  /**
   * Trust domain of workload identities.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Istio's root namespace (`meshConfig.rootNamespace`): mesh-wide policies live here.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * The namespace istiod runs in (Helm's `global.istioNamespace`), where it reads its mesh
   * ConfigMaps: the shared mesh config of `sharedMeshConfig` is written here.
   * @default - the root namespace (Istio's installers make them the same)
   */
  readonly istioNamespace?: string;
  /**
   * The ConfigMap (in istiod's namespace) that istiod reads as its shared mesh config: istiod
   * installed with `SHARED_MESH_CONFIG=<name>` (Helm: `--set pilot.env.SHARED_MESH_CONFIG=istio-user`).
   * The MeshConfig of `MeshOptions` and `TracingConfig` is written there, and istiod layers the
   * installer's own ConfigMap (`istio` / `istio-<revision>`) over it: fields the installer sets win.
   * @default - none: constructs that need MeshConfig are refused, because the installer's ConfigMap
   * holds the whole mesh config and a document written here would replace it
   */
  readonly sharedMeshConfig?: string;
  /**
   * The API of in-mesh routes (`addRoute`) in this platform's namespaces, unless a namespace says otherwise.
   * @default - VirtualService (RouteApi.ISTIO) in sidecar namespaces, HTTPRoute (RouteApi.GATEWAY_API) in ambient ones
   */
  readonly routeApi?: RouteApi;
}

/** Applied platforms, by the construct they were applied to. */
const APPLIED = new WeakMap<IConstruct, MeshPlatform>();

/**
 * The mesh a set of constructs targets: control plane, injection label, mesh ConfigMap,
 * trust domain. State it once with `applyTo(chart)`; every construct below finds it.
 */
export class MeshPlatform {
  /** Managed ASM with istiod (revision label `asm-managed[-rapid|-stable]`). */
  public static asmManaged(options: AsmManagedOptions = {}): MeshPlatform {
    checkProps('MeshPlatform.asmManaged', options, []);
    const channel = checkEnum('MeshPlatform.asmManaged', 'channel', options.channel, ReleaseChannel, 'ReleaseChannel') ?? ReleaseChannel.REGULAR;
    const revision = channel === ReleaseChannel.REGULAR ? 'asm-managed' : `asm-managed-${channel}`;
    // Google's managed istiod reads the customer's `istio-<revision>` ConfigMap as a layer under its own configuration.
    return new MeshPlatform(MeshPlatformKind.ASM_MANAGED_ISTIOD, options.trustDomain, 'istio-system', revision,
      'istio.io/rev', revision, `istio-${revision}`, `istio-${revision}`, checkEnum('MeshPlatform.asmManaged', 'routeApi', options.routeApi, RouteApi, 'RouteApi'));
  }

  /**
   * Managed Cloud Service Mesh on Traffic Director: `istio-injection: enabled`, and MeshConfig in
   * `istio-asm-managed-rapid` whatever the channel (as Google documents for this control plane).
   */
  public static cloudServiceMesh(options: CloudServiceMeshOptions = {}): MeshPlatform {
    checkProps('MeshPlatform.cloudServiceMesh', options, []);
    return new MeshPlatform(MeshPlatformKind.CLOUD_SERVICE_MESH, options.trustDomain, 'istio-system', undefined,
      'istio-injection', 'enabled', 'istio-asm-managed-rapid', 'istio-asm-managed-rapid', checkEnum('MeshPlatform.cloudServiceMesh', 'routeApi', options.routeApi, RouteApi, 'RouteApi'));
  }

  /** Open-source Istio, default revision or a named one. */
  public static istio(options: IstioOptions = {}): MeshPlatform {
    checkProps('MeshPlatform.istio', options, []);
    const rev = options.revision;
    if (rev !== undefined && !isDnsLabel(rev)) {
      throw new Error(`MeshPlatform.istio: revision "${rev}" is not a valid label value: use lowercase letters, digits and '-' (e.g. "1-30")`);
    }
    const root = options.rootNamespace ?? 'istio-system';
    if (!isDnsLabel(root)) throw new Error(`MeshPlatform.istio: rootNamespace "${root}" is not a valid namespace name: use lowercase letters, digits and '-'`);
    const istioNamespace = options.istioNamespace ?? root;
    if (!isDnsLabel(istioNamespace)) throw new Error(`MeshPlatform.istio: istioNamespace "${istioNamespace}" is not a valid namespace name: use lowercase letters, digits and '-'`);
    const meshConfigName = rev ? `istio-${rev}` : 'istio';
    const shared = options.sharedMeshConfig;
    if (shared !== undefined && (!isDnsName(shared, false) || shared === meshConfigName)) {
      throw new Error(`MeshPlatform.istio: sharedMeshConfig "${shared}" ${shared === meshConfigName ? 'is the installer\'s own ConfigMap' : 'is not a ConfigMap name'}: name the ConfigMap istiod reads as SHARED_MESH_CONFIG, e.g. "istio-user"`);
    }
    return new MeshPlatform(MeshPlatformKind.ISTIO, options.trustDomain, root, rev,
      rev ? 'istio.io/rev' : 'istio-injection', rev ?? 'enabled', meshConfigName, shared,
      checkEnum('MeshPlatform.istio', 'routeApi', options.routeApi, RouteApi, 'RouteApi'), istioNamespace);
  }

  /** The platform applied to `scope` or its nearest ancestor, if any. */
  public static tryOf(scope: IConstruct): MeshPlatform | undefined {
    if (!Array.isArray((scope as any)?.node?.scopes)) throw new Error('MeshPlatform.of: `scope` must be a construct');
    for (const s of [...scope.node.scopes].reverse()) {
      const found = APPLIED.get(s);
      if (found) return found;
    }
    return undefined;
  }

  /** The platform applied to `scope` or its nearest ancestor; throws if there is none. */
  public static of(scope: IConstruct): MeshPlatform {
    const found = MeshPlatform.tryOf(scope);
    if (!found) {
      throw new Error(`${scope.node.path}: no mesh platform found: call e.g. MeshPlatform.asmManaged().applyTo(chart) once, or pass \`platform\` in the props`);
    }
    return found;
  }

  /** Trust domain of workload identities. */
  public readonly trustDomain: string;
  /** The namespace istiod runs in, where its mesh ConfigMaps live. */
  public readonly istioNamespace: string;

  private constructor(
    /** Which control plane this is. */
    public readonly kind: MeshPlatformKind,
    trustDomain: string | undefined,
    /** Istio's root namespace. */
    public readonly rootNamespace: string,
    /** Control-plane revision, when injection selects one by label. */
    public readonly revision: string | undefined,
    /** The namespace label that enables sidecar injection. */
    public readonly injectionLabel: string,
    /** The value of `injectionLabel` that enables injection. */
    public readonly injectionValue: string,
    /** Name of the mesh ConfigMap (in `istioNamespace`) whose `mesh` key holds MeshConfig. */
    public readonly meshConfigName: string,
    /**
     * The ConfigMap (in `istioNamespace`) where this app writes MeshConfig: the customer ConfigMap of
     * a managed platform, which the managed control plane merges with its own configuration, or the shared mesh config
     * of open-source Istio (`IstioOptions.sharedMeshConfig`); undefined when there is none.
     */
    public readonly appMeshConfigName: string | undefined,
    /** The API of in-mesh routes, when the platform chooses it for every namespace. */
    public readonly routeApi?: RouteApi,
    istioNamespace?: string,
  ) {
    this.trustDomain = trustDomain ?? 'cluster.local';
    this.istioNamespace = istioNamespace ?? rootNamespace;
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.trustDomain)) {
      throw new Error(`MeshPlatform: trust domain "${this.trustDomain}" is not a valid domain: use lowercase letters, digits, '-' and '.' (e.g. "my-project.svc.id.goog")`);
    }
  }

  /** Whether this is a Google-managed control plane (ASM istiod or Traffic Director). */
  public get isManaged(): boolean {
    return this.kind !== MeshPlatformKind.ISTIO;
  }

  /**
   * Why this platform cannot run the ambient data plane, or undefined when it can (open-source Istio).
   */
  public get ambientUnsupportedReason(): string | undefined {
    if (this.kind === MeshPlatformKind.ISTIO) return undefined;
    return 'Cloud Service Mesh (managed istiod and Traffic Director alike) documents no ambient mode: no ztunnel, no istio-waypoint class, '
      + 'and its supported-features pages list none (GKE\'s own "ambient networking" is a separate product, enrolled with networking.gke.io/dataplane-mode '
      + 'and configured with GCP policies instead of Istio APIs)';
  }

  /**
   * Makes this the platform of every construct in `scope` (usually a Chart or the App), and
   * turns on the mesh analysis of the whole app at synth (`MeshAnalyzer`; opt out with
   * `MeshAnalyzer.attach(app, { enabled: false })`).
   */
  public applyTo(scope: IConstruct): void {
    if (typeof (scope as any)?.node?.path !== 'string') {
      throw new Error('MeshPlatform.applyTo: `scope` must be a construct (a Chart, or the App)');
    }
    const applied = APPLIED.get(scope);
    // The same platform applied twice is harmless; another one would change what is written.
    if (applied && JSON.stringify(applied) !== JSON.stringify(this)) {
      throw new Error(`${scope.node.path || 'the app'}: a mesh platform (${applied.describe()}) is already applied here, and this one (${this.describe()}) would silently replace it for every construct below: `
        + 'apply one platform per scope, or pass `platform` to the constructs that run elsewhere');
    }
    APPLIED.set(scope, this);
    // The analyzer (checks, schemas, YAML parser) loads here, not with the library.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('../analysis/analyzer') as typeof import('../analysis/analyzer')).MeshAnalyzer._ensure(scope, this.rootNamespace, this.istioNamespace);
  }

  /** The kind and revision, for messages. */
  private describe(): string {
    return this.revision ? `${this.kind}, revision ${this.revision}` : this.kind;
  }
}
