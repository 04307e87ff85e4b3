import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { checkDnsLabel, sortedRecord } from '../core/names';
import { AuthorizationPolicy } from '../imports/security.istio.io';
import { MeshPlatform } from '../platform/mesh-platform';

/** The two namespace labels Istio's injection webhooks select on. */
const INJECTION_LABELS = ['istio-injection', 'istio.io/rev'];

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
   * Managed data plane (MDP) on managed platforms: sets `mesh.cloud.google.com/proxy`
   * to `{"managed":"true"}` or `{"managed":"false"}`.
   * @default - no annotation (the fleet's setting applies)
   */
  readonly managedDataPlane?: boolean;
  /**
   * Extra labels. The injection labels (`istio-injection`, `istio.io/rev`) are set from
   * the platform and `injection`; they may appear here only with the same value.
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
export class MeshNamespace extends Construct {
  /** The namespace name. */
  public readonly name: string;
  /** The platform this namespace belongs to. */
  public readonly platform: MeshPlatform;
  /** Whether pods in this namespace get a sidecar. */
  public readonly injection: boolean;
  /** The underlying cdk8s+ Namespace (escape hatch). */
  public readonly namespace: kplus.Namespace;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'namespace name', props.name ?? id);
    this.platform = props.platform ?? MeshPlatform.of(this);
    this.injection = props.injection ?? true;

    const injectionLabels: Record<string, string> = this.injection
      ? { [this.platform.injectionLabel]: this.platform.injectionValue }
      : { 'istio-injection': 'disabled' };
    const userLabels = props.labels ?? {};
    for (const key of INJECTION_LABELS) {
      if (key in userLabels && userLabels[key] !== injectionLabels[key]) {
        const chosen = Object.entries(injectionLabels).map(([k, v]) => `${k}=${v}`).join(', ');
        throw new Error(`${this.node.path}: both injection styles requested: the platform selects ${chosen} and labels set ${key}=${userLabels[key]}; `
          + 'a namespace must carry only one (injection is undefined with both). Remove the label and choose the style with the platform (MeshPlatform.istio({ revision })) or `injection: false`');
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
        labels: sortedRecord({ ...userLabels, ...injectionLabels }),
        annotations: Object.keys(annotations).length ? sortedRecord(annotations) : undefined,
      },
    });
  }

  /**
   * Denies every request to this namespace's workloads unless an ALLOW policy (`allowFrom`,
   * `AuthorizationPolicy`) permits it: an `allow-nothing` policy with no rules.
   */
  public denyByDefault(): void {
    if (this.node.tryFindChild('DenyByDefault')) return;
    new AuthorizationPolicy(this, 'DenyByDefault', {
      metadata: { name: 'allow-nothing', namespace: this.name },
      spec: {},
    });
  }

  /** The Namespace ApiObject (escape hatch for raw overrides). */
  public get apiObject(): ApiObject {
    return ApiObject.of(this.namespace);
  }
}
