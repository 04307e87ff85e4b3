import { Construct, IConstruct } from 'constructs';
import { checkEnum, checkInstance, checkList, checkNamespaceRef, checkProps } from '../core/check';
import { appendTo } from '../core/collections';
import { security } from '../core/l1';
import { checkRange } from '../core/names';
import type { PeerAuthentication, PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtls, PeerAuthenticationSpecPortLevelMtlsMode } from '../imports/security.istio.io';
import { checkEnforced, hasOwnAllowPolicy } from '../platform/dataplane';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { MeshPlatform } from '../platform/mesh-platform';
import { checkDestination } from '../traffic/destination';
import { ClientTlsMode } from '../traffic/traffic-policy';
import { IMeshService, clientTls } from '../workloads/mesh-service-base';

/** Whether sidecars require mutual TLS from their peers. */
export enum MtlsMode {
  /** Only mTLS traffic is accepted. */
  STRICT = 'STRICT',
  /** mTLS and plaintext are both accepted (for migration). */
  PERMISSIVE = 'PERMISSIVE',
  /** mTLS is off: plaintext only. */
  DISABLE = 'DISABLE',
}

/** The mTLS mode of one workload port. */
export interface MtlsPortMode {
  /** The workload (container) port, 1–65535: a `targetPort` of the service. */
  readonly port: number;
  /** Mode on this port. */
  readonly mode: MtlsMode;
}

/** Properties of an `MtlsPolicy`. */
export interface MtlsPolicyProps {
  /**
   * The mode.
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;
  /**
   * Limit the policy to one namespace.
   * @default - mesh-wide (in the root namespace), unless `workload` is set
   */
  readonly namespace?: IMeshNamespace;
  /**
   * Limit the policy to one workload (and allow `portModes`).
   * @default - no workload selector
   */
  readonly workload?: IMeshService;
  /**
   * Per-port modes; only with `workload`.
   * @default - none
   */
  readonly portModes?: MtlsPortMode[];
  /**
   * Platform, for the root namespace of a mesh-wide policy.
   * @default - `MeshPlatform.of(this)`
   */
  readonly platform?: MeshPlatform;
}

/** What decides a workload's mTLS mode: its namespace, and its pods' labels when known. */
type MtlsTarget = IConstruct & { readonly namespace: IMeshNamespace; readonly selectorLabels?: Record<string, string> };

/**
 * Mutual TLS between sidecars (a PeerAuthentication) at mesh, namespace or workload scope.
 */
export class MtlsPolicy extends Construct {
  /**
   * The mode the app's MtlsPolicies give `service`'s pods on `targetPort`, and the policy that decides
   * it; undefined when none applies (Istio's default, PERMISSIVE).
   * @internal
   */
  public static _modeOf(service: MtlsTarget, targetPort: number): { mode: MtlsMode; policy: string } | undefined {
    const index = POLICIES.get(service.node.root);
    if (!index) return undefined;
    // Istio's precedence: the workload's policy, then its namespace's, then the mesh-wide one (the first written of each).
    const decides = (service.selectorLabels && index.workload.get(workloadKey(service.namespace.name, service.selectorLabels))?.[0])
      ?? index.namespace.get(service.namespace.name)?.[0]
      ?? index.meshWide[0];
    return decides && { mode: decides.portModes.find((p) => p.port === targetPort)?.mode ?? decides.mode, policy: decides.node.path };
  }

  /** The mode. */
  public readonly mode: MtlsMode;
  /** The PeerAuthentication (escape hatch). */
  public readonly peerAuthentication: PeerAuthentication;

  /** The workload it selects, if any. */
  private readonly workload?: IMeshService;
  /** The namespace whose workloads it covers (mesh-wide: the root namespace). */
  private readonly namespaceName: string;
  /** Whether it is the mesh-wide policy (selector-less, in the root namespace). */
  private readonly meshWide: boolean;
  private readonly portModes: MtlsPortMode[];

