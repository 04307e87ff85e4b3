import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import { DataplaneMode, RouteApi, checkEnforced, markDeniedByDefault } from './dataplane';
import { MeshPlatform } from './mesh-platform';
import { assumeObjects } from '../analysis/assumed-objects';
import { checkEnum, checkInstance, checkProps, checkString } from '../core/check';
import { security } from '../core/l1';
import { checkDnsLabel, checkLabels, sortedRecord } from '../core/names';
import type { AuthorizationPolicy } from '../imports/security.istio.io';

/** The namespace labels Istio's injection webhooks select on, and the ambient label. */
const INJECTION_LABELS = ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode'];

/** A namespace of the mesh: one this app creates (`MeshNamespace`) or one that exists already (`MeshNamespace.fromNamespaceName`). */
export interface IMeshNamespace extends IConstruct {
  /** The namespace name. */
  readonly name: string;
  /** The platform this namespace belongs to. */
  readonly platform: MeshPlatform;
  /** Whether pods in this namespace get a sidecar. */
  readonly injection: boolean;
  /** How its pods join the mesh: sidecars, ambient (ztunnel and waypoints), or not at all. */
  readonly dataplaneMode: DataplaneMode;
  /** The API of the in-mesh routes (`addRoute`) of its services. */
  readonly routeApi: RouteApi;
}

/** Options of `MeshNamespace.fromNamespaceName`. */
export interface ExistingNamespaceOptions {
  /**
   * The mesh platform.
   * @default - the platform applied to the scope (`MeshPlatform.of`)
   */
  readonly platform?: MeshPlatform;
  /**
   * Whether the namespace has sidecar injection on (its label is set by whoever owns it).
   * @default true
   */
  readonly injection?: boolean;
  /**
   * The data plane its owner enrolled it in (`DataplaneMode.AMBIENT` for a namespace labelled
   * `istio.io/dataplane-mode: ambient`); not with `injection`.
   * @default - from `injection`: SIDECAR, or NONE when false
   */
  readonly dataplaneMode?: DataplaneMode;
  /**
   * The API of the in-mesh routes this app writes for its services.
   * @default - the platform's `routeApi`, else HTTPRoute in ambient namespaces and VirtualService otherwise
   */
  readonly routeApi?: RouteApi;
}

/** Properties of a `MeshNamespace`. */
export interface MeshNamespaceProps {
  /**
   * Namespace name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The mesh platform, which decides the injection label.
   * @default - the platform applied to this construct's scope (`MeshPlatform.of`)
   */
  readonly platform?: MeshPlatform;
  /**
   * Whether pods in this namespace get an Istio sidecar. `false` labels the namespace
   * `istio-injection: disabled`, which keeps every injector away.
   * @default true
   */
  readonly injection?: boolean;
  /**
   * How pods join the mesh. `DataplaneMode.AMBIENT` labels the namespace
   * `istio.io/dataplane-mode: ambient` and no injection label (open-source Istio only); not with `injection`.
   * @default - from `injection`: SIDECAR, or NONE when false
   */
  readonly dataplaneMode?: DataplaneMode;
  /**
   * The API of the in-mesh routes (`addRoute`) of the services in this namespace.
   * @default - the platform's `routeApi`, else HTTPRoute (RouteApi.GATEWAY_API) in an ambient namespace, where
   * Istio documents VirtualService on waypoints as alpha, and VirtualService (RouteApi.ISTIO) otherwise
   */
  readonly routeApi?: RouteApi;
  /**
   * Managed data plane (MDP) on managed platforms: sets `mesh.cloud.google.com/proxy`
   * to `{"managed":"true"}` or `{"managed":"false"}`.
   * @default - no annotation (the fleet's setting applies)
   */
  readonly managedDataPlane?: boolean;
  /**
   * Extra labels. The data-plane labels (`istio-injection`, `istio.io/rev`, `istio.io/dataplane-mode`) are set from
   * the platform, `injection` and `dataplaneMode`; they may appear here only with the same value.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * A Kubernetes Namespace labelled for sidecar injection on its mesh platform
 * (`istio.io/rev: <revision>` or `istio-injection: enabled`, never both).
 */
export class MeshNamespace extends Construct implements IMeshNamespace {
  /**
   * A namespace that exists already (created by another app, a Helm chart or the platform team):
   * services, gateways and policies can live in it and name it, and nothing is written for it.
   * The mesh analysis assumes it exists with the platform's injection label (or without, for
   * `injection: false`).
   */
  public static fromNamespaceName(scope: Construct, id: string, name: string, options: ExistingNamespaceOptions = {}): IMeshNamespace {
    checkString('MeshNamespace.fromNamespaceName', 'name', name);
    checkProps('MeshNamespace.fromNamespaceName', options, []);
    return new ExistingNamespace(scope, id, name, options);
  }

