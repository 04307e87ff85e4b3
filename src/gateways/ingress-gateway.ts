import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { recordGatewaySelection } from './gateway-selection';
import { gatewayWorkload } from './gateway-workload';
import { InstalledGateway } from './installed-gateway';
import { assumeObjects } from '../analysis/assumed-objects';
import { checkEnum, checkInstance, checkList, checkNamespaceRef, checkProps } from '../core/check';
import { checkHost, hostCovers, hostMatches, hostSlug } from '../core/hosts';
import { networking } from '../core/l1';
import { checkDnsLabel, checkDnsSubdomain, checkServiceName } from '../core/names';
import { IMeshIdentity, servicePrincipal } from '../core/principal';
import type {
  Gateway, GatewaySpecServers, GatewaySpecServersTlsMinProtocolVersion, GatewaySpecServersTlsMode, VirtualService, VirtualServiceSpecHttp,
  VirtualServiceSpecTls,
} from '../imports/networking.istio.io';
import { hasOwnAllowPolicy } from '../platform/dataplane';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { recordGatewayRoute } from '../platform/waypoint-enrollment';
import { IGatewayPods } from '../security/policy-target';
import { IMeshDestination, checkDestination, checkInMesh } from '../traffic/destination';
import { HttpMatch } from '../traffic/http-match';
import { HttpRouteOptions, renderHttpRoute } from '../traffic/http-route';
import { ContainerResources } from '../workloads/resources';
import { AutoscalingOptions, DisruptionBudget } from '../workloads/scaling';

/** How the gateway's Service is exposed. */
export enum GatewayServiceType {
  /** A cloud load balancer (the usual ingress). */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** Cluster-internal only (e.g. behind another load balancer). */
  CLUSTER_IP = 'ClusterIP',
}

