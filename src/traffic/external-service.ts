import { Construct, IConstruct } from 'constructs';
import { IEgressTarget } from './egress';
import { HttpMatch } from './http-match';
import { checkEnum, checkList, checkNamespaceRef, checkProps, checkString } from '../core/check';
import { networking } from '../core/l1';
import { checkDnsLabel, checkDnsSubdomain, isCidr, isDnsName, isIp } from '../core/names';
import { resolveNamedPorts } from '../core/ports';
import { Protocol } from '../core/protocol';
import type {
  DestinationRule, DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTls, DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode,
  ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecResolution, VirtualService, VirtualServiceSpecHttp,
} from '../imports/networking.istio.io';
import { IMeshNamespace } from '../platform/mesh-namespace';

/** How the proxies find the addresses of an external service. */
export enum Resolution {
  /** Resolve the hosts (or `endpoints`) through DNS; one connection pool per address. */
  DNS = 'DNS',
  /** Resolve through DNS and use the first address only (large pools of addresses). */
  DNS_ROUND_ROBIN = 'DNS_ROUND_ROBIN',
  /** Fixed IP addresses, given as `endpoints`. */
  STATIC = 'STATIC',
  /** Forward to the address the caller connected to (no resolution). */
  NONE = 'NONE',
}

/** Whether the proxies treat an external service as part of the mesh. */
export enum ServiceLocation {
  /** Outside the mesh: no mutual TLS to it, and its metrics count as traffic leaving the mesh. */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /**
   * Part of the mesh though not in the registry (VMs with a sidecar, another cluster's services):
   * mutual TLS applies to the endpoints, which need `endpointServiceAccount` (their mesh identity).
   */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/** How a proxy originates TLS to an external service. */
export enum TlsOriginationMode {
  /** TLS, verifying the server (with `caCertificates` or the CA of `credentialName`). */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS: the proxy also presents the client certificate of `credentialName`. */
  MUTUAL = 'MUTUAL',
}

/**
 * TLS that the mesh originates to an external service: applications call it in plain HTTP on
 * `fromPort`, and the proxy connects to `port` with TLS (Istio's egress TLS origination).
 */
export interface TlsOriginationOptions {
  /**
   * The plain-HTTP port the applications call (an HTTP port of the service).
   * @default 80
   */
  readonly fromPort?: number;
  /**
   * The port of the external server that speaks TLS (an `https` or `tls` port of the service).
   * @default 443
   */
  readonly port?: number;
  /**
   * Simple or mutual TLS.
   * @default TlsOriginationMode.SIMPLE
   */
  readonly mode?: TlsOriginationMode;
  /**
   * Server name sent in the TLS handshake.
   * @default - the service's host
   */
  readonly sni?: string;
  /**
   * Name of a Secret in the namespace of the proxy that originates (the egress gateway's): the
   * client certificate for MUTUAL (`tls.crt`, `tls.key`) and the CA that verifies the server
   * (`ca.crt`). Required for MUTUAL; only at an egress gateway (see `EgressGateway.route`).
   * @default - none
   */
  readonly credentialName?: string;
  /**
   * Path, in the proxy, of the CA certificates that verify the server (instead of `credentialName`).
   * @default - none: the server certificate is not verified against a CA of yours
   */
  readonly caCertificates?: string;
  /**
   * Names the server certificate must carry (subject alternative names).
   * @default - not checked beyond the CA
   */
  readonly subjectAltNames?: string[];
}

/** A port of an external service. */
export interface ExternalServicePort {
  /** The port, 1–65535. */
  readonly port: number;
  /**
   * Protocol. HTTPS/TLS pass through encrypted; HTTP allows TLS origination with a DestinationRule.
   * @default Protocol.https()
   */
  readonly protocol?: Protocol;
  /**
   * Port name.
   * @default - `<protocol>-<port>`
   */
  readonly name?: string;
}

/** Properties of an `ExternalService`. */
export interface ExternalServiceProps {
  /** The namespace the ServiceEntry lives in (its callers must see it: it is exported to all namespaces). */
  readonly namespace: IMeshNamespace;
  /** Host names (`api.example.com`, or `*.example.com` with `Resolution.NONE`). */
  readonly hosts: string[];
  /**
   * Ports.
   * @default - HTTPS on 443; with `tlsOrigination`, HTTP on its `fromPort` and HTTPS on its `port`
   */
  readonly ports?: ExternalServicePort[];
  /**
   * Originate TLS at the calling sidecars: plain HTTP on `fromPort` goes to `port` over TLS (a
   * VirtualService that routes the port, a DestinationRule that originates). To originate at an
   * egress gateway instead, leave this out and use `EgressGateway.route`.
   * @default - no origination: applications speak TLS themselves
   */
  readonly tlsOrigination?: TlsOriginationOptions;
  /**
   * The namespaces that see the service (and its routes and policy); the others cannot call it.
   * @default - every namespace
   */
  readonly exportTo?: IMeshNamespace[];
  /**
   * Whether the service is outside the mesh or part of it.
   * @default ServiceLocation.MESH_EXTERNAL
   */
  readonly location?: ServiceLocation;
  /**
   * Address resolution.
   * @default Resolution.DNS
   */
  readonly resolution?: Resolution;
  /**
   * Virtual IPs or CIDR ranges of the service (CIDRs only with STATIC or NONE).
   * @default - none
   */
  readonly addresses?: string[];
  /**
   * Endpoint addresses (IPs for STATIC; host names or IPs for DNS).
   * @default - the hosts themselves
   */
  readonly endpoints?: string[];
  /**
   * With `ServiceLocation.MESH_INTERNAL`: the service account (in the service's namespace) that the
   * proxies on the `endpoints` run as. It marks the endpoints as mesh workloads, so callers' proxies
   * connect to them with mutual TLS.
   * @default - none (required with MESH_INTERNAL, and only with it)
   */
  readonly endpointServiceAccount?: string;
  /**
   * ServiceEntry name.
   * @default - the construct id
   */
  readonly name?: string;
}

/** The subset of an external host whose traffic policy originates TLS. */
const ORIGINATION_SUBSET = 'tls-origination';

/**
 * A service outside the mesh that workloads may call (a ServiceEntry). Needed for every external
 * host once the mesh's outbound traffic policy is REGISTRY_ONLY (see `MeshOptions`). With
 * `tlsOrigination`, the sidecars turn plain HTTP into TLS on the way out.
 */
export class ExternalService extends Construct implements IEgressTarget {
  /** The hosts. */
  public readonly hosts: string[];
  /** The namespace of the ServiceEntry. */
  public readonly namespace: IMeshNamespace;
  /** The ports, with protocol and name resolved. */
  public readonly ports: ExternalServicePort[];
  /** Address resolution. */
  public readonly resolution: Resolution;
  /**
   * Names of the namespaces the service is exported to.
   * @default - every namespace
   */
  public readonly exportTo?: string[];
  /** The ServiceEntry (escape hatch). */
  public readonly serviceEntry: ServiceEntry;
  /**
   * The VirtualService that routes `tlsOrigination.fromPort` to the TLS port.
   * @default - none without `tlsOrigination`
   */
  public readonly virtualService?: VirtualService;
  /**
   * The DestinationRule that originates TLS.
   * @default - none without `tlsOrigination`
   */
  public readonly destinationRule?: DestinationRule;
  /** The egress gateway this service is routed through, and the Sidecar egress hosts of its Service and routes. */
  private gatewayRoute?: { gateway: string; egressHosts: string[] };
  /** Whether `egressHosts` has been read (a Sidecar holds it from then on). */
  private egressHostsRead = false;

  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    const where = this.node.path;
    checkProps(this, props, ['namespace', 'hosts']);
    this.namespace = checkNamespaceRef(this, 'namespace', props.namespace);
    this.hosts = [...checkList(this, 'hosts', props.hosts)!];
    const resolution = checkEnum(this, 'resolution', props.resolution, Resolution, 'Resolution') ?? Resolution.DNS;
    checkEnum(this, 'location', props.location, ServiceLocation, 'ServiceLocation');
    checkEnum(this, 'tlsOrigination.mode', props.tlsOrigination?.mode, TlsOriginationMode, 'TlsOriginationMode');
    this.resolution = resolution;
    if (this.hosts.length === 0) throw new Error(`${where}: \`hosts\` is empty: list the external host names`);
    const twice = this.hosts.find((h, i) => this.hosts.indexOf(h) !== i);
    if (twice !== undefined) throw new Error(`${where}: host "${twice}" is listed twice: list each host once`);
    for (const host of this.hosts) {
      if (!isDnsName(host, true)) {
        throw new Error(`${where}: host "${host}" is not a DNS name (a bare "*" is not allowed): use e.g. "api.example.com" or "*.example.com"`);
      }
      if (host.startsWith('*.') && (resolution === Resolution.DNS || resolution === Resolution.DNS_ROUND_ROBIN) && !props.endpoints) {
        throw new Error(`${where}: wildcard host "${host}" cannot be resolved through DNS: use Resolution.NONE or give endpoints`);
      }
    }
    const addresses = props.addresses ?? [];
    for (const a of addresses) {
      if (!isIp(a) && !isCidr(a)) throw new Error(`${where}: address "${a}" is not an IP address or CIDR range`);
      if (isCidr(a) && resolution !== Resolution.STATIC && resolution !== Resolution.NONE) {
        throw new Error(`${where}: CIDR address "${a}" needs Resolution.STATIC or Resolution.NONE (Istio rule)`);
      }
    }
    const endpoints = checkList(this, 'endpoints', props.endpoints) ?? [];
    if (props.endpoints?.length === 0) throw new Error(`${where}: \`endpoints\` is empty: list the addresses, or omit it to resolve the hosts themselves`);
    const badEndpoint = endpoints.find((e) => typeof e !== 'string' || (!isIp(e) && !isDnsName(e, false)));
    if (badEndpoint !== undefined) throw new Error(`${where}: endpoint "${badEndpoint}" is not an IP address or a DNS name`);
    if (resolution === Resolution.NONE && endpoints.length) throw new Error(`${where}: Resolution.NONE takes no endpoints: remove them or use STATIC / DNS`);
    if (resolution === Resolution.STATIC) {
      if (!endpoints.length) throw new Error(`${where}: Resolution.STATIC needs endpoints (IP addresses)`);
      const bad = endpoints.find((e) => !isIp(e));
      if (bad) throw new Error(`${where}: STATIC endpoint "${bad}" is not an IP address`);
    }
    if (resolution === Resolution.DNS_ROUND_ROBIN && endpoints.length > 1) {
      throw new Error(`${where}: Resolution.DNS_ROUND_ROBIN takes at most one endpoint`);
    }

