import { Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-34';

/** Compute resources of a container; unset fields take the construct's documented defaults. */
export interface ContainerResources {
  /** @default - the construct's default */
  readonly cpuRequest?: Cpu;
  /** @default - the construct's default */
  readonly cpuLimit?: Cpu;
  /** @default - the construct's default */
  readonly memoryRequest?: Size;
  /** @default - the construct's default */
  readonly memoryLimit?: Size;
}

/**
 * `resources` with each unset field taken from `defaults`, as the Kubernetes `resources` object.
 * @internal
 */
export function kubeResources(resources: ContainerResources | undefined, defaults: Required<ContainerResources>): k8s.ResourceRequirements {
  const r = { ...defaults, ...dropUndefined(resources ?? {}) };
  const q = k8s.Quantity.fromString;
  return {
    requests: { cpu: q(r.cpuRequest.amount), memory: q(`${r.memoryRequest.toMebibytes()}Mi`) },
    limits: { cpu: q(r.cpuLimit.amount), memory: q(`${r.memoryLimit.toMebibytes()}Mi`) },
  };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