/** How the gateway handles TLS on port 443. */
export enum GatewayTlsMode {
  /** Terminate TLS with the gateway's certificate. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require client certificates signed by the CA in the credential (`ca.crt`). */
  MUTUAL = 'MUTUAL',
  /** Do not terminate: route the encrypted stream by SNI (`routeTls`) to a service that terminates it. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Minimum TLS version accepted. */
export enum TlsVersion {
  /** TLS 1.2. */
  TLS_V1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLS_V1_3 = 'TLSV1_3',
}

/** TLS on port 443 of the gateway. */
export interface GatewayTlsOptions {
  /**
   * How TLS is handled.
   * @default GatewayTlsMode.SIMPLE
   */
  readonly mode?: GatewayTlsMode;
  /**
   * Name of the Secret with the certificate (`tls.crt`, `tls.key`, and `ca.crt` for MUTUAL), in the
   * namespace of the gateway's pods (`workloadNamespace`: `namespace` for a gateway deployed here,
   * the installed gateway's own, e.g. `istio-system`, for one that is `installed`), where the
   * gateway reads it. Required unless PASSTHROUGH.
   * @default - none (PASSTHROUGH)
   */
  readonly credentialName?: string;
  /**
   * Lowest TLS version accepted (not with PASSTHROUGH: the service behind the gateway negotiates the version).
   * @default - Istio's default (TLS 1.2)
   */
  readonly minProtocolVersion?: TlsVersion;
  /**
   * Answer plain HTTP with a redirect to HTTPS.
   * @default false
   */
  readonly redirectHttp?: boolean;
}

/** Properties of an `IngressGateway`. */
export interface IngressGatewayProps {
  /**
   * The mesh namespace of the Istio Gateway and its routes, and of the gateway pods this construct
   * deploys (it must have injection on then: the proxy is injected).
   */
  readonly namespace: IMeshNamespace;
  /**
   * Bind to gateway pods installed outside this app (Istio's Helm chart, `istioctl install`, the
   * Cloud Service Mesh recipes) instead of deploying them: only the Istio Gateway and the routes are written.
   * @default - the gateway's pods, Service, ServiceAccount and Role are deployed here
   */
  readonly installed?: InstalledGateway;
  /**
   * Name of the Istio Gateway and of the objects deployed for it (Deployment, Service,
   * ServiceAccount, Role; also their `app` label).
   * @default - the installed gateway's name, else 'istio-ingressgateway'
   */
  readonly name?: string;
  /**
   * Value of the `istio` label that the Istio Gateway selects (deployed gateways).
   * @default - the name without its `istio-` prefix (`ingressgateway`)
   */
  readonly istioLabel?: string;
  /**
   * A fixed number of gateway pods (deployed gateways), instead of the autoscaler.
   * @default - `autoscaling` owns the count
   */
  readonly replicas?: number;
  /**
   * The HorizontalPodAutoscaler of the gateway pods (deployed gateways; not with `replicas`).
   * @default - 2 to 5 pods at 80% CPU (Istio's gateway chart: 1 to 5), unless `replicas` is set
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * The PodDisruptionBudget of the gateway pods (deployed gateways).
   * @default - `DisruptionBudget.maxUnavailable(1)` when there can be more than one pod, else none
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Service type (deployed gateways).
   * @default GatewayServiceType.LOAD_BALANCER
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * Resources of the gateway proxy (deployed gateways).
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

/** An HTTP route through the gateway to a mesh service. */
export interface GatewayRouteOptions extends HttpRouteOptions {
  /**
   * The destination (shorthand for `destinations: [{ service: to, port }]`).
   * @default - use `destinations`, `redirect` or `directResponse`
   */
  readonly to?: IMeshDestination;
  /**
   * Which paths this route takes (shorthand for `matches: [match]`).
   * @default - `matches`, or every path
   */
  readonly match?: HttpMatch;
  /**
   * Hosts this route answers; each must be accepted by the gateway.
   * @default - the gateway's hosts
   */
  readonly hosts?: string[];
  /**
   * Destination port of `to`.
   * @default - the destination's first HTTP port
   */
  readonly port?: number;
}

/** A TLS passthrough route: encrypted streams for some SNI hosts go to a service as they are. */
export interface GatewayTlsRouteOptions {
  /** SNI host names (each accepted by the gateway). */
  readonly sniHosts: string[];
  /** The service that terminates TLS. */
  readonly to: IMeshDestination;
  /**
   * Its port (a TLS-family port: `https` or `tls`).
   * @default - its first https/tls port
   */
  readonly port?: number;
}

/** Options a gateway deployed here takes, and an installed one does not. */
const DEPLOYED_ONLY: (keyof IngressGatewayProps)[] = ['istioLabel', 'replicas', 'autoscaling', 'disruptionBudget', 'serviceType', 'resources'];

/**
 * An Istio ingress gateway: the Istio `Gateway` and, unless the gateway is `installed` elsewhere,
 * its pods (ServiceAccount, Role and RoleBinding for its certificates, an injected Deployment with
 * `inject.istio.io/templates: gateway` and `image: auto`, its Service). `route()` adds
 * VirtualServices bound to it.
 */
export class IngressGateway extends Construct implements IMeshIdentity, IGatewayPods {
  /** Name of the gateway's objects. */
  public readonly name: string;
  /** The namespace it runs in. */
  public readonly namespace: IMeshNamespace;
  /** Hosts the gateway accepts. */
  public readonly hosts: string[];
  /** Labels of the gateway pods, which the Istio Gateway (and policies on the gateway) select. */
  public readonly selectorLabels: { [key: string]: string };
  /** The namespace of the gateway pods (the installed gateway's, or `namespace`). */
  public readonly workloadNamespace: string;
  /** The ServiceAccount of the gateway pods. */
  public readonly serviceAccountName: string;
  /** The Istio Gateway (escape hatch). */
  public readonly gateway: Gateway;
  /** The gateway's Deployment, when deployed here. */
  public readonly deployment?: ApiObject;
  /** The gateway's Service, when deployed here. */
  public readonly service?: ApiObject;
  /**
   * The ports the gateway proxy listens on (its Istio Gateway's servers), which authorization
   * policies on the gateway match.
   */
  public readonly listenPorts: number[];
  /** The gateway's ServiceAccount, when deployed here. */
  public readonly serviceAccount?: ApiObject;
  /** The Role that lets the gateway read its certificates' Secrets, when deployed here. */
  public readonly role?: ApiObject;
  /** The RoleBinding of `role` to the gateway's ServiceAccount, when deployed here. */
  public readonly roleBinding?: ApiObject;
  /** The gateway's HorizontalPodAutoscaler, when deployed here without fixed `replicas`. */
  public readonly autoscaler?: ApiObject;
  /** The gateway's PodDisruptionBudget, when deployed here and it has one. */
  public readonly disruptionBudget?: ApiObject;
  private readonly routeRules = new Map<string, { http: VirtualServiceSpecHttp[]; tls: VirtualServiceSpecTls[] }>();
  private readonly routeObjects: VirtualService[] = [];
  private readonly vsNames = new Set<string>();
  /** The destination of each SNI host that `routeTls` routed. */
  private readonly sniRoutes = new Map<string, string>();
  private readonly tlsMode?: GatewayTlsMode;
  /** The TLS server's port, which a TLS route's match must name: istiod compares it with the server's number. */
  private readonly tlsPort?: number;

  constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id);
    checkProps(this, props, ['namespace']);
    this.namespace = checkNamespaceRef(this, 'namespace', props.namespace);
    const installed = checkInstance(this, 'installed', props.installed, InstalledGateway, 'InstalledGateway.istioHelmChart()');
    checkEnum(this, 'serviceType', props.serviceType, GatewayServiceType, 'GatewayServiceType');
    checkEnum(this, 'tls.mode', props.tls?.mode, GatewayTlsMode, 'GatewayTlsMode');
    checkEnum(this, 'tls.minProtocolVersion', props.tls?.minProtocolVersion, TlsVersion, 'TlsVersion');
    this.name = checkServiceName(this, 'gateway name', props.name ?? installed?.name ?? 'istio-ingressgateway');
    if (checkList(this, 'hosts', props.hosts)?.length === 0) throw new Error(`${this.node.path}: \`hosts\` is empty: a gateway server accepts no host without one; list the hosts, or omit it for '*'`);
    this.hosts = [...(props.hosts ?? ['*'])];
    this.hosts.forEach((h) => checkHost(this, h));
    let selector: Record<string, string>;
    let httpPort: number | undefined = 80;
    let httpsPort: number | undefined = 443;
    if (installed) {
      for (const option of DEPLOYED_ONLY) {
        if (props[option] !== undefined) throw new Error(`${this.node.path}: \`${option}\` applies to a gateway deployed here, not to the installed ${installed.namespace}/${installed.name}: remove it`);
      }
      selector = installed.selectorLabels;
      this.selectorLabels = installed.selectorLabels;
      this.workloadNamespace = installed.namespace;
      this.serviceAccountName = installed.serviceAccountName;
      httpPort = installed._listenPort('http2', 'http');
      httpsPort = installed._listenPort('https');
      if (httpPort === undefined) {
        throw new Error(`${this.node.path}: the installed gateway ${installed.namespace}/${installed.name} has no Service port named http2 or http: name its HTTP port so the Gateway can listen on it`);
      }
      assumeObjects(this, () => installed._assumedObjects());
    } else {
      const istio = checkDnsLabel(this, 'istioLabel', props.istioLabel ?? this.name.replace(/^istio-/, ''));
      selector = { istio };
      this.selectorLabels = { app: this.name, istio };
      this.workloadNamespace = this.namespace.name;
      this.serviceAccountName = this.name;
      const workload = gatewayWorkload(this, {
        namespace: this.namespace,
        name: this.name,
        selectorLabels: this.selectorLabels,
        serviceType: props.serviceType ?? GatewayServiceType.LOAD_BALANCER,
      }, props);
      // The workload's objects are the gateway's properties of the same names.
      ({
        deployment: this.deployment, service: this.service, serviceAccount: this.serviceAccount, role: this.role,
        roleBinding: this.roleBinding, autoscaler: this.autoscaler, disruptionBudget: this.disruptionBudget,
      } = workload);
    }
    const metadata = { name: this.name, namespace: this.namespace.name };