    const o = props.tlsOrigination;
    const defaultPorts = o ? [{ port: o.fromPort ?? 80, protocol: Protocol.http() }, { port: o.port ?? 443 }] : [{ port: 443 }];
    if (checkList(this, 'ports', props.ports)?.length === 0) {
      throw new Error(`${where}: \`ports\` is empty: a ServiceEntry without ports matches no traffic; list the ports, or omit \`ports\` for HTTPS on 443`);
    }
    const ports = resolveNamedPorts(this, props.ports ?? defaultPorts, Protocol.https());
    this.ports = ports;
    if (checkList(this, 'exportTo', props.exportTo)?.length === 0) throw new Error(`${where}: \`exportTo\` is empty: list the namespaces that may call the service, or omit it for all`);
    // Callers' namespaces often repeat; istiod refuses an exportTo that names one twice.
    this.exportTo = props.exportTo && [...new Set(props.exportTo.map((n, i) => checkNamespaceRef(this, `exportTo[${i}]`, n).name))];
    const opaque = ports.find((p) => !p.protocol.isHttp && p.protocol.name !== 'https' && p.protocol.name !== 'tls');
    if (this.hosts.length > 1 && resolution !== Resolution.NONE && opaque) {
      throw new Error(`${where}: hosts ${this.hosts.join(', ')} share the ${opaque.protocol.name} port ${opaque.port} with Resolution.${resolution}, but a proxy tells hosts apart only by HTTP Host or TLS SNI, `
        + 'and istiod refuses such a ServiceEntry ("multiple hosts provided with non-HTTP, non-TLS ports"): create one ExternalService per host, or use Resolution.NONE');
    }

