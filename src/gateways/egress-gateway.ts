import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { recordGatewaySelection } from './gateway-selection';
import { gatewayWorkload } from './gateway-workload';
import { checkEnum, checkInstance, checkList, checkNamespaceRef, checkProps } from '../core/check';
import { hostSlug } from '../core/hosts';
import { networking, security } from '../core/l1';
import { boundedName, checkDnsLabel, checkServiceName, shortHash } from '../core/names';
import { IMeshIdentity, servicePrincipal } from '../core/principal';
import type {
  DestinationRule, DestinationRuleSpecSubsets, Gateway, GatewaySpecServers,
  VirtualService, VirtualServiceSpecHttp, VirtualServiceSpecTcp, VirtualServiceSpecTls,
} from '../imports/networking.istio.io';
import type { AuthorizationPolicy, AuthorizationPolicySpecRules } from '../imports/security.istio.io';
import { IMeshNamespace } from '../platform/mesh-namespace';
import type { Source } from '../security/authorization-policy';
import {
  ExternalService, Resolution, ResolvedOrigination, TlsOriginationMode, TlsOriginationOptions, originationSubset, resolveOrigination,
} from '../traffic/external-service';
import { HttpMatch } from '../traffic/http-match';
import { ContainerResources } from '../workloads/resources';
import { AutoscalingOptions, DisruptionBudget } from '../workloads/scaling';

/** The gateway ports that carry the mesh's HTTP and TLS traffic (the ports of its Service). */
const HTTP_PORT = 80;
const TLS_PORT = 443;

/** Properties of an `EgressGateway`. */
export interface EgressGatewayProps {
  /** The mesh namespace the gateway runs in (it must have injection on: the proxy is injected). */
  readonly namespace: IMeshNamespace;
  /**
   * Name of the gateway's Deployment, Service, ServiceAccount, Role, Istio Gateway, DestinationRule
   * and AuthorizationPolicy; also its `app` label.
   * @default 'istio-egressgateway'
   */
  readonly name?: string;
  /**
   * Value of the `istio` label that the Istio Gateway selects.
   * @default - the name without its `istio-` prefix (`egressgateway`)
   */
  readonly istioLabel?: string;
  /**
   * A fixed number of gateway pods, instead of the autoscaler.
   * @default - `autoscaling` owns the count
   */
  readonly replicas?: number;
  /**
   * The HorizontalPodAutoscaler of the gateway pods (not with `replicas`).
   * @default - 2 to 5 pods at 80% CPU (Istio's gateway chart: 1 to 5), unless `replicas` is set
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * The PodDisruptionBudget of the gateway pods.
   * @default - `DisruptionBudget.maxUnavailable(1)` when there can be more than one pod, else none
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Resources of the gateway proxy.
   * @default - requests 100m CPU / 64Mi, limits 200m CPU / 256Mi
   */
  readonly resources?: ContainerResources;
}

/** How an external service's traffic goes through the egress gateway. */
export interface EgressRouteOptions {
  /**
   * Who may send this service's traffic through the gateway: a rule of the gateway's ALLOW
   * AuthorizationPolicy (the caller's identity is known because the hop to the gateway is mutual TLS).
   */
  readonly allowFrom: Source[];
  /**
   * Originate TLS at the gateway: applications call `fromPort` in plain HTTP, and the gateway
   * connects to `port` with TLS. Unlike the sidecars, the gateway can present a client certificate
   * (`MUTUAL`) or take the CA from a Secret in its namespace (`credentialName`).
   * @default - no origination: HTTP leaves as HTTP, and applications' TLS passes through
   */
  readonly originateTls?: TlsOriginationOptions;
}

/**
 * An Istio egress gateway, as Istio's egress gateway tasks set it up: the gateway workload
 * (ServiceAccount, Role and RoleBinding for its Secrets, injected Deployment, ClusterIP Service), the
 * Istio `Gateway`, a DestinationRule for mutual TLS from the sidecars to it (one subset per external
 * host, whose SNI picks the gateway server), and an ALLOW AuthorizationPolicy on who may use it.
 * `route()` sends an `ExternalService` through it: a two-hop VirtualService (sidecars → gateway,
 * gateway → external host), and TLS origination at the gateway when asked.
 */