  /** The namespace name. */
  public readonly name: string;
  /** The platform this namespace belongs to. */
  public readonly platform: MeshPlatform;
  /** Whether pods in this namespace get a sidecar. */
  public readonly injection: boolean;
  /** How its pods join the mesh. */
  public readonly dataplaneMode: DataplaneMode;
  /** The API of the in-mesh routes of its services. */
  public readonly routeApi: RouteApi;
  /** The underlying cdk8s+ Namespace (escape hatch). */
  public readonly namespace: kplus.Namespace;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    checkProps(this, props, []);
    this.name = checkDnsLabel(this, 'namespace name', props.name ?? id);
    this.platform = checkInstance(this, 'platform', props.platform, MeshPlatform, 'MeshPlatform.istio()') ?? MeshPlatform.of(this);
    this.dataplaneMode = dataplaneModeOf(this, this.platform, props);
    this.injection = this.dataplaneMode === DataplaneMode.SIDECAR;
    this.routeApi = routeApiOf(this, this.platform, this.dataplaneMode, props.routeApi);

    const injection = dataplaneLabels(this.platform, this.dataplaneMode);
    checkOneDataplane(this, this.name, injection);
    const userLabels = props.labels ?? {};
    checkLabels(this, 'labels', userLabels);
    checkLabels(this, 'annotations', props.annotations ?? {}, true);
    for (const key of INJECTION_LABELS) {
      if (key in userLabels && userLabels[key] !== injection[key]) {
        const chosen = Object.entries(injection).map(([k, v]) => `${k}=${v}`).join(', ');
        throw new Error(`${this.node.path}: both injection styles requested: the platform selects ${chosen} and labels set ${key}=${userLabels[key]}; `
          + 'a namespace must carry only one (injection is undefined with both). Remove the label and choose the style with the platform (MeshPlatform.istio({ revision })), `dataplaneMode` or `injection: false`');
      }
    }

    const annotations: Record<string, string> = { ...props.annotations };
    if (props.managedDataPlane !== undefined) {
      if (!this.platform.isManaged) {
        throw new Error(`${this.node.path}: managedDataPlane applies only to managed (Cloud) Service Mesh platforms; remove it for open-source Istio`);
      }
      annotations['mesh.cloud.google.com/proxy'] = JSON.stringify({ managed: String(props.managedDataPlane) });
    }

    this.namespace = new kplus.Namespace(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: sortedRecord({ ...userLabels, ...injection }),
        annotations: Object.keys(annotations).length ? sortedRecord(annotations) : undefined,
      },
    });
  }

  /**
   * Denies every request to this namespace's workloads unless an ALLOW policy (`allowFrom`,
   * `AuthorizationPolicy`) permits it: an `allow-nothing` policy with no rules.
   * @returns the `allow-nothing` policy (the same one when called again)
   */
  public denyByDefault(): AuthorizationPolicy {
    const existing = this.node.tryFindChild('DenyByDefault') as AuthorizationPolicy | undefined;
    if (existing) return existing;
    checkEnforced(this, 'the deny-by-default policy', this);
    const policy = new (security().AuthorizationPolicy)(this, 'DenyByDefault', {
      metadata: { name: 'allow-nothing', namespace: this.name },
      spec: {},
    });
    if (this.dataplaneMode === DataplaneMode.AMBIENT) markDeniedByDefault(this);
    return policy;
  }

  /** The Namespace ApiObject (escape hatch for raw overrides). */
  public get apiObject(): ApiObject {
    return ApiObject.of(this.namespace);
  }
}

