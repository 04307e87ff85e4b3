import { Chart, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import { MeshPlatform } from './mesh-platform';
import { isPlainObject } from '../core/json';

/** The mesh ConfigMaps of an app, by namespace and name. */
const BY_APP = new WeakMap<IConstruct, Map<string, MeshConfigMap>>();

/**
 * The ConfigMap that holds this app's MeshConfig (`MeshPlatform.appMeshConfigName`): one per
 * app (in the chart of its first contributor), whose `mesh` key is a single document merged from
 * every construct that contributes MeshConfig, in any chart. Applying a ConfigMap replaces the whole document, so contributions must not be
 * split across objects; two contributions to the same field are an error. It exists only once a
 * construct contributes a field: an empty document would replace the cluster's with nothing.
 */
export class MeshConfigMap extends Construct {
  /**
   * Adds MeshConfig fields (undefined ones are left out) to the app's mesh ConfigMap of `platform`,
   * created in the chart of `owner` on the first contribution. Nested objects merge; lists (e.g.
   * `extensionProviders`) concatenate; any other field set twice is an error naming both contributors.
   */
  public static contribute(owner: IConstruct, platform: MeshPlatform, fragment: Record<string, unknown>): void {
    if (Object.values(fragment).every((v) => v === undefined)) return;
    const name = platform.appMeshConfigName;
    if (name === undefined) {
      throw new Error(`${owner.node.path}: open-source Istio keeps its mesh config in the ConfigMap "${platform.meshConfigName}" that its installer writes, and a ConfigMap written here `
        + 'would replace that document whole (with the installer\'s discoveryAddress, default metrics provider and meshConfig values). Give istiod a shared mesh config '
        + '(Helm: --set pilot.env.SHARED_MESH_CONFIG=istio-user), which it layers under the installer\'s, and name it: MeshPlatform.istio({ sharedMeshConfig: \'istio-user\' }); '
        + 'or set these fields in the installer\'s meshConfig instead');
    }
    const id = `MeshConfig-${platform.istioNamespace}-${name}`;
    const maps = BY_APP.get(owner.node.root) ?? new Map<string, MeshConfigMap>();
    BY_APP.set(owner.node.root, maps);
    const map = maps.get(id) ?? new MeshConfigMap(Chart.of(owner), id, platform.istioNamespace, name);
    maps.set(id, map);
    mergeInto(map.document, fragment, '', owner.node.path, map.owners);
  }

  /**
   * The `service` of every extension provider in the app's mesh config documents (`[<namespace>/]<host>`):
   * hosts each proxy must reach, so a Sidecar that scopes a proxy's egress must import them.
   */
  public static providerServices(scope: IConstruct): string[] {
    const providers = [...BY_APP.get(scope.node.root)?.values() ?? []]
      .flatMap((m) => (Array.isArray(m.document.extensionProviders) ? m.document.extensionProviders : []));
    return providers.flatMap((p: Record<string, any>) => Object.values(p).map((v) => v?.service).filter((v): v is string => typeof v === 'string'));
  }

  private readonly document: Record<string, unknown> = {};
  private readonly owners = new Map<string, string>();

  private constructor(scope: Construct, id: string, namespace: string, name: string) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name, namespace },
      data: { mesh: Lazy.any({ produce: () => Yaml.stringify(this.document) }) as unknown as string },
    });
  }
}

function mergeInto(target: Record<string, any>, source: Record<string, any>, prefix: string, owner: string, owners: Map<string, string>) {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const path = prefix + key;
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      mergeInto(existing, value, `${path}.`, owner, owners);
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      existing.push(...value);
    } else if (existing !== undefined) {
      throw new Error(`${owner}: MeshConfig field "${path}" is already set by ${owners.get(path)}: a mesh has one MeshConfig document; set it in one place`);
    } else {
      target[key] = isPlainObject(value) ? mergeInto({}, value, `${path}.`, owner, owners) : value;
      owners.set(path, owner);
    }
  }
  return target;
}

