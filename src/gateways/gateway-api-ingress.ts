import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayRouteOptions, GatewayServiceType, GatewayTlsMode, GatewayTlsRouteOptions, checkRouteHosts } from './ingress-gateway';
import { assumeObjects } from '../analysis/assumed-objects';
import { checkEnum, checkInstance, checkList, checkNamespaceRef, checkProps } from '../core/check';
import { GkeGatewayClass, isBuiltInGatewayClass } from '../core/gateway-classes';
import { checkHost, hostMatches, hostSlug } from '../core/hosts';
import { gatewayApi } from '../core/l1';
import { checkDnsLabel, checkDnsSubdomain, checkServiceName, sortedRecord } from '../core/names';
import { IMeshIdentity, servicePrincipal } from '../core/principal';
import type { Gateway } from '../imports/gateway.networking.k8s.io';
import { DataplaneMode, hasOwnAllowPolicy } from '../platform/dataplane';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { recordGatewayRoute } from '../platform/waypoint-enrollment';
import { MtlsMode, MtlsPolicy } from '../security/mtls-policy';
import { IMeshDestination, checkInMesh, defaultHttpPort } from '../traffic/destination';
import { GATEWAY_API_GROUP, MAX_RULES, RouteContext, gatewayApiGrpcRules, gatewayApiHttpRules, grantReference, tlsBackendRef } from '../traffic/gateway-api-route';
import { MeshService } from '../workloads/mesh-service';

/** The GatewayClass of a Gateway API ingress: who implements the gateway. */
export class GatewayClass {
  /**
   * Istio's class `istio` (controller `istio.io/gateway-controller`): istiod deploys the gateway's
   * pods, Service and ServiceAccount (`<name>-istio`) from the Gateway, and they join the mesh.
   * Open-source Istio only: Cloud Service Mesh documents no in-cluster `istio` class for its managed
   * control planes.
   */
  public static istio(): GatewayClass {
    return new GatewayClass('istio', true);
  }

  /**
   * A GKE-managed class: a Google Cloud load balancer outside the mesh, which sends to the pods of
   * the route's Services (network endpoint groups) without mesh mTLS. On Cloud Service Mesh, route it
   * to the mesh's ingress gateway Service (e.g. `MeshService.fromServiceAttributes` for the gateway the
   * Cloud Service Mesh recipe installed), which then routes into the mesh.
   */
  public static gke(gatewayClass: GkeGatewayClass): GatewayClass {
    checkEnum('GatewayClass.gke', 'gatewayClass', gatewayClass, GkeGatewayClass, 'GkeGatewayClass');
    return new GatewayClass(gatewayClass, false);
  }

  /**
   * A class installed in the cluster, by name (`istio-remote`, or another controller's). The
   * library then knows nothing of its pods or identity; the mesh analysis takes the GatewayClass as
   * existing (it reports a Gateway of a class nothing provides: KIA1504).
   */
  public static of(name: string): GatewayClass {
    checkDnsLabel('GatewayClass.of', 'class name', name);
    return new GatewayClass(name, false);
  }

  private constructor(
    /** The GatewayClass name. */
    public readonly name: string,
    /** Whether Istio deploys the gateway's pods (and they run in the mesh, with a mesh identity). */
    public readonly istioDeployed: boolean,
  ) {}
}

/** Which namespaces' routes may attach to the gateway's listeners (`allowedRoutes`). */
export class AllowedRoutes {
  /** Routes in the gateway's namespace only (the routes `route()` writes live there). */
  public static sameNamespace(): AllowedRoutes {
    return new AllowedRoutes({ from: 'Same' });
  }

  /** Routes of any namespace. */
  public static allNamespaces(): AllowedRoutes {
    return new AllowedRoutes({ from: 'All' });
  }