/** A namespace that exists outside this app. */
class ExistingNamespace extends Construct implements IMeshNamespace {
  public readonly name: string;
  public readonly platform: MeshPlatform;
  public readonly injection: boolean;
  public readonly dataplaneMode: DataplaneMode;
  public readonly routeApi: RouteApi;

  constructor(scope: Construct, id: string, name: string, options: ExistingNamespaceOptions) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'namespace name', name);
    this.platform = checkInstance(this, 'platform', options.platform, MeshPlatform, 'MeshPlatform.istio()') ?? MeshPlatform.of(this);
    this.dataplaneMode = dataplaneModeOf(this, this.platform, options);
    this.injection = this.dataplaneMode === DataplaneMode.SIDECAR;
    this.routeApi = routeApiOf(this, this.platform, this.dataplaneMode, options.routeApi);
    checkOneDataplane(this, this.name, dataplaneLabels(this.platform, this.dataplaneMode));
    assumeObjects(this, () => [{
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.name, labels: dataplaneLabels(this.platform, this.dataplaneMode) },
    }]);
  }
}

/** Per app, each namespace name's first declaration and the data plane labels it implies. */
const DECLARED = new WeakMap<IConstruct, Map<string, { path: string; labels: string }>>();

/**
 * Throws when another declaration of namespace `name` in the app (a MeshNamespace, or
 * fromNamespaceName in any chart) gives it another data plane: the app would write objects for pods
 * with a sidecar into a namespace whose pods have none, or the other way round.
 */
function checkOneDataplane(scope: IConstruct, name: string, labels: Record<string, string>): void {
  const declared = DECLARED.get(scope.node.root) ?? new Map<string, { path: string; labels: string }>();
  DECLARED.set(scope.node.root, declared);
  const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
  const first = declared.get(name);
  if (!first) {
    declared.set(name, { path: scope.node.path, labels: text });
  } else if (first.labels !== text) {
    throw new Error(`${scope.node.path}: namespace "${name}" is declared here with ${text}, but ${first.path} declares it with ${first.labels}: `
      + 'one namespace has one data plane; declare it once and pass that object around, or give both declarations the same platform, injection and dataplaneMode');
  }
}

/**
 * The labels that select the data plane: the platform's injection label, `istio-injection: disabled`,
 * or the ambient label alone (an injection label beside it would inject sidecars, KIA1311).
 */
function dataplaneLabels(platform: MeshPlatform, mode: DataplaneMode): Record<string, string> {
  if (mode === DataplaneMode.AMBIENT) return { 'istio.io/dataplane-mode': 'ambient' };
  return mode === DataplaneMode.SIDECAR ? { [platform.injectionLabel]: platform.injectionValue } : { 'istio-injection': 'disabled' };
}

/** The data plane of a namespace from `dataplaneMode` or `injection`, checked against the platform. */
function dataplaneModeOf(scope: IConstruct, platform: MeshPlatform, o: { injection?: boolean; dataplaneMode?: DataplaneMode }): DataplaneMode {
  if (o.dataplaneMode !== undefined && o.injection !== undefined) {
    throw new Error(`${scope.node.path}: set \`dataplaneMode\` or \`injection\`, not both (injection: false is DataplaneMode.NONE)`);
  }
  const mode = checkEnum(scope, 'dataplaneMode', o.dataplaneMode, DataplaneMode, 'DataplaneMode') ?? (o.injection === false ? DataplaneMode.NONE : DataplaneMode.SIDECAR);
  const refused = mode === DataplaneMode.AMBIENT ? platform.ambientUnsupportedReason : undefined;
  if (refused) {
    throw new Error(`${scope.node.path}: the ambient data plane is not available on ${platform.kind}: ${refused}. Use DataplaneMode.SIDECAR on this platform, or MeshPlatform.istio() for ambient`);
  }
  return mode;
}

function routeApiOf(scope: IConstruct, platform: MeshPlatform, mode: DataplaneMode, chosen: RouteApi | undefined): RouteApi {
  return checkEnum(scope, 'routeApi', chosen, RouteApi, 'RouteApi') ?? platform.routeApi ?? (mode === DataplaneMode.AMBIENT ? RouteApi.GATEWAY_API : RouteApi.ISTIO);
}
