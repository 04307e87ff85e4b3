// Small plain-object builders for analyzer fixtures: a clean base mesh that each case extends.

export const ns = (name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }) =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

interface SvcExtra { labels?: any; annotations?: any; type?: string; selector?: any }
export const svc = (name: string, namespace: string, ports: any[], extra: SvcExtra = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels: extra.labels, annotations: extra.annotations },
  spec: { type: extra.type, selector: extra.selector ?? { app: name }, ports },
});

interface DeployOptions { labels?: any; annotations?: any; ports?: number[]; podSpec?: any; metaAnnotations?: any }
export const deploy = (name: string, namespace: string, opts: DeployOptions = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, annotations: opts.metaAnnotations },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: opts.labels ?? { app: name }, annotations: opts.annotations },
      spec: opts.podSpec ?? { containers: [{ name, image: `${name}:1`, ports: (opts.ports ?? []).map((containerPort) => ({ containerPort })) }] },
    },
  },
});

const istio = (group: string, kind: string) => (name: string, namespace: string, spec: any, metadata: any = {}) =>
  ({ apiVersion: `${group}/v1`, kind, metadata: { name, namespace, ...metadata }, spec });

export const vs = istio('networking.istio.io', 'VirtualService');
export const gw = istio('networking.istio.io', 'Gateway');
export const dr = istio('networking.istio.io', 'DestinationRule');
export const se = istio('networking.istio.io', 'ServiceEntry');
export const sidecar = istio('networking.istio.io', 'Sidecar');
export const ap = istio('security.istio.io', 'AuthorizationPolicy');
export const pa = istio('security.istio.io', 'PeerAuthentication');
export const ra = istio('security.istio.io', 'RequestAuthentication');
export const telemetry = istio('telemetry.istio.io', 'Telemetry');
export const wasm = (name: string, namespace: string, spec: any) =>
  ({ apiVersion: 'extensions.istio.io/v1alpha1', kind: 'WasmPlugin', metadata: { name, namespace }, spec });

export const REVIEWS = 'reviews.app.svc.cluster.local';

/**
 * A clean mesh: namespace `app` with `reviews` (HTTP 9080, pods app=reviews,version=v1) and
 * `ratings` (HTTP 9080, gRPC 9090); namespace `gw` with an ingress gateway (pods istio=ingressgateway,
 * Service ports 80/443) and Gateway `gw/public` for `*.example.com` on 80.
 */
export function baseMesh(): any[] {
  return [
    ns('app'), ns('gw'), ns('istio-system', {}),
    svc('reviews', 'app', [{ name: 'http-web', port: 9080 }]),
    deploy('reviews', 'app', { labels: { app: 'reviews', version: 'v1' }, ports: [9080] }),
    svc('ratings', 'app', [{ name: 'http', port: 9080 }, { name: 'grpc', port: 9090 }]),
    deploy('ratings', 'app', { ports: [9080, 9090] }),
    svc('ingress', 'gw', [{ name: 'http2', port: 80 }, { name: 'https', port: 443 }], { labels: { istio: 'ingressgateway' }, selector: { istio: 'ingressgateway' } }),
    deploy('ingress', 'gw', { labels: { istio: 'ingressgateway' }, podSpec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } }),
    gw('public', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] }),
  ];
}

/** A route to `host` (and optional port/subset) as an http rule. */
export const route = (host: string, extra: any = {}) => ({ route: [{ destination: { host, ...extra } }] });

/** A bare Pod (a running pod, as in a `kubectl get -o yaml` dump). */
export const pod = (name: string, namespace: string, spec: any, metadata: any = {}) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...metadata }, spec });

/** A TLS Secret holding `certPem` (the key is not read by the analysis). */
export const tlsSecret = (name: string, namespace: string, certPem: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/tls',
  metadata: { name, namespace },
  data: { 'tls.crt': Buffer.from(certPem).toString('base64'), 'tls.key': Buffer.from('not read').toString('base64') },
});

// Self-signed certificates generated for these tests with `openssl ca -selfsign` (keys discarded):
// CN=shop.example.com valid 2020-01-01 to 2120-01-01, and CN=old.example.com valid 2000-01-01 to 2001-01-01.
export const VALID_CERT = `-----BEGIN CERTIFICATE-----
MIIBIDCBxgIBAjAKBggqhkjOPQQDAjAbMRkwFwYDVQQDDBBzaG9wLmV4YW1wbGUu
Y29tMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAbMRkwFwYDVQQD
DBBzaG9wLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEl/Fm
ummiPdmH5griM29rIkqwdxSDE7YUWQQqAWaYm9TxoBFhPYG8HQUGupgpY9ArpRmh
w5IlSQdwSA3EK4eJ+zAKBggqhkjOPQQDAgNJADBGAiEAwivri+vjvR5Duuzz/j9n
U2SqiDZCjghyCPnpoOshMPUCIQCTj0wEsS3ddjXX3Z0W/OoEScncyFG8DcaT1fSV
zWN6Sg==
-----END CERTIFICATE-----
`;
export const EXPIRED_CERT = `-----BEGIN CERTIFICATE-----
MIIBGzCBwgIBATAKBggqhkjOPQQDAjAaMRgwFgYDVQQDDA9vbGQuZXhhbXBsZS5j
b20wHhcNMDAwMTAxMDAwMDAwWhcNMDEwMTAxMDAwMDAwWjAaMRgwFgYDVQQDDA9v
bGQuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATGzABseqih
/1VOuHw9C/c+BSP+cT0pk3K+PDx/BFFGmVz0aLr4NvHKn74eEzFWvyxseLIO9lxl
GRHrn22obulvMAoGCCqGSM49BAMCA0gAMEUCIQDtvemwsgG9YdPnqkghVQhbqFRD
u+FmnFyGSKlVty4XEAIgZ3sUrESb6rvN8UAMcNW7SlUu42ZLw0luWyGIt2jSz0E=
-----END CERTIFICATE-----
`;
