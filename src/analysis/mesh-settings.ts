import { parse } from 'yaml';
import { Entry, MeshIndex, MeshSettings } from './mesh-index';
import { isPlainObject } from '../core/json';

/**
 * Mesh configuration given beside the objects, as `istioctl analyze --meshConfigFile` gives it:
 * a MeshConfig and a MeshNetworks, as JSON. Each part given replaces the one of the mesh ConfigMap.
 * @internal
 */
export interface MeshInput {
  readonly meshConfig?: any;
  readonly meshNetworks?: any;
}

/**
 * The mesh configuration of an object set: the mesh ConfigMaps among the objects (`istio` and
 * `istio-<revision>` in istiod's namespace, keys `mesh` and `meshNetworks`, as istiod reads them),
 * with the parts of `given` in their place. Without either, Istio's defaults apply.
 */
export function readMeshSettings(index: MeshIndex, given: MeshInput = {}): MeshSettings {
  const maps = index.of('ConfigMap')
    .filter((cm) => cm.namespace === index.istioNamespace && /^istio(-.+)?$/.test(cm.name) && isPlainObject(cm.obj.data))
    // The default revision's first.
    .sort((a, b) => Number(b.name === 'istio') - Number(a.name === 'istio'));
  const source: Entry | undefined = maps[0];
  const fromMaps = maps.map((cm) => parseDocument(cm.obj.data.mesh)).filter((m) => m !== undefined);
  const meshConfigs = given.meshConfig !== undefined ? [given.meshConfig ?? {}] : fromMaps;
  const meshNetworks = given.meshNetworks ?? (source?.name === 'istio' ? parseDocument(source.obj.data.meshNetworks) : undefined);
  return { meshConfigs, meshNetworks, source };
}

/** A YAML (or JSON) document that must be an object; undefined when it is absent or not one. */
function parseDocument(text: unknown): any {
  if (typeof text !== 'string') return undefined;
  try {
    const doc = parse(text) ?? {};
    return isPlainObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether sidecars allocate addresses to ServiceEntries themselves (DNS capture with
 * auto-allocation in the mesh's default proxy metadata), so a TCP ServiceEntry needs none.
 */
export function autoAllocatesAddresses(mesh: MeshSettings): boolean {
  return mesh.meshConfigs.some((m) => {
    const metadata = m?.defaultConfig?.proxyMetadata ?? {};
    return metadata.ISTIO_META_DNS_CAPTURE === 'true'
      && (metadata.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || metadata.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
  });
}