  /** Routes of these namespaces (selected by their `kubernetes.io/metadata.name` label) and of the gateway's own. */
  public static fromNamespaces(...namespaces: IMeshNamespace[]): AllowedRoutes {
    if (namespaces.length === 0) throw new Error('AllowedRoutes.fromNamespaces: name at least one namespace');
    namespaces.forEach((n, i) => checkNamespaceRef('AllowedRoutes.fromNamespaces', `namespaces[${i}]`, n));
    return new AllowedRoutes({ from: 'Selector', names: namespaces.map((n) => n.name) });
  }

  private constructor(private readonly spec: { from: string; names?: string[] }) {}

  /**
   * The listener's `allowedRoutes.namespaces`, given the gateway's namespace.
   * @internal
   */
  public _render(gatewayNamespace: string): any {
    if (!this.spec.names) return { from: this.spec.from };
    const values = [...new Set([gatewayNamespace, ...this.spec.names])].sort();
    return { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }] } };
  }
}

/** A TLS certificate in a Secret (`tls.crt`, `tls.key`). */
export interface TlsCertificateRef {
  /** The Secret's name. */
  readonly secretName: string;
  /**
   * The Secret's namespace (another namespace gets a ReferenceGrant that lets the Gateway read it).
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
}

/** CA certificates in a ConfigMap (key `ca.crt`), which client certificates must chain to. */
export interface CaCertificateRef {
  /** The ConfigMap's name. */
  readonly configMapName: string;
  /**
   * The ConfigMap's namespace (another namespace gets a ReferenceGrant that lets the Gateway read it).
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
}

/** TLS on port 443 of a Gateway API ingress. */
export interface GatewayApiTlsOptions {
  /**
   * How TLS is handled: SIMPLE terminates it (listener `tls.mode: Terminate`), MUTUAL terminates it
   * and requires a client certificate that chains to `clientCertificateAuthorities` (the Gateway's
   * `spec.tls.frontend`), PASSTHROUGH routes the encrypted stream by SNI (`routeTls`).
   * @default GatewayTlsMode.SIMPLE
   */
  readonly mode?: GatewayTlsMode;
  /**
   * With MUTUAL: the CA certificates that verify the clients' certificates (at most 8; one is what
   * every implementation supports, and all that Istio's classes take: put several CAs in one
   * ConfigMap's `ca.crt`). Connections without a valid client certificate are refused.
   * @default - none (required with MUTUAL, and only with it)
   */
  readonly clientCertificateAuthorities?: CaCertificateRef[];
  /**
   * The certificates (listener `certificateRefs`; Istio's classes serve at most 2, one RSA and one
   * ECDSA). Required unless PASSTHROUGH.
   * @default - none (PASSTHROUGH)
   */
  readonly certificates?: TlsCertificateRef[];
  /**
   * Answer plain HTTP with a redirect to HTTPS (an HTTPRoute on the HTTP listener; routes then attach to HTTPS only).
   * @default false
   */
  readonly redirectHttp?: boolean;
}

/** Labels and annotations of the objects Istio deploys for the gateway (`spec.infrastructure`). */
export interface GatewayInfrastructure {
  /** @default - none */
  readonly labels?: { [key: string]: string };
  /** @default - none */
  readonly annotations?: { [key: string]: string };
}

/** Properties of a `GatewayApiIngress`. */
export interface GatewayApiIngressProps {
  /** The namespace of the Gateway and of its routes. */
  readonly namespace: IMeshNamespace;
  /**
   * Name of the Gateway (Istio names what it deploys `<name>-istio`).
   * @default 'ingress'
   */
  readonly name?: string;
  /**
   * Who implements the gateway.
   * @default GatewayClass.istio()
   */
  readonly gatewayClass?: GatewayClass;
  /**
   * Hosts the gateway accepts (`*`, `example.com`, `*.example.com`): a listener per host and protocol.
   * @default ['*'] (listeners without a hostname)
   */
  readonly hosts?: string[];
  /**
   * HTTPS (or TLS passthrough) on port 443.
   * @default - HTTP on port 80 only
   */
  readonly tls?: GatewayApiTlsOptions;
  /**
   * Which namespaces' routes may attach to the listeners.
   * @default AllowedRoutes.sameNamespace()
   */
  readonly allowedRoutes?: AllowedRoutes;
  /**
   * Labels and annotations of the Deployment, Service and ServiceAccount Istio deploys (class `istio`).
   * @default - none
   */
  readonly infrastructure?: GatewayInfrastructure;
  /**
   * Type of the Service Istio deploys (class `istio`; annotation `networking.istio.io/service-type`).
   * @default GatewayServiceType.LOAD_BALANCER
   */
  readonly serviceType?: GatewayServiceType;
}

/** A route object and its rules, read at synth. */
interface RouteObject { readonly rules: any[] }

/**
 * Ingress on the Kubernetes Gateway API: a `Gateway` (class `istio` by default: istiod deploys its
 * pods and Service) with an HTTP listener on port 80 and, with `tls`, an HTTPS or TLS listener on
 * 443. `route()` takes the same options as `IngressGateway.route()` and writes HTTPRoutes (GRPCRoutes
 * for gRPC ports), `routeTls()` TLSRoutes; a backend in another namespace gets a ReferenceGrant.
 */
export class GatewayApiIngress extends Construct implements IMeshIdentity {
  /** Name of the Gateway. */
  public readonly name: string;
  /** The namespace of the Gateway and its routes. */
  public readonly namespace: IMeshNamespace;
  /** Hosts the gateway accepts. */
  public readonly hosts: string[];
  /** Its GatewayClass. */
  public readonly gatewayClass: GatewayClass;
  /** The Gateway (escape hatch). */
  public readonly gateway: Gateway;
  private readonly tlsMode?: GatewayTlsMode;
  /** The listeners routes attach to (HTTPS ones when HTTP redirects), by protocol. */
  private readonly routeListeners: Map<string, { name: string; hostname?: string }[]> = new Map();
  private readonly routes = new Map<string, RouteObject[]>();