export class EgressGateway extends Construct implements IMeshIdentity {
  /** Name of the gateway's objects. */
  public readonly name: string;
  /** The namespace it runs in. */
  public readonly namespace: IMeshNamespace;
  /** Labels of the gateway pods, which the Istio Gateway, its subsets and its policy select. */
  public readonly selectorLabels: { [key: string]: string };
  /** The Istio Gateway (escape hatch). */
  public readonly gateway: Gateway;
  /** The DestinationRule of the hop from the sidecars to the gateway (escape hatch). */
  public readonly destinationRule: DestinationRule;
  /** The ALLOW policy on the gateway pods (escape hatch). */
  public readonly authorizationPolicy: AuthorizationPolicy;
  /** The Kubernetes Deployment (escape hatch). */
  public readonly deployment: ApiObject;
  /** The Kubernetes Service (escape hatch). */
  public readonly service: ApiObject;
  /** The gateway's ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** The Role that lets the gateway read Secrets of its namespace (origination credentials). */
  public readonly role: ApiObject;
  /** The RoleBinding of `role` to the gateway's ServiceAccount. */
  public readonly roleBinding: ApiObject;
  /** The gateway's HorizontalPodAutoscaler, unless `replicas` is fixed. */
  public readonly autoscaler?: ApiObject;
  /** The gateway's PodDisruptionBudget, when it has one. */
  public readonly disruptionBudget?: ApiObject;
  private readonly httpHosts: string[] = [];
  private readonly tlsHosts: { host: string; slug: string }[] = [];
  private readonly subsets: DestinationRuleSpecSubsets[] = [];
  private readonly rules: AuthorizationPolicySpecRules[] = [];
  private readonly routed = new Map<string, string>();
  /** The slugs of the routed hosts. */
  private readonly slugs = new Set<string>();
  private readonly routeObjects: VirtualService[] = [];
  private readonly originationObjects: DestinationRule[] = [];

  constructor(scope: Construct, id: string, props: EgressGatewayProps) {
    super(scope, id);
    checkProps(this, props, ['namespace']);
    this.namespace = checkNamespaceRef(this, 'namespace', props.namespace);
    this.name = checkServiceName(this, 'gateway name', props.name ?? 'istio-egressgateway');
    const istio = checkDnsLabel(this, 'istioLabel', props.istioLabel ?? this.name.replace(/^istio-/, ''));
    this.selectorLabels = { app: this.name, istio };
    const metadata = { name: this.name, namespace: this.namespace.name };
    const workload = gatewayWorkload(this, {
      namespace: this.namespace,
      name: this.name,
      selectorLabels: this.selectorLabels,
      // Only the mesh sends traffic to an egress gateway.
      serviceType: 'ClusterIP',
    }, props);
    // The workload's objects are the gateway's properties of the same names.
    ({
      deployment: this.deployment, service: this.service, serviceAccount: this.serviceAccount, role: this.role,
      roleBinding: this.roleBinding, autoscaler: this.autoscaler, disruptionBudget: this.disruptionBudget,
    } = workload);

    // Every server terminates the mesh's mutual TLS; the rendered lists are read at synth, so later routes land in them.
    // HTTP hosts share one server (its routes pick the host by Host header). A TLS host needs a server of its own: a
    // terminating TLS server forwards all its SNI hosts through the first TCP route that matches it, so several hosts on
    // one server would all reach one of them.
    const mutual = networking().GatewaySpecServersTlsMode.ISTIO_UNDERSCORE_MUTUAL;
    const server = (port: number, name: string, protocol: string, hosts: string[]): GatewaySpecServers => (
      { port: { number: port, name, protocol }, hosts, tls: { mode: mutual } });
    this.gateway = new (networking().Gateway)(this, 'Gateway', {
      metadata,
      spec: {
        selector: { istio },
        servers: Lazy.any({
          produce: () => [
            ...this.httpHosts.length ? [server(HTTP_PORT, 'https', 'HTTPS', this.httpHosts)] : [],
            ...this.tlsHosts.map((h) => server(TLS_PORT, `tls-${h.slug}`, 'TLS', [h.host])),
          ],
        }) as any,
      },
    });
    recordGatewaySelection(this, { istio }, `${this.namespace.name}/${this.name}`, this.selectorLabels, false);
    this.destinationRule = new (networking().DestinationRule)(this, 'DestinationRule', {
      metadata,
      spec: { host: this.fqdn, subsets: this.subsets },
    });
    this.authorizationPolicy = new (security().AuthorizationPolicy)(this, 'Policy', {
      metadata,
      spec: { selector: { matchLabels: this.selectorLabels }, action: security().AuthorizationPolicySpecAction.ALLOW, rules: this.rules },
    });
    this.node.addValidation({
      validate: () => this.routed.size ? [] : ['no ExternalService is routed through the egress gateway: call route(), or remove the gateway'],
    });
  }

