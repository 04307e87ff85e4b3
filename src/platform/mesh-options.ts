import { Construct } from 'constructs';
import { MeshConfigMap } from './mesh-config';
import { MeshPlatform } from './mesh-platform';
import { checkEnum, checkInstance, checkProps } from '../core/check';

/** What sidecars do with calls to hosts the mesh does not know. */
export enum OutboundTrafficPolicy {
  /** Let them through (Istio's default). */
  ALLOW_ANY = 'ALLOW_ANY',
  /** Block them: every external host needs an `ExternalService` (ServiceEntry). */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
}

/** Properties of `MeshOptions`. */
export interface MeshOptionsProps {
  /**
   * The platform whose mesh ConfigMap receives the options.
   * @default - `MeshPlatform.of(this)`
   */
  readonly platform?: MeshPlatform;
  /**
   * Outbound traffic policy of every sidecar.
   * @default - unchanged (ALLOW_ANY)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}

/** Mesh-wide MeshConfig options, merged into the platform's mesh ConfigMap. */
export class MeshOptions extends Construct {
  constructor(scope: Construct, id: string, props: MeshOptionsProps) {
    super(scope, id);
    checkProps(this, props, []);
    if (props.outboundTrafficPolicy === undefined) {
      throw new Error(`${this.node.path}: nothing to configure: set \`outboundTrafficPolicy\``);
    }
    checkEnum(this, 'outboundTrafficPolicy', props.outboundTrafficPolicy, OutboundTrafficPolicy, 'OutboundTrafficPolicy');
    const platform = checkInstance(this, 'platform', props.platform, MeshPlatform, 'MeshPlatform.istio()') ?? MeshPlatform.of(this);
    MeshConfigMap.contribute(this, platform, { outboundTrafficPolicy: { mode: props.outboundTrafficPolicy } });
  }
}
