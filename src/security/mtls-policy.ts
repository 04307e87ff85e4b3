import { Construct } from 'constructs';
import { checkRange } from '../core/names';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtls, PeerAuthenticationSpecPortLevelMtlsMode } from '../imports/security.istio.io';
import { IMeshNamespace } from '../platform/mesh-namespace';
import { MeshPlatform } from '../platform/mesh-platform';
import { IMeshService } from '../workloads/mesh-service-base';

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

/**
 * Mutual TLS between sidecars (a PeerAuthentication) at mesh, namespace or workload scope.
 */
export class MtlsPolicy extends Construct {
  /** The mode. */
  public readonly mode: MtlsMode;
  /** The PeerAuthentication (escape hatch). */
  public readonly peerAuthentication: PeerAuthentication;

  constructor(scope: Construct, id: string, props: MtlsPolicyProps = {}) {
    super(scope, id);
    this.mode = props.mode ?? MtlsMode.STRICT;
    const workload = props.workload;
    if (workload && props.namespace && props.namespace !== workload.namespace) {
      throw new Error(`${this.node.path}: workload ${workload.node.path} is in namespace "${workload.namespace.name}", not "${props.namespace.name}": set only \`workload\``);
    }
    const portModes = props.portModes ?? [];
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

    const namespace = workload?.namespace.name ?? props.namespace?.name
      ?? (props.platform ?? MeshPlatform.of(this)).rootNamespace;
    this.peerAuthentication = new PeerAuthentication(this, 'Resource', {
      // One selector-less policy per namespace is Istio's rule, and `default` is its convention.
      metadata: { name: workload ? workload.name : 'default', namespace },
      spec: {
        selector: workload ? { matchLabels: workload.selectorLabels } : undefined,
        mtls: { mode: this.mode as string as PeerAuthenticationSpecMtlsMode },
        portLevelMtls: portModes.length ? portLevelMtls : undefined,
      },
    });
  }
}
