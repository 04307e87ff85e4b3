import { Construct } from 'constructs';
import { IEgressTarget } from './egress';
import { checkDnsLabel, isCidr, isDnsName, isIp } from '../core/names';
import { resolveNamedPorts } from '../core/ports';
import { Protocol } from '../core/protocol';
import { ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecResolution } from '../imports/networking.istio.io';
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
   * @default - HTTPS on 443
   */
  readonly ports?: ExternalServicePort[];
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
   * ServiceEntry name.
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * A service outside the mesh that workloads may call (a ServiceEntry). Needed for every external
 * host once the mesh's outbound traffic policy is REGISTRY_ONLY (see `MeshOptions`).
 */
export class ExternalService extends Construct implements IEgressTarget {
  /** The hosts. */
  public readonly hosts: string[];
  /** The namespace of the ServiceEntry. */
  public readonly namespace: IMeshNamespace;
  /** The ServiceEntry (escape hatch). */
  public readonly serviceEntry: ServiceEntry;

  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    const where = this.node.path;
    this.namespace = props.namespace;
    this.hosts = [...props.hosts];
    const resolution = props.resolution ?? Resolution.DNS;
    if (this.hosts.length === 0) throw new Error(`${where}: \`hosts\` is empty: list the external host names`);
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
    const endpoints = props.endpoints ?? [];
    if (resolution === Resolution.NONE && endpoints.length) throw new Error(`${where}: Resolution.NONE takes no endpoints: remove them or use STATIC / DNS`);
    if (resolution === Resolution.STATIC) {
      if (!endpoints.length) throw new Error(`${where}: Resolution.STATIC needs endpoints (IP addresses)`);
      const bad = endpoints.find((e) => !isIp(e));
      if (bad) throw new Error(`${where}: STATIC endpoint "${bad}" is not an IP address`);
    }
    if (resolution === Resolution.DNS_ROUND_ROBIN && endpoints.length > 1) {
      throw new Error(`${where}: Resolution.DNS_ROUND_ROBIN takes at most one endpoint`);
    }

    const ports = resolveNamedPorts(this, props.ports ?? [{ port: 443 }], Protocol.https())
      .map((p) => ({ number: p.port, name: p.name, protocol: p.protocol.name.toUpperCase() }));

    this.serviceEntry = new ServiceEntry(this, 'Resource', {
      metadata: { name: checkDnsLabel(this, 'name', props.name ?? id), namespace: this.namespace.name },
      spec: {
        hosts: this.hosts,
        addresses: addresses.length ? addresses : undefined,
        ports,
        location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: resolution as string as ServiceEntrySpecResolution,
        endpoints: endpoints.length ? endpoints.map((address) => ({ address })) : undefined,
      },
    });
  }

  /** `<namespace>/<host>` for each host. */
  public get egressHosts(): string[] {
    return this.hosts.map((h) => `${this.namespace.name}/${h}`);
  }
}
