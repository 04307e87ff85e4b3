/** Protocol names Istio 1.30 parses (`protocol.Parse`, case-insensitive). */
const PARSEABLE = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** Ports Istio treats as TCP when their name says nothing. */
const WELL_KNOWN_TCP = new Set([25, 53, 3306, 27017]);
const APP_PROTOCOL_ALIASES: Record<string, string> = { 'kubernetes.io/h2c': 'http2', 'kubernetes.io/ws': 'http', 'kubernetes.io/wss': 'https' };

/** Istio's `protocol.Parse`: the lower-cased protocol, or undefined when unsupported. */
export function parseProtocol(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const lower = name.toLowerCase();
  return PARSEABLE.has(lower) ? lower : undefined;
}

/**
 * Istio's `ConvertProtocol` for a Service port: UDP, then `appProtocol`, then the port name's
 * prefix before `-`, then the well-known TCP ports. Undefined when unsupported.
 */
export function serviceProtocol(port: any): string | undefined {
  if (port?.protocol === 'UDP') return 'udp';
  const name: string = port?.appProtocol ?? port?.name ?? '';
  const alias = APP_PROTOCOL_ALIASES[name];
  if (alias) return alias;
  if (name.toLowerCase().startsWith('grpc-web')) return 'grpc-web';
  return parseProtocol(name.split('-')[0]) ?? (WELL_KNOWN_TCP.has(port?.port) ? 'tcp' : undefined);
}

/** HTTP-family protocols (`IsHTTP`). */
export function isHttpProtocol(p: string | undefined): boolean {
  return p === 'http' || p === 'http2' || p === 'http_proxy' || p === 'grpc' || p === 'grpc-web';
}

/** TLS-family protocols (`IsTLS`). */
export function isTlsProtocol(p: string | undefined): boolean {
  return p === 'https' || p === 'tls';
}