  constructor(scope: Construct, id: string, props: MtlsPolicyProps = {}) {
    super(scope, id);
    checkProps(this, props, []);
    this.mode = checkEnum(this, 'mode', props.mode, MtlsMode, 'MtlsMode') ?? MtlsMode.STRICT;
    if (props.namespace !== undefined) checkNamespaceRef(this, 'namespace', props.namespace);
    if (props.workload !== undefined) checkDestination(this, 'workload', props.workload);
    checkInstance(this, 'platform', props.platform, MeshPlatform, 'MeshPlatform.istio()');
    const workload = props.workload;
    if (workload && props.namespace && props.namespace !== workload.namespace) {
      throw new Error(`${this.node.path}: workload ${workload.node.path} is in namespace "${workload.namespace.name}", not "${props.namespace.name}": set only \`workload\``);
    }
    const portModes = checkList(this, 'portModes', props.portModes) ?? [];
    portModes.forEach((p, i) => {
      if (checkEnum(this, `portModes[${i}].mode`, p?.mode, MtlsMode, 'MtlsMode') === undefined) {
        throw new Error(`${this.node.path}: portModes[${i}] has no \`mode\`: set the port's MtlsMode`);
      }
    });
    if (portModes.length && !workload) {
      throw new Error(`${this.node.path}: portModes need workload scope (Istio applies port-level mTLS only with a selector): set \`workload\``);
    }
    const portLevelMtls: Record<string, PeerAuthenticationSpecPortLevelMtls> = {};
    for (const { port, mode } of [...portModes].sort((a, b) => a.port - b.port)) {
      checkRange(this, 'portModes port', port, 1, 65535);
      if (!workload!.ports.some((p) => p.targetPort === port)) {
        throw new Error(`${this.node.path}: port ${port} is not a target port of ${workload!.node.path} (${workload!.ports.map((p) => p.targetPort).join(', ')}): use the container port`);
      }
      if (String(port) in portLevelMtls) throw new Error(`${this.node.path}: port ${port} appears twice in portModes`);
      portLevelMtls[port] = { mode: mode as string as PeerAuthenticationSpecPortLevelMtlsMode };
    }

    const scoped = workload?.namespace ?? props.namespace;
    if (scoped) checkEnforced(this, 'the mutual TLS policy', scoped);
    const namespace = workload?.namespace.name ?? props.namespace?.name
      ?? (props.platform ?? MeshPlatform.of(this)).rootNamespace;
    this.workload = workload;
    this.namespaceName = namespace;
    // A selector-less policy in the root namespace is mesh-wide, however it was scoped.
    this.meshWide = !workload && namespace === (props.platform ?? MeshPlatform.tryOf(this))?.rootNamespace;
    this.portModes = portModes;
    const root = this.node.root;
    const index: PolicyIndex = POLICIES.get(root) ?? { workload: new Map(), namespace: new Map(), meshWide: [] };
    POLICIES.set(root, index);
    if (workload) appendTo(index.workload, workloadKey(namespace, workload.selectorLabels), this);
    else if (this.meshWide) index.meshWide.push(this);
    else appendTo(index.namespace, namespace, this);
    this.node.addValidation({ validate: () => this.tlsConflicts() });
    this.peerAuthentication = new (security().PeerAuthentication)(this, 'Resource', {
      // One selector-less policy per namespace is Istio's rule, and `default` is its convention.
      metadata: { name: workload ? workload.name : 'default', namespace },
      spec: {
        selector: workload ? { matchLabels: workload.selectorLabels } : undefined,
        mtls: { mode: this.mode as string as PeerAuthenticationSpecMtlsMode },
        portLevelMtls: portModes.length ? portLevelMtls : undefined,
      },
    });
  }

  /** The mode this policy gives `service`'s pods on `targetPort`, if this is the policy that decides it. */
  private modeFor(service: IMeshService, targetPort: number): MtlsMode | undefined {
    const decided = MtlsPolicy._modeOf(service, targetPort);
    return decided?.policy === this.node.path ? decided.mode : undefined;
  }

  /**
   * Clients whose DestinationRule sends what this policy refuses: plaintext (tlsMode DISABLE) where it
   * is STRICT, mutual TLS (ISTIO_MUTUAL, the default) where it is DISABLE.
   */
  private tlsConflicts(): string[] {
    const out: string[] = [];
    const plaintextPorts = this.portModes.filter((p) => p.mode === MtlsMode.DISABLE).map((p) => p.port);
    const workload = this.workload;
    const allowsByIdentity = (workload as { authorizationPolicy?: unknown } | undefined)?.authorizationPolicy !== undefined;
    // An ALLOW policy of the app's own may let those callers in by other means (Source.ipBlocks).
    if (workload && allowsByIdentity && (this.mode === MtlsMode.DISABLE || plaintextPorts.length)
      && !hasOwnAllowPolicy(this, workload.namespace.name, workload.name, workload.namespace.platform.rootNamespace)) {
      // Principals come from the caller's certificate: over plaintext there is none to match.
      out.push(`disables mTLS ${this.mode === MtlsMode.DISABLE ? 'on the pods' : `on port ${plaintextPorts.join(', ')}`} of ${workload.node.path}, whose allowFrom names callers by their mesh identity: `
        + 'without a certificate no caller matches, so every call there would be denied; keep mTLS on, or allow those callers by address (AuthorizationPolicy with Source.ipBlocks)');
    }
    // Only the services of its namespace can be decided by a namespace or workload policy.
    for (const { service, ports } of clientTls(this, this.meshWide ? undefined : this.namespaceName)) {
      const refused = (client: ClientTlsMode, server: MtlsMode) => ports
        .filter((p) => p.mode === client && this.modeFor(service, p.port.targetPort) === server).map((p) => p.port.port);
      const plaintext = refused(ClientTlsMode.DISABLE, MtlsMode.STRICT);
      if (plaintext.length) {
        out.push(`requires mTLS (STRICT) from the clients of ${service.node.path}, whose trafficPolicy sets tlsMode DISABLE on port ${plaintext.join(', ')}: `
          + 'the clients send plaintext, which the server sidecars refuse. Remove tlsMode DISABLE (ISTIO_MUTUAL is the default), or make the server PERMISSIVE for that port');
      }
      const mutual = refused(ClientTlsMode.ISTIO_MUTUAL, MtlsMode.DISABLE);
      if (mutual.length) {
        out.push(`disables mTLS on the pods of ${service.node.path}, whose DestinationRule sets tlsMode ISTIO_MUTUAL (the default) on port ${mutual.join(', ')}: `
          + 'TLS set in a DestinationRule overrides auto mTLS, so the clients send mTLS, which the server sidecars no longer accept. '
          + 'Set its trafficPolicy tlsMode to DISABLE (per port: portSettings), or make this policy PERMISSIVE');
      }
    }
    return out;
  }
}

/** The MtlsPolicies of each construct tree, by root: by workload (namespace and selector), by namespace, and mesh-wide, in the order written. */
const POLICIES = new WeakMap<IConstruct, PolicyIndex>();
interface PolicyIndex { workload: Map<string, MtlsPolicy[]>; namespace: Map<string, MtlsPolicy[]>; meshWide: MtlsPolicy[] }

/** The key of the workloads of `namespace` selected by `labels`. */
function workloadKey(namespace: string, labels: Record<string, string>): string {
  return `${namespace}\n${JSON.stringify(labels)}`;
}
