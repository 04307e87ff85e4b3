import { IConstruct } from 'constructs';
import { checkInstance, checkList, checkProps } from './check';
import { checkDnsLabel, checkRange } from './names';
import { Protocol } from './protocol';

/** How a Service port tells Istio its protocol. */
export enum ProtocolSelection {
  /** By the port name's prefix: `http-web`, `grpc`, `tcp-db` (the classic Istio convention). */
  PORT_NAME = 'port-name',
  /** By the port's `appProtocol` field (the name is then free). */
  APP_PROTOCOL = 'app-protocol',
}

/** A port of a mesh service. */
export interface MeshServicePort {
  /** The Service port, 1–65535. */
  readonly port: number;
  /**
   * The container port traffic is sent to.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /**
   * Application protocol.
   * @default Protocol.http()
   */
  readonly protocol?: Protocol;
  /**
   * Port name. With `ProtocolSelection.PORT_NAME` it must be the protocol name or start with
   * `<protocol>-` (Istio rule IST0118).
   * @default - `<protocol>-<port>`, e.g. `http-3000`
   */
  readonly name?: string;
}

/** A port of a mesh service with every default resolved. */
export interface ResolvedMeshServicePort {
  /** The Service port. */
  readonly port: number;
  /** The container port. */
  readonly targetPort: number;
  /** Application protocol. */
  readonly protocol: Protocol;
  /** Port name. */
  readonly name: string;
}

/**
 * Ports with their protocol and name resolved: the protocol defaults to `defaultProtocol`, the
 * name to `<protocol>-<port>`; ports must be 1–65535, names DNS labels, and names and
 * port numbers (per transport) unique, as the API server requires of a Service.
 * @internal
 */
export function resolveNamedPorts<T extends { readonly port: number; readonly protocol?: Protocol; readonly name?: string }>(
  scope: IConstruct, specs: T[], defaultProtocol: Protocol): (T & { protocol: Protocol; name: string })[] {
  const names = new Set<string>();
  const numbers = new Set<string>();
  return specs.map((spec, i) => {
    checkProps(`${scope.node.path}: ports[${i}]`, spec, ['port']);
    const protocol = checkInstance(scope, `ports[${i}].protocol`, spec.protocol, Protocol, 'Protocol.http()') ?? defaultProtocol;
    const port = checkRange(scope, 'port', spec.port, 1, 65535);
    const name = checkDnsLabel(scope, 'port name', spec.name ?? `${protocol.name}-${port}`);
    if (names.has(name)) throw new Error(`${scope.node.path}: duplicate port name "${name}": give each port a unique name`);
    const number = `${port}/${transport(protocol)}`;
    if (numbers.has(number)) throw new Error(`${scope.node.path}: port ${port} (${transport(protocol)}) is declared twice: the API server refuses a Service with a repeated port; declare it once`);
    names.add(name);
    numbers.add(number);
    return { ...spec, protocol, name };
  });
}

/**
 * Resolves the ports of a service the library writes: defaults, uniqueness, target ports, and (with
 * `PORT_NAME` selection) names that carry the protocol.
 * @internal
 */
export function resolveServicePorts(scope: IConstruct, specs: MeshServicePort[], selection: ProtocolSelection): ResolvedMeshServicePort[] {
  if (checkList(scope, 'ports', specs)?.length === 0) throw new Error(`${scope.node.path}: \`ports\` is empty: a service needs at least one port`);
  return resolveNamedPorts(scope, specs, Protocol.http()).map(({ port, protocol, name, targetPort }) => {
    if (selection === ProtocolSelection.PORT_NAME && Protocol.fromPortName(name)?.name !== protocol.name) {
      throw new Error(`${scope.node.path}: port name "${name}" does not carry protocol "${protocol.name}" (IST0118): `
        + `name it "${protocol.name}" or "${protocol.name}-<suffix>", or use ProtocolSelection.APP_PROTOCOL`);
    }
    return { port, targetPort: checkRange(scope, 'targetPort', targetPort ?? port, 1, 65535), protocol, name };
  });
}

/**
 * The Kubernetes transport protocol of a port (`TCP`, or `UDP` for Protocol.udp()).
 * @internal
 */
export function transport(protocol: Protocol): string {
  return protocol.name === 'udp' ? 'UDP' : 'TCP';
}
