import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { checkRange } from '../core/names';

/**
 * A HorizontalPodAutoscaler (`autoscaling/v2`) on a workload: it owns the replica count, so the
 * workload's manifest leaves `replicas` out (applying it never resets the autoscaler's count).
 * Utilization is relative to the containers' requests.
 */
export interface AutoscalingOptions {
  /**
   * Fewest pods. Istio's gateway chart starts at 1; 2 keeps a pod serving while another is drained or rolled.
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * Most pods (Istio's gateway chart: 5).
   * @default - 5, or `minReplicas` when that is higher
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU use, in percent of the CPU request, that the autoscaler keeps the pods at (Istio's gateway chart: 80).
   * @default 80
   */
  readonly cpuUtilization?: number;
  /**
   * Average memory use, in percent of the memory request, that the autoscaler keeps the pods at.
   * @default - memory does not drive scaling
   */
  readonly memoryUtilization?: number;
}

/**
 * How many pods of a workload voluntary disruptions (node drains, cluster upgrades) may take at
 * once: a PodDisruptionBudget. A budget that allows no eviction at all (minAvailable equal to the
 * replica count, maxUnavailable 0) is refused: it makes every node drain hang.
 */
export class DisruptionBudget {
  /** At least `pods` pods stay available. */
  public static minAvailable(pods: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', pods, false);
  }

  /** At least `percent` % of the pods (rounded up) stay available. */
  public static minAvailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', percent, true);
  }

  /** At most `pods` pods are unavailable at once. */
  public static maxUnavailable(pods: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', pods, false);
  }

  /** At most `percent` % of the pods (rounded up) are unavailable at once. */
  public static maxUnavailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', percent, true);
  }

  /** No PodDisruptionBudget (for gateways, which get one by default). */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', 0, false);
  }

  private constructor(private readonly field: 'minAvailable' | 'maxUnavailable' | 'none', private readonly value: number, private readonly percent: boolean) {}

  /**
   * Whether this is `none()`.
   * @internal
   */
  public get _isNone(): boolean {
    return this.field === 'none';
  }

  /**
   * The PodDisruptionBudget spec fields, checked against `pods`, the fewest pods the workload runs
   * (its replicas, or the autoscaler's minimum). Errors name `scope`.
   * @internal
   */
  public _toKube(scope: Construct, pods: number, podsFrom: string): { minAvailable?: k8s.IntOrString; maxUnavailable?: k8s.IntOrString } {
    const what = `disruptionBudget ${this.field}${this.percent ? 'Percent' : ''}`;
    checkRange(scope, what, this.value, 0, this.percent ? 100 : 10_000);
    // The disruption controller rounds percentages up.
    const count = this.percent ? Math.ceil((this.value * pods) / 100) : this.value;
    const evictable = this.field === 'minAvailable' ? pods - count : count;
    if (evictable <= 0) {
      throw new Error(`${scope.node.path}: ${what}(${this.value}) with ${podsFrom} allows no eviction, so every node drain and cluster upgrade would wait forever: `
        + (this.field === 'minAvailable' ? 'keep minAvailable below the pod count, raise the pod count, or use DisruptionBudget.maxUnavailable(1)' : 'allow at least one pod, e.g. DisruptionBudget.maxUnavailable(1)'));
    }
    const v = this.percent ? k8s.IntOrString.fromString(`${this.value}%`) : k8s.IntOrString.fromNumber(this.value);
    return { [this.field]: v };
  }
}

/** What a workload's scaling objects are built from. @internal */
export interface ScalingTarget {
  /** Kind of the workload (`Deployment`, `StatefulSet`). */
  readonly kind: string;
  /** Name of the workload, and of its autoscaler and budget. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of its pods (the budget's selector). */
  readonly podLabels: Record<string, string>;
  /** Labels and annotations of the scaling objects. */
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** The scaling of one workload, resolved. @internal */
export interface ResolvedScaling {
  /** The fixed replica count, or undefined when an autoscaler owns it. */
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingOptions;
  readonly disruptionBudget?: DisruptionBudget;
}

/**
 * Checks `replicas` against `autoscaling` (one of them owns the count) and returns the fixed count,
 * if any. Errors name `scope`.
 * @internal
 */
export function resolveReplicas(scope: Construct, replicas: number | undefined, autoscaling: AutoscalingOptions | undefined): number | undefined {
  if (replicas !== undefined && autoscaling !== undefined) {
    throw new Error(`${scope.node.path}: set \`replicas\` or \`autoscaling\`, not both: the autoscaler owns the replica count`);
  }
  return autoscaling ? undefined : checkRange(scope, 'replicas', replicas ?? 1, 0, 10_000);
}

/**
 * The HorizontalPodAutoscaler and PodDisruptionBudget of one workload, as children of `scope`
 * with ids suffixed by `idSuffix`.
 * @internal
 */
export function createScaling(
  scope: Construct, idSuffix: string, target: ScalingTarget, s: ResolvedScaling,
): { autoscaler?: ApiObject; disruptionBudget?: ApiObject } {
  const metadata = { name: target.name, namespace: target.namespace, labels: target.labels, annotations: target.annotations };
  let autoscaler: ApiObject | undefined;
  let fewest = s.replicas ?? 0;
  let podsFrom = `replicas ${s.replicas}`;
  if (s.autoscaling) {
    const a = s.autoscaling;
    const min = checkRange(scope, 'autoscaling.minReplicas', a.minReplicas ?? 2, 1, 10_000);
    const max = checkRange(scope, 'autoscaling.maxReplicas', a.maxReplicas ?? Math.max(5, min), 1, 10_000);
    if (min > max) {
      throw new Error(`${scope.node.path}: autoscaling.minReplicas ${min} is above maxReplicas ${max}: the autoscaler could never satisfy both; lower minReplicas or raise maxReplicas`);
    }
    const metric = (name: string, percent: number) => ({
      type: 'Resource',
      resource: { name, target: { type: 'Utilization', averageUtilization: checkRange(scope, `autoscaling.${name}Utilization`, percent, 1, 1000) } },
    });
    const metrics = [metric('cpu', a.cpuUtilization ?? 80)];
    if (a.memoryUtilization !== undefined) metrics.push(metric('memory', a.memoryUtilization));
    autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(scope, `Autoscaler${idSuffix}`, {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: target.kind, name: target.name },
        minReplicas: min,
        maxReplicas: max,
        metrics,
      },
    });
    fewest = min;
    podsFrom = `autoscaling.minReplicas ${min}`;
  }
  let disruptionBudget: ApiObject | undefined;
  if (s.disruptionBudget && !s.disruptionBudget._isNone) {
    disruptionBudget = new k8s.KubePodDisruptionBudget(scope, `DisruptionBudget${idSuffix}`, {
      metadata,
      spec: {
        selector: { matchLabels: target.podLabels },
        ...s.disruptionBudget._toKube(scope, fewest, podsFrom),
        // A pod that is not ready protects nothing: let drains evict it (else a crash-looping pod blocks them).
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
  return { autoscaler, disruptionBudget };
}
