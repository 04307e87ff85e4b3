/** Something a workload can call, named as a Sidecar resource's egress hosts (`<namespace>/<host>`). */
export interface IEgressTarget {
  /** The Sidecar egress hosts: `<namespace>/<host>` each. */
  readonly egressHosts: string[];
}
