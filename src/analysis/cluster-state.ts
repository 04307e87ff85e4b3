import { isIP } from 'net';
import { Severity } from './finding';
import { Entry, MeshIndex } from './mesh-index';
import { isPlainObject } from '../core/json';

/** Registries a MeshNetworks endpoint can name besides the remote clusters' secrets (Istio's `provider.ID`s). */
const SERVICE_REGISTRIES = ['Mock', 'Kubernetes', 'External'];
/** Negative status conditions, by kind (Istio's ConditionAnalyzer). */
const NEGATIVE_CONDITIONS: Record<string, string[]> = {
  'Service': ['istio.io/WaypointBound'],
  'ServiceEntry': ['istio.io/WaypointBound'],
  'WorkloadEntry': ['istio.io/WaypointBound'],
  'AuthorizationPolicy': ['ZtunnelAccepted', 'WaypointAccepted'],
  'gateway.networking.k8s.io/Gateway': ['Accepted', 'Programmed', 'ResolvedRefs'],
  'gateway.networking.k8s.io/HTTPRoute': ['Accepted', 'Programmed', 'ResolvedRefs'],
  'gateway.networking.k8s.io/GRPCRoute': ['Accepted', 'Programmed', 'ResolvedRefs'],
};

/** The bundle version annotation of the Gateway API CRDs. */
const BUNDLE_VERSION = 'gateway.networking.k8s.io/bundle-version';
/** The oldest Gateway API bundle whose CRDs istiod 1.30 still processes, by CRD (Istio's `MinimumCRDVersions`). */
const MINIMUM_CRD_VERSIONS: Record<string, [number, number, number]> = {
  'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
  'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
  'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
};

/**
 * The control plane's state when the objects carry it (a `kubectl get -o yaml` dump): webhook
 * addresses of an external control plane (IST0163, IST0164), istiod's JWKS fetch restriction
 * (IST0175), MeshNetworks registries (IST0126), negative status conditions (IST0171) and Gateway
 * API CRDs older than istiod processes (IST0176).
 */
export function checkClusterState(index: MeshIndex): void {
  checkCrdVersions(index);
  checkExternalControlPlane(index);
  checkJwksRestriction(index);
  checkMeshNetworks(index);
  for (const [kind, types] of Object.entries(NEGATIVE_CONDITIONS)) {
    for (const e of index.of(kind)) checkConditions(index, e, types);
  }
}

/** IST0163, IST0164: Istio's validating and injecting webhooks that call the control plane by URL. */
function checkExternalControlPlane(index: MeshIndex): void {
  const configs = [
    ...index.of('ValidatingWebhookConfiguration').filter((e) => e.name === 'istiod-default-validator' || e.name.startsWith('istio-validator')),
    ...index.of('MutatingWebhookConfiguration').filter((e) => e.name.startsWith('istio-sidecar-injector')),
  ];
  for (const e of configs) {
    for (const hook of Array.isArray(e.obj.webhooks) ? e.obj.webhooks : []) {
      const config = hook?.clientConfig ?? {};
      const url = config.url;
      if (url !== undefined && url !== null) {
        const host = urlHost(String(url));
        if (host === undefined) {
          index.report(e, 'IST0163', Severity.WARNING, `webhook ${hook.name}: clientConfig.url "${url}" is not a valid URL`,
            'set the https URL of the external control plane\'s ingress gateway (https://<host>:15017/...)');
        } else if (isIP(host)) {
          index.report(e, 'IST0164', Severity.INFO, `webhook ${hook.name}: clientConfig.url "${url}" reaches the external control plane by IP address, which is not recommended in production`,
            'use a hostname for the external control plane\'s ingress gateway');
        }
      } else if (!isPlainObject(config.service)) {
        index.report(e, 'IST0163', Severity.WARNING, `webhook ${hook?.name}: clientConfig has neither a url nor a service: the API server cannot call the control plane`,
          'set clientConfig.url to the external control plane\'s ingress gateway, or clientConfig.service to istiod');
      }
    }
  }
}

/**
 * The host of a URL as Go's `url.Parse` reads it (empty for a URL without an authority, such as a
 * bare path); undefined when Go refuses the URL.
 */
