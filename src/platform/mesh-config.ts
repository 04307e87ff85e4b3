import { Chart, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import { MeshPlatform } from './mesh-platform';
import { isPlainObject } from '../core/json';

/**
 * The mesh ConfigMap (`istio`, `istio-<revision>`, `istio-asm-managed-rapid`) of a platform:
 * one per chart, whose `mesh` key is a single document merged from every construct that
 * contributes MeshConfig. Applying a ConfigMap replaces the whole document, so contributions
 * must not be split across objects; two contributions to the same field are an error.
 */
export class MeshConfigMap extends Construct {
  /** The mesh ConfigMap of `platform` in the chart of `scope`, created on first use. */
  public static of(scope: IConstruct, platform: MeshPlatform): MeshConfigMap {
    const chart = Chart.of(scope);
    const id = `MeshConfig-${platform.rootNamespace}-${platform.meshConfigName}`;
    return (chart.node.tryFindChild(id) as MeshConfigMap | undefined) ?? new MeshConfigMap(chart, id, platform);
  }

  private readonly document: Record<string, unknown> = {};
  private readonly owners = new Map<string, string>();

  private constructor(scope: Construct, id: string, platform: MeshPlatform) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: platform.meshConfigName, namespace: platform.rootNamespace },
      data: { mesh: Lazy.any({ produce: () => Yaml.stringify(this.document) }) as unknown as string },
    });
  }

  /**
   * Adds MeshConfig fields. Nested objects merge; lists (e.g. `extensionProviders`) concatenate;
   * any other field set twice is an error naming both contributors.
   */
  public merge(owner: IConstruct, fragment: Record<string, unknown>): void {
    mergeInto(this.document, fragment, '', owner.node.path, this.owners);
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

