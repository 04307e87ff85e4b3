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
    const found = ALL.find((p) => p.name === String(name).toLowerCase());
    if (!found) {
      throw new Error(`Unknown protocol "${name}": use one of ${ALL.map((p) => p.name).join(', ')}`);
    }
    return found;
  }

  /**
   * The protocol Istio reads from a Service port name (`http`, `http-web`, `grpc-web-api`), or
   * undefined when the name carries none (Istio then sniffs the protocol).
   */
  public static fromPortName(name: string): Protocol | undefined {
    const lower = String(name).toLowerCase();
    // Longest name first: `grpc-web-x` is gRPC-Web, not gRPC.
    return [...ALL].sort((a, b) => b.name.length - a.name.length).find((p) => lower === p.name || lower.startsWith(`${p.name}-`));
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
