/**
 * The SPIFFE-derived principal Istio authorizes on: `<trust domain>/ns/<namespace>/sa/<service account>`.
 * @internal
 */
export function servicePrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** A workload identity that policies can name: its SPIFFE-derived principal. */
export interface IMeshIdentity {
  /** `<trust domain>/ns/<namespace>/sa/<service account>`. */
  readonly principal: string;
}
