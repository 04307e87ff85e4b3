import { ApiObject, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { DataplaneMode } from '../platform/dataplane';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { ContainerResources, kubeResources } from '../workloads/resources';
import { AutoscalingOptions, DisruptionBudget, createScaling, resolveReplicas } from '../workloads/scaling';

/**
 * What a gateway workload is built from.
 * @internal
 */
export interface GatewayWorkloadOptions {
  /** The namespace the gateway runs in (injection on). */
  readonly namespace: IMeshNamespace;
  /** Name of the ServiceAccount, Role, RoleBinding, Deployment and Service. */
  readonly name: string;
  /** Labels of the gateway pods (`app`, `istio`). */
  readonly selectorLabels: Record<string, string>;
  /** Kubernetes Service type. */
  readonly serviceType: string;
}

/**
 * How many gateway pods run, and with what (the props of the gateways that deploy one).
 * @internal
 */
export interface GatewaySizing {
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingOptions;
  readonly disruptionBudget?: DisruptionBudget;
  readonly resources?: ContainerResources;
}

/**
 * The objects of a gateway workload.
 * @internal
 */
export interface GatewayWorkloadObjects {
  readonly serviceAccount: ApiObject;
  readonly role: ApiObject;
  readonly roleBinding: ApiObject;
  readonly deployment: ApiObject;
  readonly service: ApiObject;
  readonly autoscaler?: ApiObject;
  readonly disruptionBudget?: ApiObject;
}

/**
 * The objects that run an Istio gateway, as Istio's gateway chart lays them out: a ServiceAccount,
 * a Role and RoleBinding to read its certificates, an injected Deployment (`inject.istio.io/templates:
 * gateway`, `image: auto`) and its Service (status port, 80, 443). Unless `replicas` is fixed, a
 * HorizontalPodAutoscaler (2–5 pods at 80% CPU) owns the pod count; a PodDisruptionBudget
 * (maxUnavailable 1) keeps drains from taking every pod whenever there can be more than one.
 * Created as children of `scope`.
 * @internal
 */
export function gatewayWorkload(scope: Construct, o: GatewayWorkloadOptions, sizing: GatewaySizing): GatewayWorkloadObjects {
  if (!o.namespace.injection) {
    const why = o.namespace.dataplaneMode === DataplaneMode.AMBIENT ? 'is in ambient mode, where nothing injects sidecars' : 'has injection disabled';
    throw new Error(`${scope.node.path}: namespace "${o.namespace.name}" ${why}, but the gateway's proxy (image: auto) is injected: put the gateway in a namespace with sidecar injection on`);
  }
  const metadata = { name: o.name, namespace: o.namespace.name };

  const serviceAccount = new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata });
  // The gateway reads its TLS certificates (credentialName) from Secrets in its namespace.
  const role = new k8s.KubeRole(scope, 'Role', {
    metadata,
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  });
  const roleBinding = new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.name },
    subjects: [{ kind: 'ServiceAccount', name: o.name }],
  });

  // Open-source injectors also need the pod opted in by label (the object selector).
  const podLabels: Record<string, string> = o.namespace.platform.isManaged
    ? { ...o.selectorLabels }
    : { ...o.selectorLabels, 'sidecar.istio.io/inject': 'true' };
  // Production defaults: an autoscaler unless the count is fixed, and a budget once there can be two pods.
  const autoscaling = sizing.autoscaling ?? (sizing.replicas === undefined ? {} : undefined);
  const replicas = resolveReplicas(scope, sizing.replicas, autoscaling);
  const disruptionBudget = sizing.disruptionBudget ?? (autoscaling || replicas! > 1 ? DisruptionBudget.maxUnavailable(1) : undefined);
  // The `istio` label marks gateway objects as Istio's own, as Istio's gateway chart does (the
  // analyzers exempt them from application port-naming rules: IST0118, KIA0601, KIA0701).
  const labelled = { ...metadata, labels: o.selectorLabels };
  const deployment = new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: labelled,
    spec: {
      replicas,
      selector: { matchLabels: o.selectorLabels },
      template: {
        metadata: { annotations: { 'inject.istio.io/templates': 'gateway' }, labels: podLabels },
        spec: {
          serviceAccountName: o.name,
          containers: [{
            name: 'istio-proxy',
            image: 'auto', // replaced by the injector with the mesh's proxy image
            resources: kubeResources(`${scope.node.path}: resources`, sizing.resources, {
              cpuRequest: Cpu.millis(100),
              memoryRequest: Size.mebibytes(64),
              cpuLimit: Cpu.millis(200),
              memoryLimit: Size.mebibytes(256),
            }),
          }],
        },
      },
    },
  });

  const service = new k8s.KubeService(scope, 'Service', {
    metadata: labelled,
    spec: {
      type: o.serviceType,
      selector: o.selectorLabels,
      ports: [
        // Readiness endpoint (/healthz/ready) for load-balancer health checks.
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(15021) },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(80) },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(443) },
      ],
    },
  });
  const scaling = createScaling(scope, '', { kind: 'Deployment', name: o.name, namespace: o.namespace.name, podLabels: o.selectorLabels, labels: o.selectorLabels },
    { replicas, autoscaling, disruptionBudget });
  return { serviceAccount, role, roleBinding, deployment, service, ...scaling };
}