  /** The two-hop VirtualServices of `route`, one per routed host, in the order they were routed. */
  public get virtualServices(): VirtualService[] {
    return [...this.routeObjects];
  }

  /** The DestinationRules of `route` that originate TLS at the gateway (`originateTls`), in the order they were routed. */
  public get originationRules(): DestinationRule[] {
    return [...this.originationObjects];
  }

  /** The gateway's SPIFFE principal (its service account). */
  public get principal(): string {
    return servicePrincipal(this.namespace.platform.trustDomain, this.namespace.name, this.name);
  }

  /** The cluster-local host name of the gateway's Service. */
  public get fqdn(): string {
    return `${this.name}.${this.namespace.name}.svc.cluster.local`;
  }

  /**
   * Sends an external service's traffic through the gateway: its HTTP port over the gateway's
   * port 80 and its TLS port over 443, both mutual TLS from the sidecars, and on from the gateway
   * to the external host. Only `allowFrom` may use this route. Call it before the callers'
   * `talksTo(service)`, so that their Sidecars reach the gateway too.
   */
  public route(service: ExternalService, options: EgressRouteOptions): void {
    const where = this.node.path;
    checkInstance(this, 'service', service, ExternalService, 'new ExternalService(...)');
    if (service === undefined) throw new Error(`${where}: route needs the ExternalService to send through the gateway`);
    checkProps(`${where}: route`, options, ['allowFrom']);
    checkEnum(this, 'originateTls.mode', options.originateTls?.mode, TlsOriginationMode, 'TlsOriginationMode');
    checkList(this, 'allowFrom', options.allowFrom)!.forEach((s, i) => {
      if (typeof (s as any)?._toIstio !== 'function') throw new Error(`${where}: allowFrom[${i}] must be a Source (e.g. Source.services(front))`);
    });
    const svc = service.node.path;
    const ambient = options.allowFrom.flatMap((s) => s._ambientNamespaces());
    if (ambient.length) {
      throw new Error(`${where}: allowFrom names workloads of the ambient namespace "${ambient[0]}", but the route to ${svc} steers traffic to the gateway with a mesh VirtualService, which only sidecars apply: `
        + 'ztunnel would send their traffic out directly, past the gateway and its policy; give that namespace sidecars, or send it through a waypoint for the ServiceEntry (istio.io/use-waypoint)');
    }
    if (options.allowFrom.length === 0) {
      throw new Error(`${where}: allowFrom is empty for ${svc}: name the sources that may use the gateway (an empty list would let no one)`);
    }
    if (service.destinationRule) {
      throw new Error(`${where}: ${svc} originates TLS at the sidecars (tlsOrigination), but through the gateway the sidecars only carry its traffic to the gateway: move those options to route()'s originateTls`);
    }
    if (service.resolution === Resolution.NONE) {
      throw new Error(`${where}: ${svc} has Resolution.NONE, so the gateway would forward to the address the application dialled, which is the gateway itself (a loop): use Resolution.DNS`);
    }
    if (service.hosts.length !== 1 || service.hosts[0].startsWith('*')) {
      throw new Error(`${where}: ${svc} has host${service.hosts.length > 1 ? 's' : ''} ${service.hosts.join(', ')}, but the gateway forwards to one concrete host per route: create one ExternalService per host`);
    }
    const host = service.hosts[0];
    const other = this.routed.get(host);
    if (other) throw new Error(`${where}: host "${host}" is already routed through the gateway by ${other}: route each host once`);
    if (service.exportTo && !service.exportTo.includes(this.namespace.name)) {
      throw new Error(`${where}: ${svc} is not exported to the gateway's namespace "${this.namespace.name}" (exportTo: ${service.exportTo.join(', ')}), so the gateway cannot see it: add the namespace to exportTo`);
    }
    const ports = this.hopPorts(service);
    const origination = options.originateTls && resolveOrigination(this, service, options.originateTls, true);
    // The callers' Sidecars import the gateway's Service and the route, which lives in the gateway's namespace.
    service._routeThrough(this, [`${this.namespace.name}/${host}`, `${this.namespace.name}/${this.fqdn}`]);
    this.routed.set(host, svc);

    // The slug names the subset (a DNS label) and the gateway server of the host; hosts that read
    // alike as slugs (a.b.com, a-b.com) get a hash of the host.
    let slug = boundedName(hostSlug(host), 63);
    if (this.slugs.has(slug)) slug = boundedName(`${hostSlug(host)}-${shortHash(host)}`, 63);
    this.slugs.add(slug);
    const name = checkDnsLabel(this, 'route name', boundedName(`${this.name}-${slug}`, 63));
    const metadata = { name, namespace: this.namespace.name };
    // Only VirtualServices of the gateway's namespace (the route's own) may bind the host to the gateway.
    const bound = `./${host}`;
    // The SNI of the mutual TLS hop picks the gateway server for this host.
    const hop = (port: number) => ({
      port: { number: port },
      tls: { mode: networking().DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode.ISTIO_UNDERSCORE_MUTUAL, sni: host },
    });
    this.subsets.push({
      name: slug,
      labels: this.selectorLabels,
      trafficPolicy: { portLevelSettings: [...ports.http !== undefined ? [hop(HTTP_PORT)] : [], ...ports.tls !== undefined ? [hop(TLS_PORT)] : []] },
    });
    const from = options.allowFrom.map((s) => ({ source: s._toIstio() }));
    if (ports.http !== undefined) {
      this.httpHosts.push(bound);
      // Browsers and clients send the port in Host when it is not the scheme's default.
      this.rules.push({ from, to: [{ operation: { hosts: [host, `${host}:*`] } }] });
    }
    if (ports.tls !== undefined) {
      this.tlsHosts.push({ host: bound, slug });
      this.rules.push({ from, when: [{ key: 'connection.sni', values: [host] }] });
    }

    this.routeObjects.push(new (networking().VirtualService)(this, `Route-${slug}`, {
      metadata,
      spec: {
        hosts: [host],
        gateways: [`${this.namespace.name}/${this.name}`, 'mesh'],
        exportTo: service.exportTo,
        http: ports.http === undefined ? undefined : this.httpHops(host, slug, ports.http, origination),
        tls: ports.tls === undefined ? undefined : [{
          match: [{ gateways: ['mesh'], port: ports.tls, sniHosts: [host] }],
          route: [{ destination: { host: this.fqdn, subset: slug, port: { number: TLS_PORT } } }],
        }] as VirtualServiceSpecTls[],
        tcp: ports.tls === undefined ? undefined : [{
          match: [{ gateways: [`${this.namespace.name}/${this.name}`], port: TLS_PORT }],
          route: [{ destination: { host, port: { number: ports.tls } } }],
        }] as VirtualServiceSpecTcp[],
      },
    }));
    if (origination) {
      this.originationObjects.push(new (networking().DestinationRule)(this, `Origination-${slug}`, {
        metadata,
        // Only the gateway originates: the sidecars, which send this host to the gateway, never see it.
        spec: { host, exportTo: ['.'], subsets: [originationSubset(origination)] },
      }));
    }
  }

