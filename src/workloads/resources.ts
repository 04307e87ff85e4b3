import { Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-34';

/**
 * Compute resources of a container; unset fields take the construct's documented defaults. A
 * default request never exceeds a limit you set, and a default limit never falls below a request
 * you set (Kubernetes rejects a request above its limit).
 */
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
 * `resources` with each unset field taken from `defaults` (a default request lowered to an explicit
 * limit, a default limit raised to an explicit request), as the Kubernetes `resources` object.
 * Throws, naming `what`, when an explicit request is above an explicit limit.
 * @internal
 */
export function kubeResources(what: string, resources: ContainerResources | undefined, d: Required<ContainerResources>): k8s.ResourceRequirements {
  const r = resources ?? {};
  checkRequestsWithinLimits(what, r);
  const cpuRequest = r.cpuRequest ?? (r.cpuLimit && cpuCores(r.cpuLimit) < cpuCores(d.cpuRequest) ? r.cpuLimit : d.cpuRequest);
  const cpuLimit = r.cpuLimit ?? (cpuCores(cpuRequest) > cpuCores(d.cpuLimit) ? cpuRequest : d.cpuLimit);
  const memoryRequest = r.memoryRequest ?? (r.memoryLimit && kib(r.memoryLimit) < kib(d.memoryRequest) ? r.memoryLimit : d.memoryRequest);
  const memoryLimit = r.memoryLimit ?? (kib(memoryRequest) > kib(d.memoryLimit) ? memoryRequest : d.memoryLimit);
  const q = k8s.Quantity.fromString;
  return {
    requests: { cpu: q(cpuRequest.amount), memory: q(memoryQuantity(memoryRequest)) },
    limits: { cpu: q(cpuLimit.amount), memory: q(memoryQuantity(memoryLimit)) },
  };
}

/**
 * Throws, naming `what` (e.g. `<path>: resources`), when a CPU or memory request set in
 * `r` is above the limit set in `r`.
 * @internal
 */
export function checkRequestsWithinLimits(what: string, r: ContainerResources): void {
  if (r.cpuRequest && r.cpuLimit && cpuCores(r.cpuRequest) > cpuCores(r.cpuLimit)) {
    throw new Error(`${what}: cpuRequest ${r.cpuRequest.amount} is above cpuLimit ${r.cpuLimit.amount}, which Kubernetes rejects: lower the request or raise the limit`);
  }
  if (r.memoryRequest && r.memoryLimit && kib(r.memoryRequest) > kib(r.memoryLimit)) {
    throw new Error(`${what}: memoryRequest ${memoryQuantity(r.memoryRequest)} is above memoryLimit ${memoryQuantity(r.memoryLimit)}, which Kubernetes rejects: lower the request or raise the limit`);
  }
}

/**
 * A memory size as a Kubernetes quantity: whole mebibytes (`512Mi`), else kibibytes.
 * @internal
 */
export function memoryQuantity(s: Size): string {
  const k = kib(s);
  return k % 1024 === 0 ? `${k / 1024}Mi` : `${k}Ki`;
}

/**
 * A storage size as a Kubernetes quantity: whole gibibytes (`10Gi`), else as `memoryQuantity`.
 * @internal
 */
export function storageQuantity(s: Size): string {
  const k = kib(s);
  return k % (1024 * 1024) === 0 ? `${k / 1024 / 1024}Gi` : memoryQuantity(s);
}

/** CPU cores of a `Cpu` (`250m` -> 0.25). */
function cpuCores(c: Cpu): number {
  const amount = String(c.amount);
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) / 1000 : Number(amount);
}

function kib(s: Size): number {
  return s.toKibibytes();
}