function urlHost(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(url)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!scheme) return url.split('/')[0].includes(':') ? undefined : '';
  const rest = url.slice(scheme[0].length);
  if (!rest.startsWith('//')) return '';
  const authority = rest.slice(2).split(/[/?#]/)[0].replace(/^.*@/, '');
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(authority);
  if (bracketed) return bracketed[1];
  const m = /^([^:[\]]*)(?::(\d*))?$/.exec(authority);
  return m ? m[1] : undefined;
}

/** IST0175: RequestAuthentications exist and istiod does not restrict where JWKS may be fetched from. */
function checkJwksRestriction(index: MeshIndex): void {
  const policies = index.of('RequestAuthentication');
  if (policies.length === 0) return;
  const names = policies.map((p) => `${p.namespace}/${p.name}`);
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more` : names.join(', ');
  for (const d of index.of('Deployment')) {
    if (d.labels.app !== 'istiod') continue;
    const containers: any[] = d.spec.template?.spec?.containers ?? [];
    if (containers.some((c) => (c?.env ?? []).some((v: any) => v?.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && v.value))) continue;
    index.report(d, 'IST0175', Severity.WARNING,
      `istiod has no BLOCKED_CIDRS_IN_JWKS_URIS, and ${names.length} RequestAuthentication(s) (${shown}) make it fetch JWKS from any address their jwksUri names, internal ones included`,
      'set the environment variable BLOCKED_CIDRS_IN_JWKS_URIS on istiod to the CIDRs it must not fetch from (e.g. 169.254.169.254/32,10.0.0.0/8)');
  }
}

/** IST0126: a MeshNetworks endpoint names a registry that is neither built in nor a remote cluster's secret. */
function checkMeshNetworks(index: MeshIndex): void {
  const networks = index.mesh.meshNetworks?.networks;
  if (!isPlainObject(networks)) return;
  const known = new Set(SERVICE_REGISTRIES);
  for (const s of index.of('Secret')) {
    if (s.labels['istio/multiCluster'] !== 'true') continue;
    for (const key of Object.keys({ ...s.obj.data, ...s.obj.stringData })) known.add(key);
  }
  const resource = `MeshNetworks ${index.rootNamespace}/meshnetworks`;
  for (const [network, spec] of Object.entries(networks)) {
    for (const endpoint of Array.isArray((spec as any)?.endpoints) ? (spec as any).endpoints : []) {
      const registry = endpoint?.fromRegistry;
      if (registry === undefined || known.has(registry)) continue;
      index.findings.push({
        code: 'IST0126',
        severity: Severity.ERROR,
        resource,
        message: `network "${network}": endpoints fromRegistry "${registry}" is not a known service registry (${[...known].join(', ')})`,
        fix: 'name the cluster ID of a registry (Kubernetes for the local cluster, or the key of a remote cluster\'s istio/multiCluster secret)',
        path: index.mesh.source?.path,
        file: index.mesh.source?.file,
      });
    }
  }
}

/** IST0171: a status condition that says the object does not work (a dump of live objects carries them). */
function checkConditions(index: MeshIndex, e: Entry, negative: string[]): void {
  const status = e.obj.status;
  if (!isPlainObject(status)) return;
  const conditions: any[] = [
    ...(Array.isArray(status.conditions) ? status.conditions : []),
    // Route status is per parent Gateway.
    ...(Array.isArray(status.parents) ? status.parents.flatMap((p: any) => (Array.isArray(p?.conditions) ? p.conditions : [])) : []),
  ];
  const seen = new Set<string>();
  for (const c of conditions) {
    const bad = (negative.includes(c?.type) && c.status === 'False')
      || (e.kind === 'AuthorizationPolicy' && c?.type === 'WaypointAccepted' && c.reason === 'PartiallyInvalid');
    const message = `status condition ${c?.type} is ${c?.status} (reason ${c?.reason ?? 'none'}: ${c?.message ?? 'no message'})`;
    if (!bad || seen.has(message)) continue;
    seen.add(message);
    index.report(e, 'IST0171', Severity.WARNING, message, 'fix what the condition\'s message names; the controller updates the status once the object works');
  }
}

/** IST0176: a Gateway API CRD older than istiod processes: its objects are ignored. */
function checkCrdVersions(index: MeshIndex): void {
  for (const crd of index.of('CustomResourceDefinition')) {
    const minimum = MINIMUM_CRD_VERSIONS[crd.name];
    const installed = semver(crd.annotations[BUNDLE_VERSION]);
    if (!minimum || !installed || compare(installed, minimum) >= 0) continue;
    index.report(crd, 'IST0176', Severity.WARNING,
      `Gateway API bundle version ${crd.annotations[BUNDLE_VERSION]} is older than ${minimum.join('.')}, the oldest whose ${crd.name} istiod processes: objects of this kind are ignored`,
      'upgrade the Gateway API CRDs');
  }
}

/** A semantic version's major, minor and patch (`v1.4`, `1.4.1-rc.1`), prerelease dropped; undefined when it is none. */
function semver(text: unknown): [number, number, number] | undefined {
  const m = typeof text === 'string' ? /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim()) : null;
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