    const servers: GatewaySpecServers[] = [{
      port: { number: httpPort, name: 'http', protocol: 'HTTP' },
      hosts: this.hosts,
      tls: props.tls?.redirectHttp ? { httpsRedirect: true } : undefined,
    }];
    if (props.tls) {
      const mode = props.tls.mode ?? GatewayTlsMode.SIMPLE;
      const passthrough = mode === GatewayTlsMode.PASSTHROUGH;
      if (passthrough === (props.tls.credentialName !== undefined)) {
        throw new Error(`${this.node.path}: tls.credentialName ${passthrough ? 'does not apply to PASSTHROUGH (the service holds the certificate): remove it' : `is required with ${mode}: name the Secret that holds the certificate`}`);
      }
      if (passthrough && props.tls.minProtocolVersion !== undefined) {
        throw new Error(`${this.node.path}: tls.minProtocolVersion does not apply to PASSTHROUGH (the gateway does not terminate TLS; the service behind it negotiates the version): remove it, or set it on the service`);
      }
      if (passthrough && props.tls.redirectHttp) {
        throw new Error(`${this.node.path}: tls.redirectHttp needs a terminating mode (SIMPLE or MUTUAL), not PASSTHROUGH`);
      }
      if (props.tls.credentialName) checkDnsSubdomain(this, 'tls.credentialName', props.tls.credentialName);
      if (httpsPort === undefined) {
        throw new Error(`${this.node.path}: tls needs a Service port named https on the installed gateway ${installed!.namespace}/${installed!.name}, which has none: add it there, or drop tls`);
      }
      servers.push({
        port: { number: httpsPort, name: passthrough ? 'tls' : 'https', protocol: passthrough ? 'TLS' : 'HTTPS' },
        hosts: this.hosts,
        tls: {
          mode: mode as string as GatewaySpecServersTlsMode,
          credentialName: props.tls.credentialName,
          minProtocolVersion: props.tls.minProtocolVersion as string as GatewaySpecServersTlsMinProtocolVersion | undefined,
        },
      });
    }
    this.tlsMode = props.tls?.mode;
    this.tlsPort = props.tls ? httpsPort : undefined;
    this.listenPorts = servers.map((server) => server.port!.number!);
    this.gateway = new (networking().Gateway)(this, 'Gateway', {
      metadata,
      spec: { selector, servers },
    });
    recordGatewaySelection(this, selector, `${this.workloadNamespace}/${installed?.name ?? this.name}`, installed?.podLabels ?? this.selectorLabels, installed !== undefined);
    if (!installed) {
      // allow-nothing selects every pod of its namespace, the gateway's included.
      const namespace = this.namespace;
      this.node.addValidation({
        validate: () => (namespace.node.tryFindChild('DenyByDefault') && !hasOwnAllowPolicy(this, namespace.name, this.name, namespace.platform.rootNamespace)
          ? [`namespace "${namespace.name}" denies by default (allow-nothing), which applies to the gateway's pods too, and no ALLOW policy is on the gateway: `
            + 'it would refuse every request; add an AuthorizationPolicy on the gateway (`gateway`) that allows its clients, or run the gateway in a namespace of its own']
          : []),
      });
    }
  }

  /** The VirtualServices of `route` and `routeTls`, one per set of hosts, in the order they were created. */
  public get virtualServices(): VirtualService[] {
    return [...this.routeObjects];
  }

  /** The gateway's SPIFFE principal (its service account), for `allowFrom` on the services behind it. */
  public get principal(): string {
    return servicePrincipal(this.namespace.platform.trustDomain, this.workloadNamespace, this.serviceAccountName);
  }

  /**
   * Routes requests that match to a mesh service: a rule in the VirtualService of the
   * route's hosts, bound to this gateway. Rules are evaluated in the order routes are added.
   */
  public route(options: GatewayRouteOptions): void {
    checkProps(`${this.node.path}: route`, options, []);
    checkDestination(this, 'to', options.to);
    checkInstance(this, 'match', options.match, HttpMatch, 'HttpMatch.prefix(\'/api\')');
    if (checkList(this, 'hosts', options.hosts)?.length === 0) throw new Error(`${this.node.path}: route \`hosts\` is empty: list the hosts, or omit it for the gateway's hosts`);
    if (options.to && options.destinations) throw new Error(`${this.node.path}: set \`to\` or \`destinations\`, not both`);
    if (options.port !== undefined && !options.to) throw new Error(`${this.node.path}: route \`port\` is the port of \`to\`, which is not set: give each destination its port`);
    if (options.match && options.matches) throw new Error(`${this.node.path}: set \`match\` or \`matches\`, not both`);
    const first = options.to ?? options.destinations?.[0]?.service;
    if (!first && !options.redirect && !options.directResponse) {
      throw new Error(`${this.node.path}: a gateway route needs \`to\`, \`destinations\` (with a service), \`redirect\` or \`directResponse\``);
    }
    const destinations = options.to ? [{ service: options.to, port: options.port }] : options.destinations;
    const rule = renderHttpRoute(this, { ...options, matches: options.match ? [options.match] : options.matches, destinations }, first!);
    for (const m of rule.match ?? []) {
      // istiod keeps a gateway rule only on the server whose port its match names, and compares sourceLabels with the gateway's own pods.
      if (m.port !== undefined && !this.listenPorts.includes(m.port)) {
        throw new Error(`${this.node.path}: a match names port ${m.port}, which the gateway does not listen on (${this.listenPorts.join(', ')}): the route would never match; use one of them, or drop the port`);
      }
      if (m.sourceLabels) {
        throw new Error(`${this.node.path}: a match names sourceLabels, which at a gateway are compared with the gateway's own pods, so the route would never match: remove them (they select callers inside the mesh)`);
      }
    }
    this.rulesFor(this.checkedHosts(options.hosts ?? this.hosts), 'http').push(rule);
    for (const d of destinations ?? []) if (d.service) recordGatewayRoute(this, d.service);
  }

