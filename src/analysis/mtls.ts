import { Severity } from './finding';
import { Entry, HostIndex, MeshIndex, hasLabels, matchesLabels, push } from './mesh-index';

const MUTUAL = new Set(['ISTIO_MUTUAL', 'MUTUAL']);

/**
 * Kiali's PeerAuthentication ↔ DestinationRule mTLS consistency (KIA0204, KIA0207, KIA0208,
 * KIA0505, KIA0506), for a mesh with auto mTLS on (Istio's default).
 */
export function checkMtls(index: MeshIndex): void {
  const root = index.rootNamespace;
  const modes = new Map<string, string>();
  for (const p of index.of('PeerAuthentication')) {
    if (!hasLabels(p.spec.selector?.matchLabels)) modes.set(p.namespace, p.spec.mtls?.mode);
  }
  const wideDrs = new Map<string, Entry[]>();
  for (const d of index.of('DestinationRule')) {
    const ns = namespaceOfWildcard(d.spec.host);
    if (ns !== undefined) push(wideDrs, ns, d);
  }
  const meshPa = modes.get(root);
  const meshDr = index.of('DestinationRule').find((d) => d.spec.host === '*.local');
  const meshDrMode = meshDr?.spec.trafficPolicy?.tls?.mode;

  for (const dr of index.of('DestinationRule')) {
    const mode = dr.spec.trafficPolicy?.tls?.mode;
    const nsWide = namespaceOfWildcard(dr.spec.host);
    if (mode === 'DISABLE' && nsWide !== undefined && modes.get(nsWide) === 'STRICT') {
      index.report(dr, 'KIA0207', Severity.ERROR, `disables mTLS for namespace "${nsWide}", whose PeerAuthentication is STRICT: its services refuse the plaintext traffic`,
        'remove tls.mode DISABLE, or make the namespace PeerAuthentication PERMISSIVE');
    }
    if (mode === 'DISABLE' && (nsWide !== undefined || dr.spec.host === '*.local') && meshPa === 'STRICT') {
      index.report(dr, 'KIA0208', Severity.ERROR, 'disables mTLS while the mesh-wide PeerAuthentication is STRICT: the servers refuse the plaintext traffic',
        'remove tls.mode DISABLE, or make the mesh PeerAuthentication PERMISSIVE');
    }
  }

  const wideMutual = index.of('DestinationRule').filter((d) => typeof d.spec.host === 'string' && d.spec.host.startsWith('*') && d.spec.trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL');
  // The first wide rule that covers a host: `*.local` covers every host, the others by suffix.
  const covering = new HostIndex<number>();
  wideMutual.forEach((w, i) => covering.add(w.spec.host, i));
  const local = wideMutual.findIndex((w) => w.spec.host === '*.local');
  for (const dr of index.of('DestinationRule')) {
    if (typeof dr.spec.host !== 'string' || dr.spec.host.startsWith('*')) continue;
    const fqdn = dr.spec.host;
    const first = Math.min(covering.firstCovering(fqdn) ?? Infinity, local < 0 ? Infinity : local);
    const wide = wideMutual[first] as Entry | undefined;
    const hasTls = dr.spec.trafficPolicy?.tls || (dr.spec.trafficPolicy?.portLevelSettings ?? []).some((p: any) => p?.tls);
    if (wide && !hasTls) {
      index.report(dr, 'KIA0204', Severity.WARNING, `has no tls settings, so it overrides the ISTIO_MUTUAL of DestinationRule ${wide.namespace}/${wide.name} for "${fqdn}"`,
        'add trafficPolicy.tls.mode: ISTIO_MUTUAL');
    }
  }

  for (const pa of index.of('PeerAuthentication')) {
    if (hasLabels(pa.spec.selector?.matchLabels) || pa.spec.mtls?.mode !== 'DISABLE') continue;
    if (pa.namespace === root) {
      if (MUTUAL.has(meshDrMode)) {
        index.report(pa, 'KIA0506', Severity.ERROR, `disables mTLS mesh-wide, but DestinationRule ${meshDr!.namespace}/${meshDr!.name} (*.local) sends ${meshDrMode}`,
          'remove the mesh-wide mTLS DestinationRule, or set its tls mode to DISABLE');
      }
      continue;
    }
    const nsDrs = wideDrs.get(pa.namespace) ?? [];
    if (nsDrs.some((d) => d.spec.trafficPolicy?.tls?.mode === 'DISABLE')) continue;
    const mutual = nsDrs.find((d) => MUTUAL.has(d.spec.trafficPolicy?.tls?.mode)) ?? (MUTUAL.has(meshDrMode) ? meshDr : undefined);
    if (mutual) {
      index.report(pa, 'KIA0505', Severity.ERROR, `disables mTLS for namespace "${pa.namespace}", but DestinationRule ${mutual.namespace}/${mutual.name} sends it mTLS`,
        `add a DestinationRule for *.${pa.namespace}.svc.cluster.local with tls mode DISABLE`);
    }
  }
}

/** `when` keys that only a peer's mTLS certificate can give. */
const IDENTITY_KEYS = new Set(['source.namespace', 'source.principal', 'connection.sni']);

/**
 * KIA0105: an AuthorizationPolicy's rules name peer identities (source principals or namespaces,
 * `when` on source.principal, source.namespace or connection.sni), while the workloads it applies
 * to receive plaintext: a PeerAuthentication that applies to them (workload, namespace, then
 * mesh-wide) has mode DISABLE, or, unless it is STRICT, a namespace-wide or mesh-wide
 * DestinationRule turns TLS off. The identities are then never known.
 */
export function checkAuthorizationMtls(index: MeshIndex): void {
  const root = index.rootNamespace;
  // PeerAuthentications with a mode, and DestinationRules turning TLS off namespace- or mesh-wide, by namespace.
  const peers = new Map<string, Entry[]>();
  for (const pa of index.of('PeerAuthentication')) if (pa.spec.mtls?.mode !== undefined && pa.spec.mtls.mode !== 'UNSET') push(peers, pa.namespace, pa);
  const plaintext = new Map<string, Entry>();
  for (const dr of index.of('DestinationRule')) {
    const ns = dr.spec.host === '*.local' ? '*' : namespaceOfWildcard(dr.spec.host);
    if (ns !== undefined && dr.spec.trafficPolicy?.tls?.mode === 'DISABLE' && !plaintext.has(ns)) plaintext.set(ns, dr);
  }
  // Nothing turns mTLS off: no policy can lose its identities.
  if (plaintext.size === 0 && ![...peers.values()].some((list) => list.some((pa) => pa.spec.mtls.mode === 'DISABLE'))) return;
  const wide = new Map<string, Entry | undefined>();
  const namespaceWide = (ns: string) => {
    if (!wide.has(ns)) wide.set(ns, (peers.get(ns) ?? []).find((pa) => !hasLabels(pa.spec.selector?.matchLabels)));
    return wide.get(ns);
  };
  for (const ap of index.of('AuthorizationPolicy')) {
    const fields = identityFields(ap.spec);
    if (fields.length === 0) continue;
    const selector = ap.spec.selector?.matchLabels;
    const applying = (hasLabels(selector) ? (peers.get(ap.namespace) ?? []).find((pa) => hasLabels(pa.spec.selector?.matchLabels)
      && matchesLabels(pa.spec.selector.matchLabels, selector)) : undefined)
      ?? namespaceWide(ap.namespace) ?? namespaceWide(root);
    const mode = applying?.spec.mtls.mode;
    const plaintextDr = mode === 'STRICT' ? undefined : plaintext.get(ap.namespace) ?? plaintext.get('*');
    const why = mode === 'DISABLE' ? `PeerAuthentication ${applying!.namespace}/${applying!.name} sets mTLS mode DISABLE`
      : plaintextDr ? `DestinationRule ${plaintextDr.namespace}/${plaintextDr.name} (${plaintextDr.spec.host}) turns TLS off` : undefined;
    if (!why) continue;
    index.report(ap, 'KIA0105', Severity.ERROR,
      `${fields.join(', ')} need the peer's mTLS identity, but ${why}: those conditions never match (ALLOW rules never allow, DENY rules never deny)`,
      'turn mTLS on for these workloads (PeerAuthentication STRICT or PERMISSIVE, no tls mode DISABLE), or drop the identity conditions');
  }
}

/** The fields of an AuthorizationPolicy's rules that need the peer's mTLS identity. */
function identityFields(spec: any): string[] {
  const out: string[] = [];
  const rules: any[] = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, i) => {
    ((Array.isArray(rule?.from) ? rule.from : []) as any[]).forEach((from, j) => {
      for (const field of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces']) {
        if (Array.isArray(from?.source?.[field]) && from.source[field].length) out.push(`rules[${i}].from[${j}].source.${field}`);
      }
    });
    ((Array.isArray(rule?.when) ? rule.when : []) as any[]).forEach((c, j) => {
      if (IDENTITY_KEYS.has(c?.key)) out.push(`rules[${i}].when[${j}] (${c.key})`);
    });
  });
  return out;
}

/** `ns` for a namespace-wide host `*.ns.svc.cluster.local`. */
function namespaceOfWildcard(host: unknown): string | undefined {
  const m = typeof host === 'string' ? /^\*\.([^.]+)\.svc\.cluster\.local$/.exec(host) : null;
  return m?.[1];
}
