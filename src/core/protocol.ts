import { IConstruct } from 'constructs';
import { checkDnsLabel, checkRange } from './names';

/**
 * An application protocol as Istio reads it from a Service port's name prefix
 * (`http-web`) or its `appProtocol` field.
 *
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
export class Protocol {
  /** Plaintext HTTP/1.1. */
  public static http(): Protocol { return new Protocol('http', true); }
  /** Plaintext HTTP/2. */
  public static http2(): Protocol { return new Protocol('http2', true); }
  /** TLS-encrypted traffic (HTTP over TLS at a gateway). */
  public static https(): Protocol { return new Protocol('https', false); }
  /** gRPC (HTTP/2). */
  public static grpc(): Protocol { return new Protocol('grpc', true); }
  /** gRPC-Web (HTTP/2). */
  public static grpcWeb(): Protocol { return new Protocol('grpc-web', true); }
  /** Opaque TCP. */
  public static tcp(): Protocol { return new Protocol('tcp', false); }
  /** Opaque TLS. */
  public static tls(): Protocol { return new Protocol('tls', false); }
  /** MongoDB (experimental in Istio; opaque TCP unless enabled). */
  public static mongo(): Protocol { return new Protocol('mongo', false); }
  /** MySQL (experimental in Istio; opaque TCP unless enabled). */
  public static mysql(): Protocol { return new Protocol('mysql', false); }
  /** Redis (experimental in Istio; opaque TCP unless enabled). */
  public static redis(): Protocol { return new Protocol('redis', false); }
  /** UDP: declared, never proxied by Envoy. */
  public static udp(): Protocol { return new Protocol('udp', false); }

  /**
   * The protocol with this Istio name (case-insensitive), e.g. read from configuration.
   * Throws for a name Istio does not recognise.
   */
  public static of(name: string): Protocol {
    const found = ALL.find((p) => p.name === name.toLowerCase());
    if (!found) {
      throw new Error(`Unknown protocol "${name}": use one of ${ALL.map((p) => p.name).join(', ')}`);
    }
    return found;
  }

  private constructor(
    /** The name Istio recognises, used as port-name prefix or `appProtocol`. */
    public readonly name: string,
    /** Whether Istio treats it as HTTP (routable by path, header and method). */
    public readonly isHttp: boolean,
  ) {}
}

const ALL = [
  Protocol.http(), Protocol.http2(), Protocol.https(), Protocol.grpc(), Protocol.grpcWeb(), Protocol.tcp(),
  Protocol.tls(), Protocol.mongo(), Protocol.mysql(), Protocol.redis(), Protocol.udp(),
];

/**
 * Ports with their protocol and name resolved: the protocol defaults to `defaultProtocol`, the
 * name to `<protocol>-<port>`; ports must be 1–65535, names DNS labels and unique.
 * @internal
 */
export function resolveNamedPorts<T extends { readonly port: number; readonly protocol?: Protocol; readonly name?: string }>(
  scope: IConstruct, specs: T[], defaultProtocol: Protocol): (T & { protocol: Protocol; name: string })[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const protocol = spec.protocol ?? defaultProtocol;
    const port = checkRange(scope, 'port', spec.port, 1, 65535);
    const name = checkDnsLabel(scope, 'port name', spec.name ?? `${protocol.name}-${port}`);
    if (seen.has(name)) throw new Error(`${scope.node.path}: duplicate port name "${name}": give each port a unique name`);
    seen.add(name);
    return { ...spec, protocol, name };
  });
}