  /**
   * Routes TLS streams by SNI to a service that terminates TLS itself (needs `tls.mode: PASSTHROUGH`).
   */
  public routeTls(options: GatewayTlsRouteOptions): void {
    checkProps(`${this.node.path}: routeTls`, options, ['sniHosts', 'to']);
    checkList(this, 'sniHosts', options.sniHosts);
    checkDestination(this, 'to', options.to);
    if (this.tlsMode !== GatewayTlsMode.PASSTHROUGH) {
      throw new Error(`${this.node.path}: routeTls needs tls.mode PASSTHROUGH on the gateway (it terminates TLS otherwise): use route() or set the mode`);
    }
    if (options.sniHosts.length === 0) throw new Error(`${this.node.path}: routeTls needs at least one SNI host`);
    const to = checkInMesh(this, options.to);
    const target = options.port === undefined
      ? to.ports.find((p) => p.protocol.name === 'https' || p.protocol.name === 'tls')
      : to.ports.find((p) => p.port === options.port);
    if (!target || !['https', 'tls'].includes(target.protocol.name)) {
      throw new Error(`${this.node.path}: routeTls to ${to.node.path}: ${options.port === undefined ? 'the service has no https/tls port' : `port ${options.port} is not an https/tls port of the service`}`);
    }
    const sniHosts = this.checkedHosts(options.sniHosts);
    for (const sni of sniHosts) {
      const other = this.sniRoutes.get(sni);
      // One filter chain per SNI host: istiod keeps the first rule for a host and skips the others.
      if (other) throw new Error(`${this.node.path}: routeTls: SNI host "${sni}" is already routed to ${other}: the gateway forwards each SNI host to one destination; route it once`);
      this.sniRoutes.set(sni, to.node.path);
    }
    this.rulesFor(sniHosts, 'tls').push({
      match: [{ port: this.tlsPort, sniHosts }],
      route: [{ destination: { host: to.fqdn, port: { number: target.port } } }],
    });
  }

  private checkedHosts(hosts: string[]): string[] {
    return checkRouteHosts(this, this.hosts, hosts, ', and istiod rejects a VirtualService whose hosts overlap (IST0106)');
  }

  /** The HTTP or TLS rules of the VirtualService for these hosts, created on first use. */
  private rulesFor(hosts: string[], kind: 'http' | 'tls'): any[] {
    const key = hosts.join(',');
    let vs = this.routeRules.get(key);
    if (!vs) {
      vs = { http: [], tls: [] };
      this.routeRules.set(key, vs);
      let name = `${this.name}-${hostSlug(hosts[0])}`.slice(0, 60).replace(/-+$/, '');
      if (this.vsNames.has(name)) name = `${name}-${this.routeRules.size}`;
      this.vsNames.add(name);
      const rules = vs;
      this.routeObjects.push(new (networking().VirtualService)(this, `Routes${this.routeRules.size}`, {
        metadata: { name: checkDnsLabel(this, 'VirtualService name', name), namespace: this.namespace.name },
        // The VirtualService reads the rule lists at synth: later routes for these hosts land in them.
        spec: {
          hosts,
          gateways: [this.name],
          http: Lazy.any({ produce: () => rules.http.length ? rules.http : undefined }) as any,
          tls: Lazy.any({ produce: () => rules.tls.length ? rules.tls : undefined }) as any,
        },
      }));
    }
    return vs[kind];
  }
}

/**
 * `hosts` of a route, each accepted by the gateway's `accepted` hosts and none overlapping another.
 * @internal
 */
export function checkRouteHosts(scope: Construct, accepted: string[], hosts: string[], overlapWhy: string): string[] {
  for (const host of hosts) {
    checkHost(scope, host);
    if (!accepted.some((g) => hostCovers(g, host))) {
      throw new Error(`${scope.node.path}: route host "${host}" is not accepted by the gateway (hosts: ${accepted.join(', ')}): add it to the gateway's hosts`);
    }
  }
  hosts.forEach((host, i) => {
    // The same overlap rule as the analyzer's (istiod's host matching).
    const other = hosts.slice(0, i).find((h) => hostMatches(h, host));
    if (other !== undefined) {
      throw new Error(`${scope.node.path}: route hosts "${other}" and "${host}" overlap${overlapWhy}: pass \`hosts\` with one of them, or route them separately`);
    }
  });
  return [...hosts];
}
