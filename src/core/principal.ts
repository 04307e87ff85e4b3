/**
 * The SPIFFE-derived principal Istio authorizes on: `<trust domain>/ns/<namespace>/sa/<service account>`.
 * @internal
 */
export function servicePrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/${identityOf(namespace, serviceAccount)}`;
}

/**
 * A principal without its trust domain, `ns/<namespace>/sa/<service account>`: the identity of the
 * pods of a namespace running as a service account, whatever the mesh's trust domain.
 * @internal
 */
export function identityOf(namespace: string, serviceAccount: string): string {
  return `ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * Throws if `principal` carries the `spiffe://` scheme: Istio's principals drop it, so it would never match.
 * @internal
 */
export function checkNoSpiffeScheme(what: string, principal: string): void {
  if (!principal.startsWith('spiffe://')) return;
  throw new Error(`${what}: "${principal}" starts with spiffe://, but Istio matches principals without the scheme `
    + `(<trust domain>/ns/<namespace>/sa/<service account>), so it would never match: write "${principal.slice('spiffe://'.length)}"`);
}

/**
 * The identity of a principal (its `ns/<namespace>/sa/<service account>` part).
 * @internal
 */
export function principalIdentity(principal: string): string {
  return principal.replace(/^.*?\/(ns\/)/, '$1');
}

/** A workload identity that policies can name: its SPIFFE-derived principal. */
export interface IMeshIdentity {
  /** `<trust domain>/ns/<namespace>/sa/<service account>`. */
  readonly principal: string;
}