    // Auto mTLS sends mutual TLS only to endpoints marked as mesh workloads (a service account, or
    // the tlsMode label); the hosts resolved by DNS are never marked, so they always get plain text.
    const account = props.endpointServiceAccount;
    if (props.location === ServiceLocation.MESH_INTERNAL && (account === undefined || !endpoints.length)) {
      throw new Error(`${where}: MESH_INTERNAL promises mutual TLS, but Istio sends it only to endpoints that carry a mesh identity, so its proxies would send plain text: `
        + 'list the `endpoints` and set `endpointServiceAccount` to the service account their proxies run as, or use MESH_EXTERNAL');
    }
    if (account !== undefined && props.location !== ServiceLocation.MESH_INTERNAL) {
      throw new Error(`${where}: endpointServiceAccount names the identity of mesh endpoints, which only ServiceLocation.MESH_INTERNAL has: set the location, or remove it`);
    }
    if (account !== undefined) checkDnsSubdomain(this, 'endpointServiceAccount', account);

    const metadata = { name: checkDnsLabel(this, 'name', props.name ?? id), namespace: this.namespace.name };
    this.serviceEntry = new (networking().ServiceEntry)(this, 'Resource', {
      metadata,
      spec: {
        hosts: this.hosts,
        addresses: addresses.length ? addresses : undefined,
        ports: ports.map((p) => ({ number: p.port, name: p.name, protocol: p.protocol.name.toUpperCase() })),
        location: (props.location ?? ServiceLocation.MESH_EXTERNAL) as string as ServiceEntrySpecLocation,
        resolution: resolution as string as ServiceEntrySpecResolution,
        endpoints: endpoints.length ? endpoints.map((address) => ({ address, serviceAccount: account })) : undefined,
        exportTo: this.exportTo,
      },
    });

