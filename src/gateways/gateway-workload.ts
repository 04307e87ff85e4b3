import { ApiObject, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { checkRange } from '../core/names';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { ContainerResources, kubeResources } from '../workloads/resources';

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
  readonly replicas?: number;
  readonly resources?: ContainerResources;
}

/**
 * The objects that run an Istio gateway, as Istio's gateway chart lays them out: a ServiceAccount,
 * a Role and RoleBinding to read its certificates, an injected Deployment (`inject.istio.io/templates:
 * gateway`, `image: auto`) and its Service (status port, 80, 443). Created as children of `scope`.
 * @internal
 */
export function gatewayWorkload(scope: Construct, o: GatewayWorkloadOptions): { deployment: ApiObject; service: ApiObject } {
  if (!o.namespace.injection) {
    throw new Error(`${scope.node.path}: namespace "${o.namespace.name}" has injection disabled, but the gateway's proxy (image: auto) is injected: put the gateway in a namespace with injection on`);
  }
  const metadata = { name: o.name, namespace: o.namespace.name };

  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata });
  // The gateway reads its TLS certificates (credentialName) from Secrets in its namespace.
  new k8s.KubeRole(scope, 'Role', {
    metadata,
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  });
  new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.name },
    subjects: [{ kind: 'ServiceAccount', name: o.name }],
  });

  // Open-source injectors also need the pod opted in by label (the object selector).
  const podLabels: Record<string, string> = o.namespace.platform.isManaged
    ? { ...o.selectorLabels }
    : { ...o.selectorLabels, 'sidecar.istio.io/inject': 'true' };
  const replicas = checkRange(scope, 'replicas', o.replicas ?? 1, 0, 10_000);
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
            resources: kubeResources(o.resources, {
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
  return { deployment, service };
}