  /** The service's HTTP port and TLS port; the gateway carries one of each per host. */
  private hopPorts(service: ExternalService): { http?: number; tls?: number } {
    const out: { http?: number; tls?: number } = {};
    for (const p of service.ports) {
      const protocol = p.protocol!;
      const kind = protocol.isHttp ? 'http' : (protocol.name === 'https' || protocol.name === 'tls') ? 'tls' : undefined;
      if (!kind) {
        throw new Error(`${this.node.path}: ${service.node.path} port ${p.port} speaks ${protocol.name}, but an egress gateway tells hosts apart by HTTP Host or TLS SNI, so it carries HTTP and TLS ports only: `
          + 'give that port its own ExternalService, called directly');
      }
      if (out[kind] !== undefined) {
        throw new Error(`${this.node.path}: ${service.node.path} has two ${kind === 'http' ? 'HTTP' : 'TLS'} ports (${out[kind]}, ${p.port}), but the gateway receives one per host (on port ${kind === 'http' ? HTTP_PORT : TLS_PORT}) and could not tell them apart: `
          + 'split the service, one ExternalService per port');
      }
      out[kind] = p.port;
    }
    return out;
  }

  /** The two HTTP hops: sidecars → gateway (port 80, subset of the host), gateway → host (TLS port when originating). */
  private httpHops(host: string, slug: string, port: number, origination?: ResolvedOrigination): VirtualServiceSpecHttp[] {
    return [
      {
        match: [{ ...HttpMatch.any().withPort(port)._toIstio(), gateways: ['mesh'] }],
        route: [{ destination: { host: this.fqdn, subset: slug, port: { number: HTTP_PORT } } }],
      },
      {
        match: [{ ...HttpMatch.any().withPort(HTTP_PORT)._toIstio(), gateways: [`${this.namespace.name}/${this.name}`] }],
        route: [{
          destination: origination
            ? { host, subset: originationSubset(origination).name, port: { number: origination.port } }
            : { host, port: { number: port } },
        }],
      },
    ];
  }
}