    if (o) {
      const origination = resolveOrigination(this, this, o, false);
      // Plain HTTP on fromPort goes to the TLS port's origination subset; the service's other
      // HTTP ports keep their own port (a VirtualService rule that matches nothing answers 404).
      const http: VirtualServiceSpecHttp[] = ports.filter((p) => p.protocol.isHttp).map((p) => ({
        match: [HttpMatch.any().withPort(p.port)._toIstio()],
        route: [{
          destination: p.port === origination.fromPort
            ? { host: origination.host, subset: ORIGINATION_SUBSET, port: { number: origination.port } }
            : { host: origination.host, port: { number: p.port } },
        }],
      }));
      this.virtualService = new (networking().VirtualService)(this, 'Routes', {
        metadata,
        spec: { hosts: [origination.host], exportTo: this.exportTo, http },
      });
      this.destinationRule = new (networking().DestinationRule)(this, 'Policy', {
        metadata,
        spec: { host: origination.host, exportTo: this.exportTo, subsets: [originationSubset(origination)] },
      });
    }
  }

  /**
   * `<namespace>/<host>` for each host, and the egress gateway's service when the service is
   * routed through one.
   */
  public get egressHosts(): string[] {
    this.egressHostsRead = true;
    const hosts = this.hosts.map((h) => `${this.namespace.name}/${h}`);
    return [...hosts, ...this.gatewayRoute?.egressHosts ?? []];
  }

  /**
   * Records that the service's traffic goes through an egress gateway, whose Service and routes
   * (Sidecar egress hosts, `<namespace>/<host>`) callers' Sidecars must then import too.
   * @internal
   */
  public _routeThrough(gateway: IConstruct, egressHosts: string[]): void {
    const where = gateway.node.path;
    if (this.gatewayRoute) {
      throw new Error(`${where}: ${this.node.path} is already routed through egress gateway ${this.gatewayRoute.gateway}: route each external service through one gateway`);
    }
    if (this.egressHostsRead) {
      throw new Error(`${where}: ${this.node.path} was passed to talksTo() before it was routed through the gateway, so those Sidecars cannot reach the gateway: call route() first, then talksTo()`);
    }
    this.gatewayRoute = { gateway: where, egressHosts };
  }
}

/**
 * TLS origination settings, checked against the service.
 * @internal
 */
export interface ResolvedOrigination {
  readonly host: string;
  readonly fromPort: number;
  readonly port: number;
  readonly tls: DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTls;
}

/**
 * Checks TLS origination `o` to `service` and renders its client TLS settings; `atGateway` tells
 * whether an egress gateway originates (it can read Secrets) or the callers' sidecars do.
 * Errors name `scope`.
 * @internal
 */
