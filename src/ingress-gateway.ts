import { ApiObject, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HttpMatch } from './http-match';
import { Gateway, GatewaySpecServers, GatewaySpecServersTlsMode, VirtualService, VirtualServiceSpecHttp } from './imports/networking.istio.io';
import { MeshNamespace } from './mesh-namespace';
import { MeshService } from './mesh-service';
import { checkDnsLabel, checkRange, hostSlug } from './names';
import { ContainerResources, kubeResources } from './resources';

/** How the gateway's Service is exposed. */
export enum GatewayServiceType {
  /** A cloud load balancer (the usual ingress). */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** Cluster-internal only (e.g. behind another load balancer). */
  CLUSTER_IP = 'ClusterIP',
}

/** HTTPS termination at the gateway. */
export interface GatewayTlsOptions {
  /** Name of the `kubernetes.io/tls` Secret in the gateway's namespace that holds the certificate. */
  readonly credentialName: string;
  /**
   * Answer plain HTTP with a redirect to HTTPS.
   * @default false
   */
  readonly redirectHttp?: boolean;
}

/** Properties of an `IngressGateway`. */
export interface IngressGatewayProps {
  /** The mesh namespace the gateway runs in (it must have injection on: the proxy is injected). */
  readonly namespace: MeshNamespace;
  /**
   * Name of the gateway's Deployment, Service, ServiceAccount, Role and Istio Gateway; also its `app` label.
   * @default 'istio-ingressgateway'
   */
  readonly name?: string;
  /**
   * Value of the `istio` label that the Istio Gateway selects.
   * @default - the name without its `istio-` prefix (`ingressgateway`)
   */
  readonly istioLabel?: string;
  /**
   * Number of gateway pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Service type.
   * @default GatewayServiceType.LOAD_BALANCER
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * Resources of the gateway proxy.
   * @default - requests 100m CPU / 64Mi, limits 200m CPU / 256Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Hosts the gateway accepts (`*`, `example.com`, `*.example.com`).
   * @default ['*']
   */
  readonly hosts?: string[];
  /**
   * HTTPS on port 443, terminated at the gateway.
   * @default - HTTP on port 80 only
   */
  readonly tls?: GatewayTlsOptions;
}

/** A route through the gateway to a mesh service. */
export interface GatewayRouteOptions {
  /** The destination. */
  readonly to: MeshService;
  /**
   * Which paths this route takes.
   * @default HttpMatch.prefix('/')
   */
  readonly match?: HttpMatch;
  /**
   * Hosts this route answers; each must be accepted by the gateway.
   * @default - the gateway's hosts
   */
  readonly hosts?: string[];
  /**
   * Destination port.
   * @default - the destination's first HTTP port
   */
  readonly port?: number;
}

/**
 * An Istio ingress gateway: ServiceAccount, Role and RoleBinding for its certificates,
 * an injected Deployment (`inject.istio.io/templates: gateway`, `image: auto`), its Service,
 * and the Istio `Gateway`. `route()` adds VirtualServices bound to it.
 */
export class IngressGateway extends Construct {
  /** Name of the gateway's objects. */
  public readonly name: string;
  /** The namespace it runs in. */
  public readonly namespace: MeshNamespace;
  /** Hosts the gateway accepts. */
  public readonly hosts: string[];
  /** Labels of the gateway pods, which the Istio Gateway selects. */
  public readonly selectorLabels: { [key: string]: string };
  /** The Istio Gateway (escape hatch). */
  public readonly gateway: Gateway;
  /** The Kubernetes Deployment (escape hatch). */
  public readonly deployment: ApiObject;
  /** The Kubernetes Service (escape hatch). */
  public readonly service: ApiObject;
  private readonly virtualServices = new Map<string, VirtualServiceSpecHttp[]>();

  constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.name = checkDnsLabel(this, 'gateway name', props.name ?? 'istio-ingressgateway');
    const istio = checkDnsLabel(this, 'istioLabel', props.istioLabel ?? this.name.replace(/^istio-/, ''));
    this.hosts = [...(props.hosts ?? ['*'])];
    this.hosts.forEach((h) => checkHost(this, h));
    if (!this.namespace.injection) {
      throw new Error(`${this.node.path}: namespace "${this.namespace.name}" has injection disabled, but the gateway's proxy (image: auto) is injected: put the gateway in a namespace with injection on`);
    }
    const ns = this.namespace.name;
    const platform = this.namespace.platform;
    this.selectorLabels = { app: this.name, istio };
    const metadata = { name: this.name, namespace: ns };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    // The gateway reads its TLS certificates (credentialName) from Secrets in its namespace.
    new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name }],
    });

    // Open-source injectors also need the pod opted in by label (the object selector).
    const podLabels: Record<string, string> = platform.isManaged
      ? { ...this.selectorLabels }
      : { ...this.selectorLabels, 'sidecar.istio.io/inject': 'true' };
    const replicas = checkRange(this, 'replicas', props.replicas ?? 1, 0, 10_000);
    // The `istio` label marks gateway objects as Istio's own, as Istio's gateway chart does (the
    // analyzers exempt them from application port-naming rules: IST0118, KIA0601, KIA0701).
    const labelled = { ...metadata, labels: this.selectorLabels };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: labelled,
      spec: {
        replicas,
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: { annotations: { 'inject.istio.io/templates': 'gateway' }, labels: podLabels },
          spec: {
            serviceAccountName: this.name,
            containers: [{
              name: 'istio-proxy',
              image: 'auto', // replaced by the injector with the mesh's proxy image
              resources: kubeResources(props.resources, {
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

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: labelled,
      spec: {
        type: props.serviceType ?? GatewayServiceType.LOAD_BALANCER,
        selector: this.selectorLabels,
        ports: [
          // Readiness endpoint (/healthz/ready) for load-balancer health checks.
          { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(15021) },
          { name: 'http2', port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(80) },
          { name: 'https', port: 443, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(443) },
        ],
      },
    });

    const servers: GatewaySpecServers[] = [{
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      hosts: this.hosts,
      tls: props.tls?.redirectHttp ? { httpsRedirect: true } : undefined,
    }];
    if (props.tls) {
      checkDnsLabel(this, 'tls.credentialName', props.tls.credentialName);
      servers.push({
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: this.hosts,
        tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: props.tls.credentialName },
      });
    }
    this.gateway = new Gateway(this, 'Gateway', {
      metadata,
      spec: { selector: { istio }, servers },
    });
  }

  /**
   * Routes requests that match to a mesh service: a rule in the VirtualService of the
   * route's hosts, bound to this gateway. Rules are evaluated in the order routes are added.
   */
  public route(options: GatewayRouteOptions): void {
    const to = options.to;
    if (!to.namespace.injection) {
      throw new Error(`${this.node.path}: route to ${to.node.path} goes to a service outside the mesh (namespace "${to.namespace.name}" has injection disabled): enable injection on its namespace or route elsewhere`);
    }
    const port = options.port ?? to.defaultHttpPort?.port;
    const target = to.ports.find((p) => p.port === port);
    if (port === undefined || !target) {
      const known = to.ports.map((p) => `${p.port} (${p.protocol.name})`).join(', ');
      throw new Error(`${this.node.path}: route to ${to.node.path}: ${port === undefined ? 'the service has no HTTP port' : `port ${port} is not a port of the service`}; its ports are ${known}`);
    }
    if (!target.protocol.isHttp) {
      throw new Error(`${this.node.path}: route to ${to.node.path}: port ${port} speaks ${target.protocol.name}, but gateway routes are HTTP: route to an HTTP-family port`);
    }
    const hosts = [...(options.hosts ?? this.hosts)];
    for (const host of hosts) {
      checkHost(this, host);
      if (!this.hosts.some((g) => hostCovers(g, host))) {
        throw new Error(`${this.node.path}: route host "${host}" is not accepted by the gateway (hosts: ${this.hosts.join(', ')}): add it to the gateway's hosts`);
      }
    }
    hosts.forEach((host, i) => {
      const other = hosts.slice(0, i).find((h) => hostCovers(h, host) || hostCovers(host, h));
      if (other !== undefined) {
        throw new Error(`${this.node.path}: route hosts "${other}" and "${host}" overlap, and istiod rejects a VirtualService whose hosts overlap (IST0106): `
          + 'pass `hosts` with one of them, or route them separately');
      }
    });
    const key = hosts.join(',');
    let rules = this.virtualServices.get(key);
    if (!rules) {
      rules = [];
      this.virtualServices.set(key, rules);
      const name = checkDnsLabel(this, 'VirtualService name', `${this.name}-${hostSlug(hosts[0])}`.slice(0, 63).replace(/-+$/, ''));
      new VirtualService(this, `Routes${this.virtualServices.size}`, {
        metadata: { name, namespace: this.namespace.name },
        // The VirtualService keeps a reference to `rules`: later routes for these hosts land in it.
        spec: { hosts, gateways: [this.name], http: rules },
      });
    }
    rules.push({
      match: [{ uri: (options.match ?? HttpMatch.prefix('/'))._toUri() }],
      route: [{ destination: { host: to.fqdn, port: { number: port } } }],
    });
  }
}

function checkHost(scope: Construct, host: string): void {
  if (!/^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/.test(host)) {
    throw new Error(`${scope.node.path}: host "${host}" is not a valid host: use "*", a DNS name, or "*.<domain>"`);
  }
}

/** Whether a gateway host pattern accepts a route host. */
function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && host !== suffix.slice(1);
  }
  return false;
}