  constructor(scope: Construct, id: string, props: GatewayApiIngressProps) {
    super(scope, id);
    checkProps(this, props, ['namespace']);
    this.namespace = checkNamespaceRef(this, 'namespace', props.namespace);
    this.gatewayClass = checkInstance(this, 'gatewayClass', props.gatewayClass, GatewayClass, 'GatewayClass.istio()') ?? GatewayClass.istio();
    checkInstance(this, 'allowedRoutes', props.allowedRoutes, AllowedRoutes, 'AllowedRoutes.sameNamespace()');
    checkEnum(this, 'serviceType', props.serviceType, GatewayServiceType, 'GatewayServiceType');
    checkEnum(this, 'tls.mode', props.tls?.mode, GatewayTlsMode, 'GatewayTlsMode');
    checkList(this, 'hosts', props.hosts);
    checkList(this, 'tls.certificates', props.tls?.certificates);
    checkList(this, 'tls.clientCertificateAuthorities', props.tls?.clientCertificateAuthorities);
    this.name = checkDnsLabel(this, 'gateway name', props.name ?? 'ingress');
    const platform = this.namespace.platform;
    if (this.gatewayClass.istioDeployed) {
      if (platform.isManaged) {
        throw new Error(`${this.node.path}: Cloud Service Mesh (${platform.kind}) documents no in-cluster \`istio\` GatewayClass: its managed control plane is not known to deploy `
          + 'gateways from Gateway API Gateways. Use IngressGateway (Istio Gateway and VirtualService, with the gateway the Cloud Service Mesh recipe installs), '
          + 'or a GKE class (GatewayClass.gke(...)) in front of that gateway; mesh routing with HTTPRoutes (RouteApi.GATEWAY_API) is supported');
      }
      checkServiceName(this, 'deployed name', `${this.name}-${this.gatewayClass.name}`);
    } else {
      for (const option of ['infrastructure', 'serviceType'] as const) {
        if (props[option] !== undefined) throw new Error(`${this.node.path}: \`${option}\` configures the pods Istio deploys (GatewayClass.istio()), not class ${this.gatewayClass.name}: remove it`);
      }
    }
    const className = this.gatewayClass.name;
    if (!isBuiltInGatewayClass(className)) {
      assumeObjects(this, () => [{ apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: 'GatewayClass', metadata: { name: className } }]);
    }
    this.hosts = [...(props.hosts ?? ['*'])];
    if (this.hosts.length === 0) throw new Error(`${this.node.path}: \`hosts\` is empty: omit it to accept every host`);
    this.hosts.forEach((h) => checkHost(this, h));
    const twice = this.hosts.find((h, i) => this.hosts.indexOf(h) !== i);
    if (twice !== undefined) throw new Error(`${this.node.path}: host "${twice}" is listed twice in \`hosts\`: list each host once`);
    const allowedRoutes = { namespaces: (props.allowedRoutes ?? AllowedRoutes.sameNamespace())._render(this.namespace.name) };

    // Listener names are unique in a Gateway; hosts whose slugs agree (a-b.example.com, a.b-example.com) get a suffix.
    const names = new Set<string>();
    const listenerName = (base: string) => {
      let name = base.slice(0, 63).replace(/-+$/, '');
      for (let i = 2; names.has(name); i++) name = `${base.slice(0, 63 - `-${i}`.length).replace(/-+$/, '')}-${i}`;
      names.add(name);
      return name;
    };
    const listener = (protocol: string, port: number, host: string, tls?: any) => ({
      name: listenerName(host === '*' ? protocol.toLowerCase() : `${protocol.toLowerCase()}-${hostSlug(host)}`),
      port,
      protocol,
      hostname: host === '*' ? undefined : host,
      tls,
      allowedRoutes,
    });
    const listeners = this.hosts.map((h) => listener('HTTP', 80, h));
    const tls = props.tls;
    this.tlsMode = tls?.mode ?? (tls && GatewayTlsMode.SIMPLE);
    let gatewayTls: any;
    if (tls) {
      const passthrough = this.tlsMode === GatewayTlsMode.PASSTHROUGH;
      gatewayTls = this.clientValidation(tls);
      const certificates = tls.certificates ?? [];
      if (passthrough === (certificates.length > 0)) {
        throw new Error(`${this.node.path}: tls.certificates ${passthrough ? 'do not apply to PASSTHROUGH (the service holds the certificate): remove them' : 'are required to terminate TLS: name the Secrets that hold them'}`);
      }
      if (passthrough && tls.redirectHttp) throw new Error(`${this.node.path}: tls.redirectHttp needs a terminating mode (SIMPLE), not PASSTHROUGH`);
      if (certificates.length > 2 && this.istioController) {
        throw new Error(`${this.node.path}: tls.certificates lists ${certificates.length} Secrets, but Istio serves at most 2 on a listener (one RSA, one ECDSA) and programs no HTTPS listener otherwise: `
          + 'keep one certificate per key type');
      }
      const certificateRefs = certificates.map((c) => this.coreRef('Secret', c.secretName, c.namespace, 'certificate Secret name', 'certificate namespace'));
      listeners.push(...this.hosts.map((h) => passthrough
        ? listener('TLS', 443, h, { mode: 'Passthrough' })
        : listener('HTTPS', 443, h, { mode: 'Terminate', certificateRefs })));
    }
    const of = (protocol: string) => listeners.filter((l) => l.protocol === protocol);
    const named = (protocol: string) => of(protocol).map((l) => l.name);
    this.routeListeners.set('http', tls?.redirectHttp ? of('HTTPS') : []);
    this.routeListeners.set('tls', of('TLS'));

    const labels: Record<string, string> = {};
    if (this.gatewayClass.istioDeployed && platform.revision) labels['istio.io/rev'] = platform.revision;
    const annotations: Record<string, string> = {};
    if (props.serviceType) annotations['networking.istio.io/service-type'] = props.serviceType;
    const infra = props.infrastructure;
    this.gateway = new (gatewayApi().Gateway)(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace.name,
        labels: Object.keys(labels).length ? labels : undefined,
        annotations: Object.keys(annotations).length ? annotations : undefined,
      },
      spec: {
        gatewayClassName: this.gatewayClass.name,
        listeners,
        infrastructure: infra && (infra.labels || infra.annotations)
          ? { labels: infra.labels && sortedRecord(infra.labels), annotations: infra.annotations && sortedRecord(infra.annotations) } : undefined,
        tls: gatewayTls,
      },
    });