export function resolveOrigination(scope: IConstruct, service: ExternalService, o: TlsOriginationOptions, atGateway: boolean): ResolvedOrigination {
  const where = `${scope.node.path}: tlsOrigination`;
  const mode = o.mode ?? TlsOriginationMode.SIMPLE;
  if (service.hosts.length !== 1) {
    throw new Error(`${where} needs exactly one host (the HTTP port is routed to one TLS destination, and the SNI names it), but ${service.node.path} has ${service.hosts.join(', ')}: create one ExternalService per host`);
  }
  const host = service.hosts[0];
  if (host.startsWith('*')) {
    throw new Error(`${where}: wildcard host "${host}" gives the proxy no host to connect to or to name in the SNI: use a concrete host`);
  }
  if (service.resolution === Resolution.NONE) {
    throw new Error(`${where}: with Resolution.NONE the proxy connects to the address the application dialled, on the port it dialled, so the plain port cannot be sent to the TLS port: use Resolution.DNS (or STATIC with endpoints)`);
  }
  if (!atGateway && (mode === TlsOriginationMode.MUTUAL || o.credentialName !== undefined)) {
    throw new Error(`${where}: ${mode === TlsOriginationMode.MUTUAL ? 'MUTUAL' : 'credentialName'} needs a Secret, which Istio hands to a sidecar only through a workload-selected DestinationRule and only if the application's service account may list Secrets: `
      + 'originate at an egress gateway instead (EgressGateway.route with `originateTls`; it reads Secrets in its own namespace), or verify the server with caCertificates');
  }
  if (mode === TlsOriginationMode.MUTUAL && o.credentialName === undefined) {
    throw new Error(`${where}: MUTUAL needs credentialName: name the Secret (in the gateway's namespace) with the client certificate (tls.crt, tls.key) and the server's CA (ca.crt)`);
  }
  if (o.credentialName !== undefined && o.caCertificates !== undefined) {
    throw new Error(`${where}: set credentialName or caCertificates, not both (Istio takes the CA from the Secret's ca.crt)`);
  }
  if (o.credentialName !== undefined) checkDnsSubdomain(where, 'credentialName', o.credentialName);
  if (o.caCertificates !== undefined && !o.caCertificates.startsWith('/')) {
    throw new Error(`${where}: caCertificates "${o.caCertificates}" is not a file path in the proxy: give an absolute path, e.g. /etc/certs/ca.pem`);
  }
  checkList(where, 'subjectAltNames', o.subjectAltNames)?.forEach((n, i) => checkString(where, `subjectAltNames[${i}]`, n));
  if (o.subjectAltNames?.length === 0) throw new Error(`${where}: subjectAltNames is empty: list the names, or omit it`);
  const sni = o.sni ?? host;
  if (!isDnsName(sni, false)) throw new Error(`${where}: sni "${sni}" is not a DNS name: give the server's host name`);
  const fromPort = o.fromPort ?? 80;
  const port = o.port ?? 443;
  const declared = (n: number, what: string) => {
    const p = service.ports.find((q) => q.port === n);
    if (!p) {
      throw new Error(`${where}: ${what} ${n} is not a port of ${service.node.path} (ports: ${service.ports.map((q) => q.port).join(', ')}): declare it in \`ports\``);
    }
    return p.protocol!;
  };
  const fromProtocol = declared(fromPort, 'fromPort');
  if (!fromProtocol.isHttp) throw new Error(`${where}: fromPort ${fromPort} speaks ${fromProtocol.name}: the port applications call in plain text must be an HTTP port`);
  // The proxy speaks HTTP/2 upstream only to a port declared HTTP/2 or gRPC, which an https or tls port is not.
  if (fromProtocol.name === 'http2' || fromProtocol.name === 'grpc') {
    throw new Error(`${where}: fromPort ${fromPort} speaks ${fromProtocol.name}, but the proxy would send it on to the TLS port ${port} as HTTP/1.1, which ${fromProtocol.name} is not: `
      + 'originate TLS for HTTP/1.1 only; let gRPC and HTTP/2 clients speak TLS themselves (port declared https or tls)');
  }
  const toProtocol = declared(port, 'port');
  if (toProtocol.name !== 'https' && toProtocol.name !== 'tls') {
    throw new Error(`${where}: port ${port} speaks ${toProtocol.name}: the port TLS is originated to must be declared https or tls`);
  }
  return {
    host,
    fromPort,
    port,
    tls: {
      mode: mode as string as DestinationRuleSpecSubsetsTrafficPolicyPortLevelSettingsTlsMode,
      sni,
      credentialName: o.credentialName,
      caCertificates: o.caCertificates,
      subjectAltNames: o.subjectAltNames && [...o.subjectAltNames],
    },
  };
}

/**
 * The DestinationRule subset that originates TLS on `o.port`. It has no labels: it selects every
 * endpoint of the external host, and exists so that only the routed port-`fromPort` traffic gets
 * TLS, while applications that speak TLS to `o.port` themselves keep passing through.
 * @internal
 */
export function originationSubset(o: ResolvedOrigination) {
  return { name: ORIGINATION_SUBSET, trafficPolicy: { portLevelSettings: [{ port: { number: o.port }, tls: o.tls }] } };
}
