// The benchmark mesh as hand-written Kubernetes objects (what the library emits, field for field),
// handed to a sink: the raw-L1 variant turns them into generated L1 objects, the floor variant
// into plain JS objects. Type-only imports: the floor variant must not load cdk8s.
import type { k8s } from 'cdk8s-plus-34';
import { stringify } from 'yaml';
import { BenchService, benchMesh, externalHosts, GATEWAY_NAMESPACE, IMAGE, PORT, Shape } from './shape';
import { destinationRuleSpec, gatewayRoutes, virtualServiceSpec } from './traffic';
import type {
  DestinationRuleProps, GatewayProps, ServiceEntryProps, ServiceEntrySpecLocation, ServiceEntrySpecResolution, SidecarProps, VirtualServiceProps,
  VirtualServiceSpecHttp,
} from '../src/imports/networking.istio.io';
import type {
  AuthorizationPolicyProps, AuthorizationPolicySpecAction, PeerAuthenticationProps, PeerAuthenticationSpecMtlsMode,
} from '../src/imports/security.istio.io';

/** Where the objects go; `quantity` and `intOrString` make the L1 wrapper types (or plain values). */
export interface ManifestSink {
  quantity(value: string): k8s.Quantity;
  intOrString(value: number | string): k8s.IntOrString;
  /** A field whose L1 property name differs from its JSON name, as an object to spread. */
  renamed(l1Name: string, jsonName: string, value: unknown): object;
  namespace(id: string, props: k8s.KubeNamespaceProps): void;
  serviceAccount(id: string, props: k8s.KubeServiceAccountProps): void;
  role(id: string, props: k8s.KubeRoleProps): void;
  roleBinding(id: string, props: k8s.KubeRoleBindingProps): void;
  deployment(id: string, props: k8s.KubeDeploymentProps): void;
  service(id: string, props: k8s.KubeServiceProps): void;
  configMap(id: string, props: k8s.KubeConfigMapProps): void;
  gateway(id: string, props: GatewayProps): void;
  virtualService(id: string, props: VirtualServiceProps): void;
  destinationRule(id: string, props: DestinationRuleProps): void;
  authorizationPolicy(id: string, props: AuthorizationPolicyProps): void;
  peerAuthentication(id: string, props: PeerAuthenticationProps): void;
  serviceEntry(id: string, props: ServiceEntryProps): void;
  sidecar(id: string, props: SidecarProps): void;
}

const INJECTION = { 'istio.io/rev': 'asm-managed' };
const GATEWAY = 'istio-ingressgateway';
const GATEWAY_PRINCIPAL = `cluster.local/ns/${GATEWAY_NAMESPACE}/sa/${GATEWAY}`;

/** Emits every object of the mesh of `n` services into `sink`. */
export function emitMesh(n: number, shape: Shape, sink: ManifestSink): void {
  const mesh = benchMesh(n, shape);
  emitGateway(sink, mesh.services.filter((s) => s.routed).flatMap((s) => gatewayRoutes(shape, s)));
  sink.configMap('mesh-config', {
    metadata: { name: 'istio-asm-managed', namespace: 'istio-system' },
    data: {
      mesh: stringify({
        accessLogFile: '/dev/stdout',
        accessLogEncoding: 'JSON',
        accessLogFormat: `${JSON.stringify({ start_time: '%START_TIME%', path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%', response_code: '%RESPONSE_CODE%' }, undefined, 2)}\n`,
        defaultConfig: { tracing: { stackdriver: {}, sampling: 1 } },
      }),
    },
  });

  for (const namespace of mesh.namespaces) {
    sink.namespace(namespace, { metadata: { name: namespace, labels: INJECTION }, spec: {} });
    sink.peerAuthentication(`${namespace}-mtls`, {
      metadata: { name: 'default', namespace },
      spec: { mtls: { mode: 'STRICT' as string as PeerAuthenticationSpecMtlsMode } },
    });
  }

  if (shape.widePolicies) {
    sink.peerAuthentication('mesh-mtls', {
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' as string as PeerAuthenticationSpecMtlsMode } },
    });
    for (const namespace of mesh.namespaces) {
      sink.authorizationPolicy(`${namespace}-deny`, { metadata: { name: 'allow-nothing', namespace }, spec: {} });
      sink.authorizationPolicy(`${namespace}-from-gateway`, {
        metadata: { name: 'allow-from-gateway', namespace },
        spec: { action: 'ALLOW' as string as AuthorizationPolicySpecAction, rules: [{ from: [{ source: { namespaces: [GATEWAY_NAMESPACE] } }] }] },
      });
    }
  }

  for (const s of mesh.services) {
    const { name, namespace } = s;
    const id = `${namespace}-${name}`;
    const labels = { app: name };
    sink.serviceAccount(`${id}-sa`, { metadata: { name: `${name}-sa`, namespace }, automountServiceAccountToken: false });
    if (shape.versions) {
      emitDeployment(sink, `${id}-deployment`, s, `${name}-v1`, { ...labels, version: 'v1' });
      emitDeployment(sink, `${id}-deployment-v2`, s, `${name}-v2`, { ...labels, version: 'v2' });
    } else {
      emitDeployment(sink, `${id}-deployment`, s, name, labels);
    }
    sink.service(`${id}-service`, {
      metadata: { name, namespace, labels },
      spec: {
        ports: [{ name: `http-${PORT}`, port: PORT, protocol: 'TCP', targetPort: sink.intOrString(PORT) }],
        selector: labels,
        type: 'ClusterIP',
      },
    });
    sink.authorizationPolicy(`${id}-allow`, {
      metadata: { name: `${name}-allow`, namespace },
      spec: {
        action: 'ALLOW' as string as AuthorizationPolicySpecAction,
        rules: [{ from: [{ source: { principals: [...new Set([...s.callers.map((c) => `cluster.local/ns/${namespace}/sa/${c}-sa`), ...s.routed ? [GATEWAY_PRINCIPAL] : []])].sort() } }] }],
        selector: { matchLabels: labels },
      },
    });
    sink.virtualService(`${id}-vs`, { metadata: { name, namespace }, spec: virtualServiceSpec(shape, s) });
    sink.destinationRule(`${id}-dr`, { metadata: { name, namespace }, spec: destinationRuleSpec(shape, s) });
    if (shape.wildcardEgress) {
      const hosts = externalHosts(s);
      sink.serviceEntry(`${id}-partner`, {
        metadata: { name: `${name}-partner`, namespace },
        spec: {
          hosts: [hosts.wildcard],
          location: 'MESH_EXTERNAL' as string as ServiceEntrySpecLocation,
          ports: [{ name: 'https-443', number: 443, protocol: 'HTTPS' }],
          resolution: 'NONE' as string as ServiceEntrySpecResolution,
        },
      });
      sink.sidecar(`${id}-sidecar`, {
        metadata: { name, namespace },
        spec: {
          egress: [{ hosts: ['istio-system/*', `${namespace}/${hosts.wildcard}`, `${namespace}/${hosts.host}`] }],
          workloadSelector: { labels },
        },
      });
    }
  }
}