    if (tls?.redirectHttp) {
      new (gatewayApi().HttpRoute)(this, 'HttpsRedirect', {
        metadata: { name: `${this.name}-https-redirect`, namespace: this.namespace.name },
        spec: {
          parentRefs: named('HTTP').map((sectionName) => ({ name: this.name, sectionName })),
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }] as any,
        },
      });
    }
  }

  /**
   * The SPIFFE principal of the pods Istio deploys for the gateway (ServiceAccount `<name>-istio`),
   * for `allowFrom` on the services behind it. Other classes' gateways are outside the mesh.
   */
  public get principal(): string {
    if (!this.gatewayClass.istioDeployed) {
      throw new Error(`${this.node.path}: class ${this.gatewayClass.name} is not deployed by Istio: its proxies are outside the mesh and have no SPIFFE identity to allow`);
    }
    return servicePrincipal(this.namespace.platform.trustDomain, this.namespace.name, `${this.name}-${this.gatewayClass.name}`);
  }

  /**
   * Routes requests that match to a mesh service: rules of the HTTPRoute of the route's hosts (a
   * GRPCRoute when the destination port speaks gRPC). The Gateway API orders rules by how specific
   * their matches are (exact path, longest prefix, method, headers, query parameters), not by the
   * order routes are added, and a path prefix matches whole path segments.
   */
  public route(options: GatewayRouteOptions): void {
    checkProps(`${this.node.path}: route`, options, []);
    if (options.to && options.destinations) throw new Error(`${this.node.path}: set \`to\` or \`destinations\`, not both`);
    if (options.match && options.matches) throw new Error(`${this.node.path}: set \`match\` or \`matches\`, not both`);
    const first = options.to ?? options.destinations?.[0]?.service;
    if (!first && !options.redirect) {
      throw new Error(`${this.node.path}: a gateway route needs \`to\`, \`destinations\` (with a service) or \`redirect\``);
    }
    const hosts = this.checkedHosts(options.hosts ?? this.hosts);
    const route = {
      ...options,
      matches: options.match ? [options.match] : options.matches,
      destinations: options.to ? [{ service: options.to, port: options.port }] : options.destinations,
    };
    const port = first && (route.destinations?.[0]?.port ?? defaultHttpPort(first)?.port);
    const grpc = first && first.ports.find((p) => p.port === port)?.protocol.name === 'grpc';
    const ctx = this.context(grpc ? 'GRPCRoute' : 'HTTPRoute');
    const rules = grpc ? gatewayApiGrpcRules(ctx, route, first) : gatewayApiHttpRules(ctx, route, first!);
    this.addRules(ctx.kind, hosts, rules);
    for (const d of route.destinations ?? []) if (d.service) recordGatewayRoute(this, d.service);
    // GKE's load balancers are known to run outside the mesh; another controller's proxies may run in it.
    if ((Object.values(GkeGatewayClass) as string[]).includes(this.gatewayClass.name)) {
      const services = (route.destinations ?? []).flatMap((d) => (d.service ? [{ service: d.service, servicePort: d.port }] : []));
      this.node.addValidation({ validate: () => services.flatMap(({ service, servicePort }) => this.refusedOutsideTheMesh(service, servicePort)) });
    }
  }

  /**
   * Why the pods of `service` refuse what a load balancer outside the mesh sends them: plaintext
   * without a mesh identity, where mTLS is STRICT or the namespace denies by default.
   */
  private refusedOutsideTheMesh(service: IMeshDestination, port: number | undefined): string[] {
    // Only pods this app runs are known to be application pods (a Service owned elsewhere may be the mesh's ingress gateway).
    if (!(service instanceof MeshService) || service.namespace.dataplaneMode === DataplaneMode.NONE) return [];
    const target = service.ports.find((p) => p.port === (port ?? defaultHttpPort(service)?.port))?.targetPort;
    const strict = target === undefined ? undefined : MtlsPolicy._modeOf(service, target);
    const lb = `class ${this.gatewayClass.name} sends plaintext from outside the mesh straight to the pods of ${service.node.path}`;
    if (strict?.mode === MtlsMode.STRICT) {
      return [`${lb}, which require mTLS (STRICT, ${strict.policy}): every request would be refused; route the load balancer to the mesh's ingress gateway Service, `
        + `or make port ${target} PERMISSIVE (MtlsPolicy portModes)`];
    }
    // An ALLOW policy of the app's own may let the load balancer in by address (Source.ipBlocks).
    if (service.namespace.node.tryFindChild('DenyByDefault') && !hasOwnAllowPolicy(this, service.namespace.name, service.name, service.namespace.platform.rootNamespace)) {
      return [`${lb}, whose namespace "${service.namespace.name}" denies by default, and the load balancer has no mesh identity that allowFrom could name: every request would be refused; `
        + 'route the load balancer to the mesh\'s ingress gateway Service, or allow its addresses (AuthorizationPolicy with Source.ipBlocks)'];
    }
    return [];
  }

  /** Whether istiod programs the gateway (its classes `istio`, `istio-remote`, ...), with Istio's limits on listener TLS. */
  private get istioController(): boolean {
    return this.gatewayClass.istioDeployed || /^istio(-|$)/.test(this.gatewayClass.name);
  }

  /** The Gateway's `spec.tls` for MUTUAL: client certificates verified against the CA ConfigMaps. */
  private clientValidation(tls: GatewayApiTlsOptions): any {
    const cas = tls.clientCertificateAuthorities ?? [];
    if (this.tlsMode !== GatewayTlsMode.MUTUAL) {
      if (cas.length) throw new Error(`${this.node.path}: tls.clientCertificateAuthorities verify client certificates, which only tls.mode MUTUAL asks for: set the mode, or remove them`);
      return undefined;
    }
    if (this.gatewayClass.name.startsWith('gke-')) {
      throw new Error(`${this.node.path}: class ${this.gatewayClass.name} does not take client certificate validation from the Gateway (spec.tls.frontend): `
        + 'GKE configures mutual TLS on the load balancer with a ServerTLSPolicy; use SIMPLE here, or GatewayClass.istio() for MUTUAL');
    }
    if (cas.length === 0 || cas.length > 8) {
      throw new Error(`${this.node.path}: tls.mode MUTUAL needs tls.clientCertificateAuthorities (1 to 8 ConfigMaps with ca.crt) to verify client certificates, got ${cas.length}`);
    }
    if (cas.length > 1 && this.istioController) {
      throw new Error(`${this.node.path}: tls.clientCertificateAuthorities lists ${cas.length} ConfigMaps, but Istio takes one CA reference and programs no HTTPS listener otherwise: `
        + 'put every CA in the ca.crt bundle of one ConfigMap');
    }
    const caCertificateRefs = cas.map((ca) => this.coreRef('ConfigMap', ca.configMapName, ca.namespace, 'CA ConfigMap name', 'CA ConfigMap namespace'));
    return { frontend: { default: { validation: { caCertificateRefs } } } };
  }

  /**
   * The Gateway's reference to a core object (a certificate Secret, a CA ConfigMap): the namespace
   * only when it is another one, which gets a ReferenceGrant letting the Gateway read the object.
   */
  private coreRef(kind: 'Secret' | 'ConfigMap', name: string, namespace: string | undefined, nameWhat: string, namespaceWhat: string) {
    checkDnsSubdomain(this, nameWhat, name);
    const other = namespace === undefined || namespace === this.namespace.name ? undefined : checkDnsLabel(this, namespaceWhat, namespace);
    if (other) grantReference(this, { kind: 'Gateway', namespace: this.namespace.name }, { kind, namespace: other, name });
    return { group: '', kind, name, namespace: other };
  }

  /** Routes TLS streams by SNI host to a service that terminates TLS itself (a TLSRoute; needs `tls.mode: PASSTHROUGH`). */
  public routeTls(options: GatewayTlsRouteOptions): void {
    checkProps(`${this.node.path}: routeTls`, options, ['sniHosts', 'to']);
    checkList(this, 'sniHosts', options.sniHosts);
    if (this.tlsMode !== GatewayTlsMode.PASSTHROUGH) {
      throw new Error(`${this.node.path}: routeTls needs tls.mode PASSTHROUGH on the gateway (it terminates TLS otherwise): use route() or set the mode`);
    }
    if (options.sniHosts.length === 0) throw new Error(`${this.node.path}: routeTls needs at least one SNI host`);
    const to = checkInMesh(this, options.to);
    const target = options.port === undefined ? to.ports.find((p) => ['https', 'tls'].includes(p.protocol.name)) : to.ports.find((p) => p.port === options.port);
    if (!target || !['https', 'tls'].includes(target.protocol.name)) {
      throw new Error(`${this.node.path}: routeTls to ${to.node.path}: ${options.port === undefined ? 'the service has no https/tls port' : `port ${options.port} is not an https/tls port of the service`}`);
    }
    const sniHosts = this.checkedHosts(options.sniHosts);
    if (sniHosts.includes('*')) throw new Error(`${this.node.path}: routeTls needs SNI host names, not "*"`);
    this.addRules('TLSRoute', sniHosts, [{ backendRefs: [tlsBackendRef(this.context('TLSRoute'), to, target.port)] }]);
  }

  private context(kind: RouteContext['kind']): RouteContext {
    return { scope: this, namespace: this.namespace.name, kind, alternative: 'use IngressGateway (an Istio Gateway and VirtualService) for this route' };
  }

  /** Appends rules to the route objects of this kind and hosts, sixteen rules to an object. */
  private addRules(kind: RouteContext['kind'], hosts: string[], rules: any[]): void {
    const key = `${kind}|${hosts.join(',')}`;
    const objects = this.routes.get(key) ?? [];
    this.routes.set(key, objects);
    for (const rule of rules) {
      let last = objects[objects.length - 1];
      if (!last || last.rules.length >= MAX_RULES) {
        last = this.routeObject(kind, hosts, objects.length + 1, this.routes.size);
        objects.push(last);
      }
      last.rules.push(rule);
    }
  }

  private routeObject(kind: RouteContext['kind'], hosts: string[], part: number, group: number): RouteObject {
    const object: RouteObject = { rules: [] };
    const suffix = kind === 'HTTPRoute' ? '' : `-${kind === 'GRPCRoute' ? 'grpc' : 'tls'}`;
    const base = `${this.name}${suffix}-${hostSlug(hosts[0])}`.slice(0, 58).replace(/-+$/, '');
    // Only the listeners whose hostname the route's hosts match accept it.
    const sections = this.routeListeners.get(kind === 'TLSRoute' ? 'tls' : 'http')!
      .filter((l) => !l.hostname || hosts.some((h) => h === '*' || hostMatches(h, l.hostname!)));
    const spec = {
      parentRefs: sections.length ? sections.map((l) => ({ name: this.name, sectionName: l.name })) : [{ name: this.name }],
      hostnames: hosts.includes('*') ? undefined : hosts,
      rules: Lazy.any({ produce: () => object.rules }) as any,
    };
    const metadata = { name: checkDnsLabel(this, `${kind} name`, part === 1 ? base : `${base}-${part}`), namespace: this.namespace.name };
    const id = `${kind}${group}-${part}`;
    if (kind === 'HTTPRoute') new (gatewayApi().HttpRoute)(this, id, { metadata, spec });
    else if (kind === 'GRPCRoute') new (gatewayApi().GrpcRoute)(this, id, { metadata, spec });
    else new (gatewayApi().TlsRoute)(this, id, { metadata, spec: spec as any });
    return object;
  }

  private checkedHosts(hosts: string[]): string[] {
    return checkRouteHosts(this, this.hosts, hosts, '');
  }
}
