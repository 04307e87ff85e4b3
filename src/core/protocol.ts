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
    return protocolNamed(namedProtocol(String(name)));
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

// Istio's own reading of protocols (pkg/config/protocol and kube conversion), shared by the
// constructs (adopted Services, port names) and the analyzer.

/** Protocol names Istio 1.30 parses (`protocol.Parse`, case-insensitive). */
const PARSEABLE = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** Ports Istio treats as TCP when their name says nothing. */
const WELL_KNOWN_TCP = new Set([25, 53, 3306, 27017]);
const APP_PROTOCOL_ALIASES: Record<string, string> = { 'kubernetes.io/h2c': 'http2', 'kubernetes.io/ws': 'http', 'kubernetes.io/wss': 'https' };

/**
 * Istio's `protocol.Parse`: the lower-cased protocol, or undefined when unsupported.
 * @internal
 */
export function parseProtocol(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const lower = name.toLowerCase();
  return PARSEABLE.has(lower) ? lower : undefined;
}

/**
 * Istio's `ConvertProtocol` for a Service port: UDP, then `appProtocol` (which alone decides when
 * set), else the port name, then the well-known TCP ports. Undefined when unsupported.
 * @internal
 */
export function serviceProtocol(port: any): string | undefined {
  if (port?.protocol === 'UDP') return 'udp';
  const name: string = port?.appProtocol ?? port?.name ?? '';
  return APP_PROTOCOL_ALIASES[name] ?? namedProtocol(name) ?? (WELL_KNOWN_TCP.has(port?.port) ? 'tcp' : undefined);
}

/** The protocol a port name (or `appProtocol`) carries: a `grpc-web` prefix, else the text before the first `-`. */
function namedProtocol(name: string): string | undefined {
  if (name.toLowerCase().startsWith('grpc-web')) return 'grpc-web';
  return parseProtocol(name.split('-')[0]);
}

/**
 * The library's Protocol for an Istio protocol name (undefined for one it does not offer, such as `http_proxy`).
 * @internal
 */
export function protocolNamed(name: string | undefined): Protocol | undefined {
  return ALL.find((p) => p.name === name);
}

/**
 * HTTP-family protocols (`IsHTTP`).
 * @internal
 */
export function isHttpProtocol(p: string | undefined): boolean {
  return p === 'http' || p === 'http2' || p === 'http_proxy' || p === 'grpc' || p === 'grpc-web';
}

/**
 * TLS-family protocols (`IsTLS`).
 * @internal
 */
export function isTlsProtocol(p: string | undefined): boolean {
  return p === 'https' || p === 'tls';
}