function emitDeployment(sink: ManifestSink, id: string, s: BenchService, name: string, labels: Record<string, string>): void {
  sink.deployment(id, {
    metadata: { name, namespace: s.namespace, labels },
    spec: {
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      replicas: 1,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: sink.intOrString('25%'), maxUnavailable: sink.intOrString('25%') } },
      template: {
        metadata: { labels, annotations: { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' } },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            name: s.name,
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: PORT }],
            resources: {
              limits: { cpu: sink.quantity('500m'), memory: sink.quantity('512Mi') },
              requests: { cpu: sink.quantity('100m'), memory: sink.quantity('128Mi') },
            },
            securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
          }],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: false,
          restartPolicy: 'Always',
          securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
          serviceAccountName: `${s.name}-sa`,
          ...sink.renamed('setHostnameAsFqdn', 'setHostnameAsFQDN', false),
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  });
}

function emitGateway(sink: ManifestSink, routes: VirtualServiceSpecHttp[]): void {
  const metadata = { name: GATEWAY, namespace: GATEWAY_NAMESPACE };
  const selector = { app: GATEWAY, istio: 'ingressgateway' };
  sink.namespace(GATEWAY_NAMESPACE, { metadata: { name: GATEWAY_NAMESPACE, labels: INJECTION }, spec: {} });
  sink.serviceAccount('gateway-sa', { metadata });
  sink.role('gateway-role', { metadata, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }] });
  sink.roleBinding('gateway-rolebinding', {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: GATEWAY },
    subjects: [{ kind: 'ServiceAccount', name: GATEWAY }],
  });
  sink.deployment('gateway-deployment', {
    metadata: { ...metadata, labels: selector },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { annotations: { 'inject.istio.io/templates': 'gateway' }, labels: selector },
        spec: {
          serviceAccountName: GATEWAY,
          containers: [{
            name: 'istio-proxy',
            image: 'auto',
            resources: {
              limits: { cpu: sink.quantity('200m'), memory: sink.quantity('256Mi') },
              requests: { cpu: sink.quantity('100m'), memory: sink.quantity('64Mi') },
            },
          }],
        },
      },
    },
  });
  sink.service('gateway-service', {
    metadata: { ...metadata, labels: selector },
    spec: {
      type: 'LoadBalancer',
      selector,
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: sink.intOrString(15021) },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: sink.intOrString(80) },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: sink.intOrString(443) },
      ],
    },
  });
  sink.gateway('gateway', {
    metadata,
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  });
  sink.virtualService('gateway-routes', {
    metadata: { name: `${GATEWAY}-all`, namespace: GATEWAY_NAMESPACE },
    spec: { hosts: ['*'], gateways: [GATEWAY], http: routes },
  });
}
