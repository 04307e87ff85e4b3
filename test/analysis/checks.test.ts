import { readFileSync } from 'fs';
import { join } from 'path';
import { EXPIRED_CERT, REVIEWS, VALID_CERT, ap, baseMesh, deploy, dr, gw, ns, pa, pod, ra, route, se, sidecar, svc, telemetry, tlsSecret, vs, wasm } from './fixtures';
import { GATEWAY_API_CASES } from './gateway-api-cases';
import { MeshAnalyzer, Severity } from '../../src';

interface Case {
  readonly code: string;
  readonly severity: Severity;
  /** A fragment of the expected message. */
  readonly message: string;
  /** Objects added to the base mesh that trigger the finding. */
  readonly bad: any[];
  /** The corrected objects: the finding is gone. */
  readonly good: any[];
  /** Replace the base mesh instead of extending it. */
  readonly alone?: boolean;
}

const meshConfigMap = (mesh: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh } });
const E = Severity.ERROR;
const W = Severity.WARNING;
const I = Severity.INFO;
const meshVs = (name: string, spec: any) => vs(name, 'app', { hosts: ['reviews'], ...spec });
const gwVs = (name: string, spec: any) => vs(name, 'gw', { hosts: ['shop.example.com'], gateways: ['public'], ...spec });
const tlsServer = (name: string, cred: string) => ({ port: { number: 443, name, protocol: 'HTTPS' }, hosts: ['*.example.com'], tls: { mode: 'SIMPLE', credentialName: cred } });
const gwSvc443 = svc('ingress', 'gw', [{ name: 'http2', port: 80 }, { name: 'https', port: 443 }], { labels: { istio: 'ingressgateway' }, selector: { istio: 'ingressgateway' } });
const httpIngress = { port: { number: 9080, protocol: 'HTTP', name: 'http' }, defaultEndpoint: '127.0.0.1:9080' };
const httpsPort = { number: 9443, protocol: 'HTTPS', name: 'https' };
const fileTls = { mode: 'SIMPLE', serverCertificate: '/etc/certs/cert.pem', privateKey: '/etc/certs/key.pem' };
const udsPort = { number: 0, protocol: 'HTTP', name: 'uds' };
/** A Sidecar with one ingress listener: the HTTP one above with `extra` fields replaced. */
const ingress = (extra: any) => sidecar('s', 'app', { workloadSelector: { labels: { app: 'reviews' } }, ingress: [{ ...httpIngress, ...extra }] });
const outlier = { outlierDetection: { consecutive5xxErrors: 5 } };
/** A DestinationRule for reviews with this load balancer (and other traffic policy fields). */
const lbDr = (loadBalancer: any, extra: any = {}) => dr('r', 'app', { host: REVIEWS, trafficPolicy: { loadBalancer, ...extra } });

/** Namespace `amb` in ambient mode (with `extra` labels), Service and Deployment `web` (HTTP 8080) in it. */
const ambient = (extra: Record<string, string> = {}, svcLabels?: Record<string, string>) => [
  ns('amb', { 'istio.io/dataplane-mode': 'ambient', ...extra }),
  svc('web', 'amb', [{ name: 'http', port: 8080 }], { labels: svcLabels }),
  deploy('web', 'amb', { ports: [8080] }),
];
const enrolled = { 'istio.io/use-waypoint': 'waypoint' };
const toWeb = [{ kind: 'Service', group: '', name: 'web' }];
const l7Ap = (namespace: string, extra: any = {}) => ap('a', namespace, { rules: [{ to: [{ operation: { paths: ['/admin'] } }] }], ...extra });
const apiSe = se('api', 'amb', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' });
const ambVs = (namespace: string, host: string) => vs('r', namespace, { hosts: [host], http: [route(host)] });
const ambDr = (namespace: string, host: string) => dr('d', namespace, { host, trafficPolicy: outlier });

/** The injector's ConfigMap with these `values`. */
const injectorConfig = (values: any, name = 'istio-sidecar-injector') =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'istio-system' }, data: { values: JSON.stringify(values) } });
const INJECTOR_VALUES = { global: { hub: 'docker.io/istio', tag: '1.30.3', proxy: { image: 'proxyv2' } } };
/** An injector MutatingWebhookConfiguration whose one webhook selects namespaces labelled istio-injection=enabled. */
const injectorWebhook = (name: string, clientConfig: any = { service: { name: 'istiod', namespace: 'istio-system' } }) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: { name },
  webhooks: [{ name: 'namespace.sidecar-injector.istio.io', clientConfig, namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } }, admissionReviewVersions: ['v1'], sideEffects: 'None' }],
});
const autoProxy = { containers: [{ name: 'istio-proxy', image: 'auto' }] };
const envoyFilter = (spec: any) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'ef', namespace: 'app' }, spec });
const luaPatch = (operation: string, extra: any = {}) => ({
  applyTo: 'HTTP_FILTER',
  match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } }, ...extra },
  patch: { operation, value: { name: 'envoy.lua' } },
});
const istiod = (env: any[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } },
  spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'pilot', env }] } } },
});
const jwt = ra('jwt', 'app', { jwtRules: [{ issuer: 'https://issuer.example.com' }] });
const meshNetworks = (registry: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'istio', namespace: 'istio-system' },
  data: { meshNetworks: `networks:\n  west:\n    endpoints:\n    - fromRegistry: ${registry}\n    gateways:\n    - address: 1.2.3.4\n      port: 15443\n` },
});
const crd = (version: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'tlsroutes.gateway.networking.k8s.io', annotations: { 'gateway.networking.k8s.io/bundle-version': version } },
  spec: { group: 'gateway.networking.k8s.io', names: { kind: 'TLSRoute', plural: 'tlsroutes' }, scope: 'Namespaced', versions: [] },
});
const waypointBound = (status: string) => ({
  ...svc('reviews', 'app', [{ name: 'http-web', port: 9080 }]),
  status: { conditions: [{ type: 'istio.io/WaypointBound', status, reason: 'WaypointNotFound', message: 'waypoint app/missing not found', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});
const gatewayApiPods = deploy('bookinfo-gateway-istio', 'app', { labels: { 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway' } });
const credentialGw = (credentialName: string) => gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('https', credentialName)] });

const CASES: Case[] = [
  // VirtualService → Gateway
  { code: 'IST0101', severity: E, message: 'referenced gateway not found: "missing"', bad: [gwVs('a', { gateways: ['missing'], http: [route(REVIEWS)] })], good: [gwVs('a', { http: [route(REVIEWS)] })] },
  { code: 'IST0132', severity: W, message: 'is accepted by gateway gw/public', bad: [gwVs('a', { hosts: ['shop.example.org'], http: [route(REVIEWS)] })], good: [gwVs('a', { http: [route(REVIEWS)] })] },
  { code: 'IST0165', severity: W, message: 'internal gateway', bad: [gwVs('a', { gateways: ['gw/x-~istio-autogenerated-k8s-gateway~'], http: [route(REVIEWS)] })], good: [gwVs('a', { http: [route(REVIEWS)] })] },
  { code: 'KIA1108', severity: I, message: 'legacy <name>.<namespace> form', bad: [gwVs('a', { gateways: ['public.gw'], http: [route(REVIEWS)] })], good: [gwVs('a', { gateways: ['gw/public'], http: [route(REVIEWS)] })] },
  // VirtualService → destinations
  { code: 'IST0101', severity: E, message: 'referenced host not found: "details"', bad: [meshVs('a', { http: [route('details')] })], good: [meshVs('a', { http: [route('reviews')] })] },
  { code: 'IST0101', severity: E, message: 'referenced mirror host not found', bad: [meshVs('a', { http: [{ ...route('reviews'), mirror: { host: 'nope' } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), mirror: { host: 'ratings', port: { number: 9080 } } }] })] },
  { code: 'IST0101', severity: E, message: '"reviews.app.svc.cluster.local:9999"', bad: [meshVs('a', { http: [route(REVIEWS, { port: { number: 9999 } })] })], good: [meshVs('a', { http: [route(REVIEWS, { port: { number: 9080 } })] })] },
  { code: 'IST0112', severity: E, message: 'has several ports (9080, 9090)', bad: [meshVs('a', { hosts: ['ratings'], http: [route('ratings')] })], good: [meshVs('a', { hosts: ['ratings'], http: [route('ratings', { port: { number: 9080 } })] })] },
  {
    code: 'IST0101',
    severity: E,
    message: 'subset "v2"',
    bad: [meshVs('a', { http: [route('reviews', { subset: 'v2' })] }), dr('reviews', 'app', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] })],
    good: [meshVs('a', { http: [route('reviews', { subset: 'v1' })] }), dr('reviews', 'app', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] })],
  },
  {
    code: 'IST0140',
    severity: W,
    message: 'without a subset',
    bad: [gwVs('ing', { hosts: ['*.example.com'], http: [route(REVIEWS)] }), meshVs('split', { hosts: [REVIEWS], http: [route(REVIEWS, { subset: 'v1' })] }), dr('r', 'app', { host: REVIEWS, subsets: [{ name: 'v1', labels: { version: 'v1' } }] })],
    good: [gwVs('ing', { hosts: ['*.example.com'], http: [route(REVIEWS, { subset: 'v1' })] }), meshVs('split', { hosts: [REVIEWS], http: [route(REVIEWS, { subset: 'v1' })] }), dr('r', 'app', { host: REVIEWS, subsets: [{ name: 'v1', labels: { version: 'v1' } }] })],
  },
  // Mesh host conflicts
  { code: 'IST0109', severity: E, message: 'app/a, app/b all define host */reviews.app.svc.cluster.local', bad: [meshVs('a', { http: [route('reviews')] }), meshVs('b', { hosts: [REVIEWS], http: [route('reviews')] })], good: [meshVs('a', { http: [route('reviews')] }), meshVs('b', { hosts: ['ratings'], http: [route('ratings', { port: { number: 9080 } })] })] },
  { code: 'KIA1106', severity: W, message: 'more than one VirtualService for host "shop.example.com"', bad: [gwVs('a', { http: [route(REVIEWS)] }), gwVs('b', { http: [route(REVIEWS)] })], good: [gwVs('a', { http: [route(REVIEWS)] }), gwVs('b', { hosts: ['www.example.com'], http: [route(REVIEWS)] })] },
  // Reachability
  { code: 'IST0130', severity: W, message: 'only the last rule can have no matches', bad: [meshVs('a', { http: [route('reviews'), route('reviews')] })], good: [meshVs('a', { http: [route('reviews')] })] },
  { code: 'IST0130', severity: W, message: 'a rule without matches comes before it', bad: [meshVs('a', { http: [route('reviews'), { match: [{ uri: { prefix: '/a' } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ uri: { prefix: '/a' } }], ...route('reviews') }, route('reviews')] })] },
  { code: 'IST0131', severity: I, message: 'the same match is in rule #0', bad: [meshVs('a', { http: [{ match: [{ uri: { exact: '/a' } }], ...route('reviews') }, { match: [{ uri: { exact: '/a' } }, { uri: { exact: '/b' } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ uri: { exact: '/a' } }], ...route('reviews') }, { match: [{ uri: { exact: '/b' } }], ...route('reviews') }] })] },
  { code: 'IST0131', severity: I, message: 'of prefix /api/v1 is never used: prefix /api (match #0 in rule #0)', bad: [meshVs('a', { http: [{ match: [{ uri: { prefix: '/api' } }], ...route('reviews') }, { match: [{ uri: { prefix: '/api/v1' } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ uri: { prefix: '/api/v1' } }], ...route('reviews') }, { match: [{ uri: { prefix: '/api' } }], ...route('reviews') }] })] },
  // JWT claim routing
  { code: 'IST0106', severity: E, message: 'JWT claim based routing', bad: [meshVs('a', { http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'x' } } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ headers: { 'x-group': { exact: 'x' } } }], ...route('reviews') }] })] },
  {
    code: 'IST0149',
    severity: E,
    message: 'have no RequestAuthentication',
    bad: [gwVs('a', { http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'x' } } }], ...route(REVIEWS) }] })],
    good: [gwVs('a', { http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'x' } } }], ...route(REVIEWS) }] }), ra('jwt', 'gw', { selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: 'https://issuer.example.com' }] })],
  },
  // Kiali route checks
  { code: 'KIA1104', severity: W, message: 'weight 50, which is taken as 100', bad: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, weight: 50 }] }] })], good: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, weight: 100 }] }] })] },
  { code: 'KIA1105', severity: W, message: 'appears twice in one route', bad: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, weight: 50 }, { destination: { host: 'reviews' }, weight: 50 }] }] })], good: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, weight: 100 }] }] })] },
  // Gateways
  { code: 'IST0101', severity: E, message: 'referenced selector not found: no workload has the labels istio=egress', bad: [gw('g2', 'gw', { selector: { istio: 'egress' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })], good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })] },
  { code: 'IST0162', severity: W, message: 'server port 8443 is not a port or targetPort', bad: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8443, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })], good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })] },
  {
    code: 'IST0138',
    severity: W,
    message: 'uses the same certificate as a server of gateway gw/g3',
    bad: [gwSvc443, gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('https', 'cert')] }), gw('g3', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ ...tlsServer('https', 'cert'), hosts: ['*.example.org'] }] })],
    good: [gwSvc443, gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('https', 'cert')] }), gw('g3', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ ...tlsServer('https', 'other'), hosts: ['*.example.org'] }] })],
  },
  {
    code: 'IST0145',
    severity: E,
    message: 'server 0 conflicts with gateway gw/public: same pods, port 80 and host "*.example.com"',
    bad: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] })],
    good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.org'] }] })],
  },
  {
    code: 'KIA0301',
    severity: W,
    message: 'overlaps host "*.example.com"',
    bad: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] })],
    good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.org'] }] })],
  },
  { code: 'KIA0601', severity: W, message: 'server port name "web" does not follow', bad: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'web', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })], good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http-web', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })] },
  // Ports
  { code: 'IST0118', severity: I, message: 'port 8080 "web" does not follow', bad: [svc('web', 'app', [{ name: 'web', port: 8080 }]), deploy('web', 'app', { ports: [8080] })], good: [svc('web', 'app', [{ name: 'web', port: 8080, appProtocol: 'http' }]), deploy('web', 'app', { ports: [8080] })] },
  { code: 'IST0150', severity: W, message: 'ExternalName Service', bad: [svc('ext', 'app', [{ name: 'tcp', port: 443 }], { type: 'ExternalName' })], good: [svc('ext', 'app', [{ name: 'https-api', port: 443 }], { type: 'ExternalName' })] },
  { code: 'KIA0601', severity: W, message: 'port 8080 name "web" does not follow', bad: [svc('web', 'app', [{ name: 'web', port: 8080 }]), deploy('web', 'app', { ports: [8080] })], good: [svc('web', 'app', [{ name: 'http-web', port: 8080 }]), deploy('web', 'app', { ports: [8080] })] },
  { code: 'KIA0602', severity: W, message: 'appProtocol "http-web" is not a known protocol', bad: [svc('web', 'app', [{ name: 'web', port: 8080, appProtocol: 'http-web' }]), deploy('web', 'app', { ports: [8080] })], good: [svc('web', 'app', [{ name: 'web', port: 8080, appProtocol: 'http' }]), deploy('web', 'app', { ports: [8080] })] },
  { code: 'KIA0701', severity: W, message: 'port 8080 targets 8081, which no container', bad: [svc('web', 'app', [{ name: 'http', port: 8080, targetPort: 8081 }]), deploy('web', 'app', { ports: [8080] })], good: [svc('web', 'app', [{ name: 'http', port: 8080 }]), deploy('web', 'app', { ports: [8080] })] },
  // Workloads
  { code: 'IST0116', severity: W, message: 'port 8080 with different protocols (web: http, web-tcp: tcp)', bad: [svc('web', 'app', [{ name: 'http', port: 8080 }]), svc('web-tcp', 'app', [{ name: 'tcp-web', port: 8080 }], { selector: { app: 'web' } }), deploy('web', 'app', { ports: [8080] })], good: [svc('web', 'app', [{ name: 'http', port: 8080 }]), svc('web-any', 'app', [{ name: 'web', port: 8080 }], { selector: { app: 'web' } }), deploy('web', 'app', { ports: [8080] })] },
  { code: 'IST0116', severity: W, message: 'port 53 with different protocols', bad: [svc('dns', 'app', [{ name: 'tcp-dns', port: 53, protocol: 'TCP' }]), svc('dns-udp', 'app', [{ name: 'udp-dns', port: 53, protocol: 'UDP' }], { selector: { app: 'dns' } }), deploy('dns', 'app', { ports: [53] })], good: [svc('dns', 'app', [{ name: 'tcp-dns', port: 53, protocol: 'TCP' }]), deploy('dns', 'app', { ports: [53] })] },
  { code: 'IST0137', severity: W, message: 'container port 8080 is the target of several Service ports (80, 8080)', bad: [svc('web', 'app', [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'http-alt', port: 8080 }]), deploy('web', 'app', { ports: [8080] })], good: [svc('web', 'app', [{ name: 'http', port: 80, targetPort: 8080 }]), deploy('web', 'app', { ports: [8080] })] },
  { code: 'IST0144', severity: W, message: 'container "web" run(s) as UID 1337', bad: [deploy('web', 'app', { podSpec: { containers: [{ name: 'web', image: 'w', securityContext: { runAsUser: 1337 } }] } })], good: [deploy('web', 'app', { podSpec: { containers: [{ name: 'web', image: 'w', securityContext: { runAsUser: 1000 } }] } })] },
  // Injection
  { code: 'IST0102', severity: I, message: 'not enabled for Istio injection', bad: [ns('plain', {})], good: [ns('plain', { 'istio-injection': 'disabled' })] },
  { code: 'IST0123', severity: W, message: 'several injection labels (istio-injection=enabled, istio.io/rev=asm-managed)', bad: [ns('both', { 'istio-injection': 'enabled', 'istio.io/rev': 'asm-managed' })], good: [ns('both', { 'istio.io/rev': 'asm-managed' })] },
  // Annotations
  { code: 'IST0108', severity: W, message: 'unknown Istio annotation "sidecar.istio.io/proxyCpu"', bad: [deploy('web', 'app', { annotations: { 'sidecar.istio.io/proxyCpu': '100m' } })], good: [deploy('web', 'app', { annotations: { 'sidecar.istio.io/proxyCPU': '100m' } })] },
  { code: 'IST0107', severity: W, message: 'belongs on Pod, not on a Deployment', bad: [deploy('web', 'app', { metaAnnotations: { 'sidecar.istio.io/proxyCPU': '100m' } })], good: [deploy('web', 'app', { annotations: { 'sidecar.istio.io/proxyCPU': '100m' } })] },
  { code: 'IST0125', severity: W, message: 'annotation "traffic.sidecar.istio.io/excludeOutboundIPRanges" has an invalid value "10.0.0.0/33"', bad: [deploy('web', 'app', { annotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.0.0.0/33' } })], good: [deploy('web', 'app', { annotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.0.0.0/8, 169.254.169.254/32' } })] },
  { code: 'IST0125', severity: W, message: '"proxy.istio.io/config" has an invalid value', bad: [deploy('web', 'app', { annotations: { 'proxy.istio.io/config': '[1, 2' } })], good: [deploy('web', 'app', { annotations: { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' } })] },
  { code: 'IST0135', severity: I, message: '"sidecar.istio.io/inject" is deprecated', bad: [deploy('web', 'app', { annotations: { 'sidecar.istio.io/inject': 'true' } })], good: [deploy('web', 'app', { labels: { 'app': 'web', 'sidecar.istio.io/inject': 'true' } })] },
  // DestinationRules
  { code: 'IST0128', severity: W, message: 'trafficPolicy.tls mode SIMPLE has no caCertificates', bad: [se('ext', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), dr('ext', 'app', { host: 'api.example.org', trafficPolicy: { tls: { mode: 'SIMPLE' } } })], good: [se('ext', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), dr('ext', 'app', { host: 'api.example.org', trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: '/etc/ca.pem' } } })] },
  { code: 'IST0129', severity: W, message: 'port 443: tls mode MUTUAL has no caCertificates', bad: [se('ext', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), dr('ext', 'app', { host: 'api.example.org', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL' } }] } })], good: [se('ext', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), dr('ext', 'app', { host: 'api.example.org', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL', caCertificates: '/etc/ca.pem' } }] } })] },
  { code: 'IST0174', severity: W, message: 'host "detail" matches no Service', bad: [dr('d', 'app', { host: 'detail', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })], good: [dr('d', 'app', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })] },
  { code: 'IST0173', severity: E, message: 'subset "v2" selects no pods', bad: [dr('d', 'app', { host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] })], good: [dr('d', 'app', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] })] },
  // A ServiceEntry that resolves its hosts has endpoints without labels.
  {
    code: 'IST0173',
    severity: E,
    message: 'subset "v1" selects no pods of ServiceEntry app/ext',
    bad: [se('ext', 'app', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), dr('d', 'app', { host: 'api.example.com', subsets: [{ name: 'v1', labels: { version: 'v1' } }] })],
    good: [se('ext', 'app', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), dr('d', 'app', { host: 'api.example.com', subsets: [{ name: 'all', labels: {} }] })],
  },
  { code: 'KIA0209', severity: W, message: 'subset "all" has no labels', bad: [dr('d', 'app', { host: 'reviews', subsets: [{ name: 'all' }] })], good: [dr('d', 'app', { host: 'reviews', subsets: [{ name: 'all', labels: { app: 'reviews' } }] })] },
  { code: 'KIA0201', severity: W, message: 'also applies to host "reviews.app.svc.cluster.local"', bad: [dr('d1', 'app', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }), dr('d2', 'app', { host: REVIEWS, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })], good: [dr('d1', 'app', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }), dr('d2', 'app', { host: 'ratings', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })] },
  // mTLS consistency (Kiali)
  { code: 'KIA0204', severity: W, message: 'overrides the ISTIO_MUTUAL of DestinationRule istio-system/mesh', bad: [dr('mesh', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }), dr('d', 'app', { host: REVIEWS, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } })], good: [dr('mesh', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }), dr('d', 'app', { host: REVIEWS, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } }, tls: { mode: 'ISTIO_MUTUAL' } } })] },
  { code: 'KIA0207', severity: E, message: 'disables mTLS for namespace "app", whose PeerAuthentication is STRICT', bad: [pa('default', 'app', { mtls: { mode: 'STRICT' } }), dr('off', 'app', { host: '*.app.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } })], good: [pa('default', 'app', { mtls: { mode: 'PERMISSIVE' } }), dr('off', 'app', { host: '*.app.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } })] },
  { code: 'KIA0208', severity: E, message: 'mesh-wide PeerAuthentication is STRICT', bad: [pa('default', 'istio-system', { mtls: { mode: 'STRICT' } }), dr('off', 'app', { host: '*.app.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } })], good: [pa('default', 'istio-system', { mtls: { mode: 'STRICT' } })] },
  { code: 'KIA0505', severity: E, message: 'disables mTLS for namespace "app", but DestinationRule istio-system/mesh', bad: [pa('default', 'app', { mtls: { mode: 'DISABLE' } }), dr('mesh', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })], good: [pa('default', 'app', { mtls: { mode: 'DISABLE' } }), dr('mesh', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }), dr('off', 'app', { host: '*.app.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } })] },
  { code: 'KIA0506', severity: E, message: 'disables mTLS mesh-wide', bad: [pa('default', 'istio-system', { mtls: { mode: 'DISABLE' } }), dr('mesh', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })], good: [pa('default', 'istio-system', { mtls: { mode: 'DISABLE' } }), dr('mesh', 'istio-system', { host: '*.local', trafficPolicy: { tls: { mode: 'DISABLE' } } })] },
  // Sidecar / Telemetry / PeerAuthentication selectors
  { code: 'IST0111', severity: E, message: 'several Sidecars without a workload selector (a, b)', bad: [sidecar('a', 'app', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }), sidecar('b', 'app', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } })], good: [sidecar('a', 'app', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }), sidecar('b', 'app', { workloadSelector: { labels: { app: 'reviews' } }, outboundTrafficPolicy: { mode: 'ALLOW_ANY' } })] },
  { code: 'IST0110', severity: E, message: 'Deployment app/reviews is selected by several Sidecars (a, b)', bad: [sidecar('a', 'app', { workloadSelector: { labels: { app: 'reviews' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }), sidecar('b', 'app', { workloadSelector: { labels: { version: 'v1' } }, outboundTrafficPolicy: { mode: 'ALLOW_ANY' } })], good: [sidecar('a', 'app', { workloadSelector: { labels: { app: 'reviews' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }), sidecar('b', 'app', { workloadSelector: { labels: { app: 'ratings' } }, outboundTrafficPolicy: { mode: 'ALLOW_ANY' } })] },
  { code: 'IST0101', severity: E, message: 'referenced selector not found: no workload in "app"', bad: [sidecar('a', 'app', { workloadSelector: { labels: { app: 'nope' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })], good: [sidecar('a', 'app', { workloadSelector: { labels: { app: 'reviews' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })] },
  { code: 'IST0167', severity: W, message: 'is in ambient mode', bad: [ns('amb', { 'istio.io/dataplane-mode': 'ambient' }), sidecar('a', 'amb', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })], good: [ns('amb', { 'istio.io/dataplane-mode': 'ambient' })] },
  // Telemetry providers and deprecations
  { code: 'IST0157', severity: W, message: 'accessLogging[0] names no provider', bad: [telemetry('t', 'app', { accessLogging: [{}] })], good: [telemetry('t', 'app', { accessLogging: [{ providers: [{ name: 'envoy' }] }] })] },
  { code: 'IST0157', severity: W, message: 'no defaultProviders.accessLogging', bad: [telemetry('t', 'app', { accessLogging: [{}] })], good: [telemetry('t', 'app', { accessLogging: [{}] }), meshConfigMap('defaultProviders:\n  accessLogging: [envoy]\n')] },
  { code: 'IST0002', severity: W, message: 'http[0].fault.delay.percent is deprecated', bad: [meshVs('a', { http: [{ ...route('reviews'), fault: { delay: { percent: 10, fixedDelay: '1s' } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), fault: { delay: { percentage: { value: 10 }, fixedDelay: '1s' } } }] })] },
  { code: 'IST0002', severity: W, message: 'egressProxy is deprecated', bad: [sidecar('s', 'app', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'egress.example.com' } } })], good: [sidecar('s', 'app', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })] },
  { code: 'IST0002', severity: W, message: 'ServiceRole (rbac.istio.io) was removed', bad: [{ apiVersion: 'rbac.istio.io/v1alpha1', kind: 'ServiceRole', metadata: { name: 'r', namespace: 'app' }, spec: {} }], good: [] },
  {
    code: 'IST0002',
    severity: W,
    message: 'tracing provider "ls" is a Lightstep extension provider',
    bad: [meshConfigMap('extensionProviders:\n  - name: ls\n    lightstep: { address: ls:8080 }\n'), telemetry('t', 'app', { tracing: [{ providers: [{ name: 'ls' }] }] })],
    good: [meshConfigMap('extensionProviders:\n  - name: otel\n    opentelemetry: { service: otel.obs.svc.cluster.local, port: 4317 }\n'), telemetry('t', 'app', { tracing: [{ providers: [{ name: 'otel' }] }] })],
  },
  { code: 'IST0160', severity: E, message: 'several Telemetrys without a workload selector', bad: [telemetry('a', 'app', { tracing: [{ randomSamplingPercentage: 1 }] }), telemetry('b', 'app', { tracing: [{ randomSamplingPercentage: 2 }] })], good: [telemetry('a', 'app', { tracing: [{ randomSamplingPercentage: 1 }] }), telemetry('b', 'app', { selector: { matchLabels: { app: 'reviews' } }, tracing: [{ randomSamplingPercentage: 2 }] })] },
  { code: 'IST0159', severity: E, message: 'selected by several Telemetrys', bad: [telemetry('a', 'app', { selector: { matchLabels: { app: 'reviews' } } }), telemetry('b', 'app', { selector: { matchLabels: { version: 'v1' } } })], good: [telemetry('a', 'app', { selector: { matchLabels: { app: 'reviews' } } }), telemetry('b', 'app', { selector: { matchLabels: { app: 'ratings' } } })] },
  { code: 'KIA0002', severity: E, message: 'several PeerAuthentications without a workload selector', bad: [pa('a', 'app', { mtls: { mode: 'STRICT' } }), pa('b', 'app', { mtls: { mode: 'STRICT' } })], good: [pa('a', 'app', { mtls: { mode: 'STRICT' } })] },
  { code: 'KIA0003', severity: E, message: 'selected by several PeerAuthentications', bad: [pa('a', 'app', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } }), pa('b', 'app', { selector: { matchLabels: { version: 'v1' } }, mtls: { mode: 'STRICT' } })], good: [pa('a', 'app', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } })] },
  { code: 'KIA0004', severity: W, message: 'no workload in "app" has the labels {"app":"nope"}', bad: [ra('a', 'app', { selector: { matchLabels: { app: 'nope' } }, jwtRules: [{ issuer: 'i' }] })], good: [ra('a', 'app', { selector: { matchLabels: { app: 'reviews' } }, jwtRules: [{ issuer: 'i' }] })] },
  { code: 'KIA1006', severity: W, message: 'in the root namespace "istio-system" has a workload selector', bad: [deploy('x', 'istio-system'), sidecar('a', 'istio-system', { workloadSelector: { labels: { app: 'x' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })], good: [sidecar('a', 'istio-system', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })] },
  { code: 'KIA1007', severity: I, message: 'outboundTrafficPolicy has no mode', bad: [sidecar('a', 'app', { outboundTrafficPolicy: {} })], good: [sidecar('a', 'app', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })] },
  { code: 'KIA1004', severity: W, message: 'egress host "./details" matches no Service', bad: [sidecar('a', 'app', { egress: [{ hosts: ['./details'] }] })], good: [sidecar('a', 'app', { egress: [{ hosts: ['./reviews.app.svc.cluster.local'] }] })] },
  // ServiceEntries
  { code: 'IST0134', severity: W, message: 'port(s) 5432 serve TCP', bad: [se('db', 'app', { hosts: ['db.example.org'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' })], good: [se('db', 'app', { hosts: ['db.example.org'], addresses: ['10.1.2.3'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' })] },
  { code: 'KIA1211', severity: W, message: 'all define api.example.org:443', bad: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), se('b', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' })], good: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' })] },
  { code: 'KIA1212', severity: W, message: 'with different protocols', bad: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }), se('b', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' })], good: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' })] },
  { code: 'KIA0005', severity: E, message: 'exportTo namespace "shop" is not defined', bad: [meshVs('a', { exportTo: ['shop'], http: [route('reviews')] })], good: [meshVs('a', { exportTo: ['.'], http: [route('reviews')] })] },
  // AuthorizationPolicies
  { code: 'IST0127', severity: W, message: 'no in-mesh workload matches the selector {"app":"nope"}', bad: [ap('a', 'app', { selector: { matchLabels: { app: 'nope' } }, rules: [{}] })], good: [ap('a', 'app', { selector: { matchLabels: { app: 'reviews' } }, rules: [{}] })] },
  { code: 'IST0101', severity: E, message: 'source.namespaces "shop" matches no Namespace', bad: [ap('a', 'app', { rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] })], good: [ap('a', 'app', { rules: [{ from: [{ source: { namespaces: ['g*'] } }] }] })] },
  { code: 'KIA0102', severity: W, message: 'operation.methods "FETCH" is not an HTTP method', bad: [ap('a', 'app', { rules: [{ to: [{ operation: { methods: ['FETCH'] } }] }] })], good: [ap('a', 'app', { rules: [{ to: [{ operation: { methods: ['get'] } }] }] })] },
  { code: 'KIA0104', severity: W, message: 'operation.hosts "details.app.svc.cluster.local" matches no Service', bad: [ap('a', 'app', { rules: [{ to: [{ operation: { hosts: ['details.app.svc.cluster.local'] } }] }] })], good: [ap('a', 'app', { rules: [{ to: [{ operation: { hosts: [REVIEWS] } }] }] })] },
  // Kiali ambient checks
  { code: 'KIA0110', severity: W, message: 'needs a waypoint (operation.paths), but it has no targetRefs', bad: [...ambient(enrolled), l7Ap('amb', { selector: { matchLabels: { app: 'web' } } })], good: [...ambient(enrolled), l7Ap('amb', { targetRefs: toWeb })] },
  { code: 'KIA0109', severity: W, message: 'but namespace "amb" is not enrolled in one', bad: [...ambient(), l7Ap('amb', { targetRefs: toWeb })], good: [...ambient(enrolled), l7Ap('amb', { targetRefs: toWeb }), l7Ap('app')] },
  {
    code: 'KIA0109',
    severity: W,
    message: 'but Deployment amb/web is not enrolled in one',
    bad: [...ambient(enrolled).slice(0, 2), deploy('web', 'amb', { labels: { 'app': 'web', 'istio.io/use-waypoint': 'none' }, ports: [8080] }), l7Ap('amb', { selector: { matchLabels: { app: 'web' } } })],
    // Only L7 rules need a waypoint.
    good: [...ambient(), ap('a', 'amb', { selector: { matchLabels: { app: 'web' } }, rules: [{ to: [{ operation: { ports: ['8080'] } }] }] })],
  },
  { code: 'KIA1115', severity: W, message: 'RequestAuthentication needs a waypoint (JWT validation), but it has no targetRefs', bad: [...ambient(), ra('jwt', 'amb', { jwtRules: [{ issuer: 'https://issuer.example.com' }] })], good: [...ambient(), ra('jwt', 'amb', { targetRefs: toWeb, jwtRules: [{ issuer: 'https://issuer.example.com' }] })] },
  { code: 'KIA1110', severity: W, message: 'this RequestAuthentication needs a waypoint', bad: [...ambient(), ra('jwt', 'amb', { targetRefs: toWeb, jwtRules: [{ issuer: 'https://issuer.example.com' }] })], good: [...ambient(enrolled), ra('jwt', 'amb', { targetRefs: toWeb, jwtRules: [{ issuer: 'https://issuer.example.com' }] })] },
  { code: 'KIA1116', severity: W, message: 'WasmPlugin needs a waypoint (a Wasm filter), but it has no targetRefs', bad: [...ambient(enrolled), wasm('w', 'amb', { url: 'oci://registry.example.com/filter:1' })], good: [...ambient(enrolled), wasm('w', 'amb', { url: 'oci://registry.example.com/filter:1', targetRefs: toWeb })] },
  { code: 'KIA1111', severity: W, message: 'this WasmPlugin needs a waypoint', bad: [...ambient(), wasm('w', 'amb', { url: 'oci://registry.example.com/filter:1', targetRefs: toWeb })], good: [...ambient(enrolled), wasm('w', 'amb', { url: 'oci://registry.example.com/filter:1', targetRefs: toWeb })] },
  {
    code: 'KIA1117',
    severity: W,
    message: 'Telemetry needs a waypoint (tracing), but it has no targetRefs',
    bad: [...ambient(enrolled), telemetry('t', 'amb', { tracing: [{ randomSamplingPercentage: 10 }] })],
    // Metrics without overrides are L4: ztunnel reports them.
    good: [...ambient(enrolled), telemetry('t', 'amb', { tracing: [{ randomSamplingPercentage: 10 }], targetRefs: toWeb }), telemetry('m', 'amb', { metrics: [{ providers: [{ name: 'prometheus' }] }] })],
  },
  { code: 'KIA1112', severity: W, message: 'this Telemetry needs a waypoint (metric overrides)', bad: [...ambient(), telemetry('t', 'amb', { targetRefs: toWeb, metrics: [{ overrides: [{ disabled: true }] }] })], good: [...ambient(enrolled), telemetry('t', 'amb', { targetRefs: toWeb, metrics: [{ overrides: [{ disabled: true }] }] })] },
  { code: 'KIA1109', severity: W, message: 'namespace "amb" is in ambient mode and not enrolled in a waypoint', bad: [...ambient(), apiSe, ambVs('amb', 'api.example.com')], good: [...ambient(enrolled), apiSe, ambVs('amb', 'api.example.com')] },
  {
    code: 'KIA1113',
    severity: W,
    message: 'host "web" is Service amb/web in ambient mode, which is not enrolled',
    bad: [...ambient(), ambVs('amb', 'web')],
    // A VirtualService bound only to a gateway needs no waypoint.
    good: [...ambient({}, enrolled), ambVs('amb', 'web'), vs('ingress', 'amb', { hosts: ['web.example.com'], gateways: ['gw/public'], http: [route('web')] })],
  },
  { code: 'KIA1114', severity: W, message: 'its waypoint ignores a VirtualService (HTTP routes) from namespace "app"', bad: [...ambient(enrolled), ambVs('app', 'web.amb.svc.cluster.local')], good: [...ambient(enrolled), ambVs('amb', 'web.amb.svc.cluster.local')] },
  { code: 'KIA0210', severity: W, message: 'nothing applies the DestinationRule\'s outlierDetection', bad: [...ambient(), apiSe, ambDr('amb', 'api.example.com')], good: [...ambient(enrolled), apiSe, ambDr('amb', 'api.example.com')] },
  { code: 'KIA0211', severity: W, message: 'host "web" is Service amb/web in ambient mode', bad: [...ambient(), ambDr('amb', 'web')], good: [...ambient({}, enrolled), ambDr('amb', 'web'), dr('tcp', 'amb', { host: 'web', trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } })] },
  { code: 'KIA0212', severity: W, message: 'its waypoint ignores a DestinationRule (outlierDetection) from namespace "app"', bad: [...ambient(enrolled), ambDr('app', 'web.amb')], good: [...ambient(enrolled), ambDr('amb', 'web.amb')] },
  {
    code: 'KIA1311',
    severity: E,
    message: 'ask for both sidecar injection and ambient mode',
    bad: [deploy('x', 'app', { labels: { 'app': 'x', 'istio.io/dataplane-mode': 'ambient' } })],
    good: [deploy('x', 'app'), ns('amb', { 'istio.io/dataplane-mode': 'ambient' }), deploy('y', 'amb')],
  },
  // istiod webhook (Go validation) rules the CRD schema misses
  { code: 'IST0106', severity: E, message: 'retries.retryOn "sometimes" is not a retry condition', bad: [meshVs('a', { http: [{ ...route('reviews'), retries: { attempts: 2, retryOn: '5xx,sometimes' } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), retries: { attempts: 2, retryOn: '5xx,503' } }] })] },
  { code: 'IST0106', severity: E, message: 'fault abort percentage 150 is out of range', bad: [meshVs('a', { http: [{ ...route('reviews'), fault: { abort: { httpStatus: 503, percentage: { value: 150 } } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), fault: { abort: { httpStatus: 503, percentage: { value: 15 } } } }] })] },
  { code: 'IST0106', severity: E, message: 'fault abort httpStatus 700 is out of range', bad: [meshVs('a', { http: [{ ...route('reviews'), fault: { abort: { httpStatus: 700 } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), fault: { abort: { httpStatus: 500 } } }] })] },
  { code: 'IST0106', severity: E, message: 'fault needs an abort or a delay', bad: [meshVs('a', { http: [{ ...route('reviews'), fault: {} }] })], good: [meshVs('a', { http: [route('reviews')] })] },
  { code: 'IST0106', severity: E, message: 'redirectCode 200 is not a 3xx code', bad: [meshVs('a', { http: [{ redirect: { uri: '/b', redirectCode: 200 } }] })], good: [meshVs('a', { http: [{ redirect: { uri: '/b', redirectCode: 308 } }] })] },
  { code: 'IST0106', severity: E, message: 'a redirect needs a uri, authority, port or scheme', bad: [meshVs('a', { http: [{ redirect: { redirectCode: 301 } }] })], good: [meshVs('a', { http: [{ redirect: { authority: 'b.example.com', redirectCode: 301 } }] })] },
  { code: 'IST0106', severity: E, message: 'directResponse status 700 is out of range', bad: [meshVs('a', { http: [{ directResponse: { status: 700 } }] })], good: [meshVs('a', { http: [{ directResponse: { status: 503 } }] })] },
  { code: 'IST0106', severity: E, message: 'corsPolicy.allowMethods "FETCH" is not an HTTP method', bad: [meshVs('a', { http: [{ ...route('reviews'), corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }], allowMethods: ['FETCH'] } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }], allowMethods: ['GET'] } }] })] },
  { code: 'IST0106', severity: E, message: 'rewrite has both uri and uriRegexRewrite', bad: [meshVs('a', { http: [{ ...route('reviews'), rewrite: { uri: '/x', uriRegexRewrite: { match: '^/a', rewrite: '/b' } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), rewrite: { uri: '/x' } }] })] },
  { code: 'IST0106', severity: E, message: 'a TLS route needs at least one match, each with sniHosts', bad: [gwVs('t', { tls: [{ match: [{ port: 443, sniHosts: [] }], ...route(REVIEWS) }] })], good: [gwVs('t', { tls: [{ match: [{ port: 443, sniHosts: ['shop.example.com'] }], ...route(REVIEWS) }] })] },
  { code: 'IST0106', severity: E, message: 'consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { outlierDetection: { consecutiveLocalOriginFailures: 3 } } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { outlierDetection: { consecutiveLocalOriginFailures: 3, splitExternalLocalOriginErrors: true } } })] },
  { code: 'IST0133', severity: W, message: 'outlierDetection.consecutiveErrors is deprecated', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { outlierDetection: { consecutiveErrors: 3 } } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 3 } } })] },
  { code: 'IST0106', severity: E, message: 'connectionPool sets neither http nor tcp', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { connectionPool: {} } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } })] },
  { code: 'IST0106', severity: E, message: 'tls MUTUAL needs credentialName, or clientCertificate and privateKey', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { tls: { mode: 'MUTUAL' } } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { tls: { mode: 'MUTUAL', credentialName: 'client-cert' } } })] },
  { code: 'IST0106', severity: E, message: 'tls.insecureSkipVerify cannot be combined', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true, subjectAltNames: ['a.example.com'] } } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { tls: { mode: 'SIMPLE', subjectAltNames: ['a.example.com'] } } })] },
  { code: 'IST0106', severity: E, message: 'weights that are not 1-100 summing to 100', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 60, 'us-west1/*': 30 } }] } } } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 70, 'us-west1/*': 30 } }] } } } })] },
  { code: 'IST0106', severity: E, message: 'portLevelSettings[0] sets no policy', bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { portLevelSettings: [{ port: { number: 9080 } }] } })], good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'ISTIO_MUTUAL' } }] } })] },
  { code: 'IST0106', severity: E, message: 'the Sidecar configures nothing', bad: [sidecar('s', 'app', {})], good: [sidecar('s', 'app', { egress: [{ hosts: ['./*'] }] })] },
  { code: 'IST0106', severity: E, message: 'host "reviews" is not <namespace>/<dns name>', bad: [sidecar('s', 'app', { egress: [{ hosts: ['reviews'] }] })], good: [sidecar('s', 'app', { egress: [{ hosts: ['app/reviews.app.svc.cluster.local'] }] })] },
  { code: 'IST0133', severity: W, message: '"*/*" makes the other hosts redundant', bad: [sidecar('s', 'app', { egress: [{ hosts: ['*/*', './*'] }] })], good: [sidecar('s', 'app', { egress: [{ hosts: ['*/*'] }] })] },
  { code: 'IST0106', severity: E, message: 'outputClaimToHeaders needs a claim and a header', bad: [ra('jwt', 'app', { jwtRules: [{ issuer: 'https://auth.example.com', outputClaimToHeaders: [{ claim: 'sub', header: 'x user' }] }] })], good: [ra('jwt', 'app', { jwtRules: [{ issuer: 'https://auth.example.com', outputClaimToHeaders: [{ claim: 'sub', header: 'x-user' }] }] })] },
  { code: 'IST0106', severity: E, message: 'servers[1]: port name "http" is already used by servers[0]', bad: [gwSvc443, gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }, { port: { number: 443, name: 'http', protocol: 'HTTP' }, hosts: ['b.example.org'] }] })], good: [gwSvc443, gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }, { port: { number: 443, name: 'http-b', protocol: 'HTTP' }, hosts: ['b.example.org'] }] })] },
  { code: 'IST0106', severity: E, message: 'servers[0]: port number 70000 is out of range', bad: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 70000, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })], good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.org'] }] })] },
  { code: 'IST0106', severity: E, message: 'protocol HTTPS requires tls settings', bad: [gwSvc443, gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.org'] }] })], good: [gwSvc443, gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ ...tlsServer('https', 'cert'), hosts: ['a.example.org'] }] })] },
  { code: 'IST0106', severity: E, message: 'host "shop" is not valid', bad: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop'] }] })], good: [gw('g2', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.org'] }] })] },
  {
    code: 'IST0106',
    severity: E,
    message: 'connectionPool.tcp.idleTimeout "0.5ms" is not a duration',
    // The TCP idle timeout has no CRD rule (0s turns the timer off); an HTTP one below 1ms is a SCHEMA finding.
    bad: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { connectionPool: { tcp: { idleTimeout: '0.5ms' } } } })],
    good: [dr('r', 'app', { host: REVIEWS, trafficPolicy: { connectionPool: { http: { idleTimeout: '1s' }, tcp: { idleTimeout: '0s' } } } })],
  },
  { code: 'IST0106', severity: E, message: 'http[0].timeout "1.5ms" is not a duration of whole milliseconds', bad: [meshVs('a', { http: [{ ...route('reviews'), timeout: '1.5ms' }] })], good: [meshVs('a', { http: [{ ...route('reviews'), timeout: '1.5s' }] })] },
  { code: 'IST0106', severity: E, message: 'host "*" is not allowed for VirtualServices bound to the mesh', bad: [meshVs('a', { hosts: ['*'], http: [route('reviews')] })], good: [meshVs('a', { hosts: ['reviews'], http: [route('reviews')] })] },
  { code: 'IST0106', severity: E, message: 'several destinations and a total weight of 0', bad: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' } }, { destination: { host: 'ratings', port: { number: 9080 } } }] }] })], good: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, weight: 90 }, { destination: { host: 'ratings', port: { number: 9080 } }, weight: 10 }] }] })] },
  { code: 'IST0106', severity: E, message: 'portLevelMtls needs a workload selector', bad: [pa('default', 'app', { mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'DISABLE' } } })], good: [pa('reviews', 'app', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'DISABLE' } } })] },
  { code: 'IST0106', severity: E, message: 'a DENY policy needs rules', bad: [ap('a', 'app', { action: 'DENY' })], good: [ap('a', 'app', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['app'] } }] }] })] },
  { code: 'IST0106', severity: E, message: 'serviceAccounts cannot be combined with principals', bad: [ap('a', 'app', { rules: [{ from: [{ source: { serviceAccounts: ['app/front'], principals: ['cluster.local/ns/app/sa/front'] } }] }] })], good: [ap('a', 'app', { rules: [{ from: [{ source: { serviceAccounts: ['app/front'] } }] }] })] },
  { code: 'IST0106', severity: E, message: 'tracing randomSamplingPercentage 150 is out of range', bad: [telemetry('t', 'app', { tracing: [{ randomSamplingPercentage: 150 }] })], good: [telemetry('t', 'app', { tracing: [{ randomSamplingPercentage: 15 }] })] },
  { code: 'IST0106', severity: E, message: 'multiple hosts with the non-HTTP, non-TLS port 9092 and resolution DNS', bad: [se('a', 'app', { hosts: ['b1.kafka.example.org', 'b2.kafka.example.org'], ports: [{ number: 9092, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' })], good: [se('a', 'app', { hosts: ['b1.kafka.example.org', 'b2.kafka.example.org'], ports: [{ number: 9092, name: 'tcp', protocol: 'TCP' }], resolution: 'NONE' })] },
  { code: 'IST0106', severity: E, message: 'exportTo lists namespace "app" twice ("." is the object\'s own namespace)', bad: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS', exportTo: ['.', 'app'] })], good: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS', exportTo: ['.', 'shop'] })] },
  { code: 'IST0106', severity: E, message: 'exportTo lists namespace "shop" twice', bad: [dr('d', 'app', { host: 'reviews', exportTo: ['shop', 'shop'] })], good: [dr('d', 'app', { host: 'reviews', exportTo: ['shop'] })] },
  { code: 'IST0106', severity: E, message: 'port number 443 is used twice', bad: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }, { number: 443, name: 'tls-2', protocol: 'TLS' }], resolution: 'DNS' })], good: [se('a', 'app', { hosts: ['api.example.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' })] },
  { code: 'IST0106', severity: E, message: 'subset name "v1" is used twice', bad: [dr('d', 'app', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { app: 'reviews' } }] })], good: [dr('d', 'app', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] })] },
  { code: 'IST0133', severity: W, message: 'more than one tracing entry', bad: [telemetry('t', 'app', { tracing: [{ randomSamplingPercentage: 1 }, { randomSamplingPercentage: 2 }] })], good: [telemetry('t', 'app', { tracing: [{ randomSamplingPercentage: 1 }] })] },
  // Webhook header rules
  { code: 'IST0106', severity: E, message: 'http[0].match[0].headers["x user"] is not a valid header name', bad: [meshVs('a', { http: [{ match: [{ headers: { 'x user': { exact: 'a' } } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ headers: { 'x-user': { exact: 'a' }, ':method': { exact: 'GET' } } }], ...route('reviews') }] })] },
  { code: 'IST0106', severity: E, message: 'http[0].headers.request.set[":path"]: :path cannot be changed here', bad: [meshVs('a', { http: [{ ...route('reviews'), headers: { request: { set: { ':path': '/x' } } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), headers: { request: { set: { ':authority': 'reviews.example.com', 'x-path': '/x' } } } }] })] },
  { code: 'IST0106', severity: E, message: 'http[0].route[0].headers.response.remove: "Host": Host cannot be changed here', bad: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, headers: { response: { remove: ['Host'] } } }] }] })], good: [meshVs('a', { http: [{ route: [{ destination: { host: 'reviews' }, headers: { response: { remove: ['x-host'] } } }] }] })] },
  { code: 'IST0106', severity: E, message: 'headers.response.add[""]: the header name is empty', bad: [meshVs('a', { http: [{ ...route('reviews'), headers: { response: { add: { '': 'x' } } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), headers: { response: { add: { 'x-a': 'x' } } } }] })] },
  { code: 'IST0106', severity: E, message: 'value "100%" has a "%" that is neither "%%" nor a closed %VARIABLE% expression', bad: [meshVs('a', { http: [{ ...route('reviews'), headers: { response: { set: { 'x-load': '100%' } } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), headers: { response: { set: { 'x-load': '100%%', 'x-id': '%REQ(x-request-id)% on %HOSTNAME%' } } } }] })] },
  { code: 'IST0106', severity: E, message: 'headers.request.add["x-a"]: the value has a control character', bad: [meshVs('a', { http: [{ ...route('reviews'), headers: { request: { add: { 'x-a': 'a\nb' } } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), headers: { request: { add: { 'x-a': 'a\tb' } } } }] })] },
  { code: 'IST0106', severity: E, message: 'http[0]: the authority is rewritten in 2 places', bad: [meshVs('a', { http: [{ ...route('reviews'), rewrite: { authority: 'a.example.com' }, headers: { request: { set: { host: 'b.example.com' } } } }] })], good: [meshVs('a', { http: [{ ...route('reviews'), rewrite: { authority: 'a.example.com' } }] })] },
  // Webhook Sidecar listener rules
  { code: 'IST0106', severity: E, message: 'ingress[0]: port is required', bad: [ingress({ port: undefined })], good: [ingress({})] },
  { code: 'IST0106', severity: E, message: 'ingress[1]: port 9080 is already used by another ingress listener', bad: [sidecar('s', 'app', { ingress: [httpIngress, httpIngress] })], good: [sidecar('s', 'app', { ingress: [httpIngress, { ...httpIngress, port: { number: 9090, protocol: 'GRPC', name: 'grpc' } }] })] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: port.targetPort has no effect on a Sidecar', bad: [ingress({ port: { ...httpIngress.port, targetPort: 8080 } })], good: [ingress({})] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: port name "HTTP_web" is not a DNS-1123 label', bad: [ingress({ port: { ...httpIngress.port, name: 'HTTP_web' } })], good: [ingress({ port: { ...httpIngress.port, name: 'http-web' } })] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: protocol "SOAP" is not one Istio knows', bad: [ingress({ port: { ...httpIngress.port, protocol: 'SOAP' } })], good: [ingress({})] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: port number 0 is out of range', bad: [ingress({ port: { ...httpIngress.port, number: 0 } })], good: [ingress({})] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: bind "localhost" is not an IP address', bad: [ingress({ bind: 'localhost' })], good: [ingress({ bind: '0.0.0.0' })] },
  { code: 'IST0106', severity: E, message: 'defaultEndpoint "10.0.0.1:8080" is not a local endpoint', bad: [ingress({ defaultEndpoint: '10.0.0.1:8080' })], good: [ingress({ defaultEndpoint: '[::1]:8080' })] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: tls.credentialName is not supported on Sidecar ingress listeners', bad: [ingress({ port: httpsPort, tls: { mode: 'SIMPLE', credentialName: 'reviews-cert' } })], good: [ingress({ port: httpsPort, tls: fileTls })] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: tls mode ISTIO_MUTUAL is not allowed on Sidecar ingress listeners', bad: [ingress({ port: httpsPort, tls: { mode: 'ISTIO_MUTUAL' } })], good: [ingress({ port: httpsPort, tls: fileTls })] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: tls is set on a port whose protocol (HTTP) is not HTTPS or TLS', bad: [ingress({ tls: fileTls })], good: [ingress({ port: httpsPort, tls: fileTls })] },
  { code: 'IST0106', severity: E, message: 'ingress[0]: tls mode MUTUAL without credentialName needs caCertificates', bad: [ingress({ port: httpsPort, tls: { ...fileTls, mode: 'MUTUAL' } })], good: [ingress({ port: httpsPort, tls: { ...fileTls, mode: 'MUTUAL', caCertificates: '/etc/certs/ca.pem' } })] },
  { code: 'IST0106', severity: E, message: 'inboundConnectionPool sets neither http nor tcp', bad: [sidecar('s', 'app', { inboundConnectionPool: {} })], good: [sidecar('s', 'app', { inboundConnectionPool: { tcp: { maxConnections: 100 } } })] },
  { code: 'IST0133', severity: W, message: 'ingress[0]: connectionPool.http is set, but port 9080 is not HTTP (TCP)', bad: [ingress({ port: { ...httpIngress.port, protocol: 'TCP' }, connectionPool: { http: { http1MaxPendingRequests: 10 } } })], good: [ingress({ port: { ...httpIngress.port, protocol: 'TCP' }, connectionPool: { tcp: { maxConnections: 10 } } })] },
  { code: 'IST0106', severity: E, message: 'egress[0]: port 0 needs a bind of unix://<absolute path>', bad: [sidecar('s', 'app', { egress: [{ port: udsPort, bind: 'unix://app.sock', hosts: ['./*'] }] })], good: [sidecar('s', 'app', { egress: [{ port: udsPort, bind: 'unix:///var/run/app.sock', hosts: ['./*'] }] })] },
  { code: 'IST0106', severity: E, message: 'egress[0]: a unix socket listener cannot use captureMode IPTABLES', bad: [sidecar('s', 'app', { egress: [{ port: udsPort, bind: 'unix:///var/run/app.sock', captureMode: 'IPTABLES', hosts: ['./*'] }] })], good: [sidecar('s', 'app', { egress: [{ port: udsPort, bind: 'unix:///var/run/app.sock', captureMode: 'NONE', hosts: ['./*'] }] })] },
  { code: 'IST0106', severity: E, message: 'egress[1]: port 9080 is already used by another egress listener', bad: [sidecar('s', 'app', { egress: [{ port: httpIngress.port, hosts: ['./*'] }, { port: httpIngress.port, hosts: ['istio-system/*'] }] })], good: [sidecar('s', 'app', { egress: [{ port: httpIngress.port, hosts: ['./*', 'istio-system/*'] }] })] },
  // Webhook load balancer rules
  { code: 'IST0133', severity: W, message: 'loadBalancer.consistentHash.minimumRingSize is deprecated', bad: [lbDr({ consistentHash: { httpHeaderName: 'x-user', minimumRingSize: 1024 } })], good: [lbDr({ consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 1024 } } })] },
  { code: 'IST0106', severity: E, message: 'loadBalancer.consistentHash sets minimumRingSize beside maglev', bad: [lbDr({ consistentHash: { useSourceIp: true, minimumRingSize: 1024, maglev: { tableSize: 65537 } } })], good: [lbDr({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } })] },
  { code: 'IST0106', severity: E, message: 'loadBalancer.consistentHash.maglev needs a tableSize', bad: [lbDr({ consistentHash: { useSourceIp: true, maglev: {} } })], good: [lbDr({ consistentHash: { useSourceIp: true, maglev: { tableSize: 131071 } } })] },
  { code: 'IST0106', severity: E, message: 'loadBalancer.consistentHash.maglev.tableSize 65536 is not a prime below 5000011', bad: [lbDr({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65536 } } })], good: [lbDr({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } })] },
  { code: 'IST0106', severity: E, message: 'loadBalancer.warmup.aggression 0 must be above 0', bad: [lbDr({ simple: 'ROUND_ROBIN', warmup: { duration: '60s', aggression: 0 } })], good: [lbDr({ simple: 'ROUND_ROBIN', warmup: { duration: '60s', aggression: 1.5 } })] },
  { code: 'IST0133', severity: W, message: 'loadBalancer.warmup.aggression 0.5 is below 1', bad: [lbDr({ simple: 'ROUND_ROBIN', warmup: { duration: '60s', aggression: 0.5 } })], good: [lbDr({ simple: 'ROUND_ROBIN', warmup: { duration: '60s', minimumPercent: 5 } })] },
  { code: 'IST0106', severity: E, message: 'localityLbSetting cannot set both distribute and failover', bad: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 100 } }], failover: [{ from: 'us-east1', to: 'us-west1' }] } }, outlier)], good: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } }, outlier)] },
  { code: 'IST0106', severity: E, message: 'failoverPriority lists topology.kubernetes.io/zone while failover is set', bad: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }], failoverPriority: ['topology.kubernetes.io/zone'] } }, outlier)], good: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }], failoverPriority: ['tier'] } }, outlier)] },
  { code: 'IST0106', severity: E, message: 'distribute[0].to: "us-east1/zone-a" overlaps an earlier locality', bad: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/zone-a': 50, 'us-east1/*': 50 } }] } })], good: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/zone-a': 50, 'us-east1/zone-b': 50 } }] } })] },
  { code: 'IST0106', severity: E, message: 'distribute from: "us-east1/zone-a/*/b" may only have one "*", at the end', bad: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1/zone-a/*/b', to: { 'us-east1/*': 100 } }] } })], good: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1/zone-a/*', to: { 'us-east1/*': 100 } }] } })] },
  { code: 'IST0106', severity: E, message: 'distribute from: "us-east1//zone-a" has an empty region, zone or subzone', bad: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1//zone-a', to: { 'us-east1/*': 100 } }] } })], good: [lbDr({ localityLbSetting: { distribute: [{ from: 'us-east1/zone-a', to: { 'us-east1/*': 100 } }] } })] },
  { code: 'IST0133', severity: W, message: 'failover needs outlierDetection in the same traffic policy', bad: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } })], good: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } }, outlier)] },
  { code: 'IST0106', severity: E, message: 'failover[0] fails over from "us-east1" to itself', bad: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-east1' }] } }, outlier)], good: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } }, outlier)] },
  { code: 'IST0106', severity: E, message: 'failover[0] names a zone ("us-east1/zone-a" → "us-west1")', bad: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1/zone-a', to: 'us-west1' }] } }, outlier)], good: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } }, outlier)] },
  { code: 'IST0106', severity: E, message: 'failover[0] has a "*" ("us-*" → "us-west1")', bad: [lbDr({ localityLbSetting: { failover: [{ from: 'us-*', to: 'us-west1' }] } }, outlier)], good: [lbDr({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } }, outlier)] },
  ...GATEWAY_API_CASES,
  // Conformance with istioctl analyze (issue #12)
  { code: 'IST0144', severity: W, message: 'the pod run(s) as UID 1337', bad: [pod('web-1', 'app', { securityContext: { runAsUser: 1337 }, containers: [{ name: 'web', image: 'w' }, { name: 'istio-proxy', image: 'proxyv2' }] })], good: [pod('web-1', 'app', { securityContext: { runAsUser: 1000 }, containers: [{ name: 'web', image: 'w' }, { name: 'istio-proxy', image: 'proxyv2' }] })] },
  { code: 'IST0131', severity: I, message: 'match #1 of prefix /api/v1 is never used: prefix /api (match #0 in rule #0)', bad: [meshVs('a', { http: [{ match: [{ uri: { prefix: '/api' } }, { uri: { prefix: '/api/v1' } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ uri: { prefix: '/api/v1' } }, { uri: { prefix: '/api' } }], ...route('reviews') }] })] },
  { code: 'IST0132', severity: W, message: 'gateway gw/missing (it does not exist)', bad: [gwVs('a', { gateways: ['missing'], http: [route(REVIEWS)] })], good: [gwVs('a', { http: [route(REVIEWS)] })] },
  { code: 'IST0101', severity: E, message: 'http[0].route[0]: referenced host not found: ""', bad: [meshVs('a', { http: [{ route: [{}] }] })], good: [meshVs('a', { http: [route('reviews')] })] },
  {
    code: 'IST0145',
    severity: E,
    message: 'conflicts with gateway gw/public: same pods, port 80',
    bad: [deploy('edge', 'gw', { labels: { istio: 'ingressgateway', tier: 'edge' }, podSpec: autoProxy }), gw('g2', 'gw', { selector: { tier: 'edge' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] })],
    good: [deploy('edge', 'gw', { labels: { istio: 'edge', tier: 'edge' }, podSpec: autoProxy }), gw('g2', 'gw', { selector: { tier: 'edge' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] })],
  },
  { code: 'IST0101', severity: E, message: 'referenced credentialName not found: "shop-cert" (no Secret gw/shop-cert, the namespace of the gateway\'s pods) (a Secret app/shop-cert exists beside the Gateway, but the gateway reads its own namespace)', bad: [gwSvc443, tlsSecret('shop-cert', 'app', VALID_CERT), gw('g3', 'app', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('https', 'shop-cert')] })], good: [gwSvc443, tlsSecret('shop-cert', 'gw', VALID_CERT), gw('g3', 'app', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('https', 'shop-cert')] })] },
  { code: 'IST0101', severity: E, message: 'referenced credentialName not found: "shop-certs"', bad: [gwSvc443, tlsSecret('shop-cert', 'gw', VALID_CERT), credentialGw('shop-certs')], good: [gwSvc443, tlsSecret('shop-cert', 'gw', VALID_CERT), credentialGw('shop-cert')] },
  { code: 'IST0161', severity: E, message: 'Secret gw/shop-cert: the certificate is valid from', bad: [gwSvc443, tlsSecret('shop-cert', 'gw', EXPIRED_CERT), credentialGw('shop-cert')], good: [gwSvc443, tlsSecret('shop-cert', 'gw', VALID_CERT), credentialGw('shop-cert')] },
  { code: 'IST0161', severity: E, message: 'Secret gw/shop-cert: it has no non-empty cert and key', bad: [gwSvc443, { ...tlsSecret('shop-cert', 'gw', VALID_CERT), data: { 'tls.cert': 'eA==' } }, credentialGw('shop-cert')], good: [gwSvc443, tlsSecret('shop-cert', 'gw', VALID_CERT), credentialGw('shop-cert')] },
  {
    code: 'IST0173',
    severity: E,
    message: 'subset "v2" selects no pods of Service app/reviews',
    bad: [deploy('details', 'app', { labels: { app: 'details', version: 'v2' } }), dr('d', 'app', { host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] })],
    good: [deploy('details', 'app', { labels: { app: 'details', version: 'v2' } }), dr('d', 'app', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] })],
  },
  // Injection
  { code: 'IST0103', severity: W, message: 'without the istio-proxy sidecar', bad: [pod('web-1', 'app', { containers: [{ name: 'web', image: 'w' }] })], good: [pod('web-1', 'app', { containers: [{ name: 'web', image: 'w' }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] })] },
  { code: 'IST0146', severity: W, message: 'no injector webhook selects it in namespace "edge"', bad: [ns('edge', {}), deploy('gw', 'edge', { labels: { istio: 'edge' }, podSpec: autoProxy })], good: [ns('edge'), deploy('gw', 'edge', { labels: { istio: 'edge' }, podSpec: autoProxy })] },
  {
    code: 'IST0146',
    severity: W,
    message: 'no injector webhook selects it',
    bad: [injectorWebhook('istio-sidecar-injector'), ns('edge', { 'istio.io/rev': 'canary' }), deploy('gw', 'edge', { labels: { istio: 'edge' }, podSpec: autoProxy })],
    good: [injectorWebhook('istio-sidecar-injector'), ns('edge'), deploy('gw', 'edge', { labels: { istio: 'edge' }, podSpec: autoProxy })],
  },
  { code: 'IST0147', severity: E, message: 'the pod runs with `image: auto`', bad: [pod('gw-1', 'gw', autoProxy)], good: [pod('gw-1', 'gw', { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] })] },
  { code: 'IST0148', severity: I, message: 'enableNamespacesByDefault', bad: [ns('plain', {}), injectorConfig({ sidecarInjectorWebhook: { enableNamespacesByDefault: true } })], good: [ns('plain', { 'istio-injection': 'disabled' }), injectorConfig({ sidecarInjectorWebhook: { enableNamespacesByDefault: true } })] },
  {
    code: 'IST0158',
    severity: W,
    message: 'the istio-proxy image of pod(s) web-1 is not the one the injector injects now',
    bad: [injectorConfig(INJECTOR_VALUES), pod('web-1', 'app', { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.29.0' }] })],
    good: [injectorConfig(INJECTOR_VALUES), pod('web-1', 'app', { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] })],
  },
  { code: 'IST0139', severity: E, message: 'overlaps with istio-sidecar-injector-old/namespace.sidecar-injector.istio.io', bad: [injectorWebhook('istio-sidecar-injector'), injectorWebhook('istio-sidecar-injector-old')], good: [injectorWebhook('istio-sidecar-injector')] },
  {
    code: 'IST0139',
    severity: E,
    message: 'calls control-plane Service istio-system/istiod-old, which does not exist',
    bad: [svc('istiod', 'istio-system', [{ name: 'https-webhook', port: 443 }], { labels: { istio: 'pilot' } }), injectorWebhook('istio-sidecar-injector', { service: { name: 'istiod-old', namespace: 'istio-system' } })],
    good: [svc('istiod', 'istio-system', [{ name: 'https-webhook', port: 443 }], { labels: { istio: 'pilot' } }), injectorWebhook('istio-sidecar-injector')],
  },
  // Control plane and cluster state
  { code: 'IST0163', severity: W, message: 'clientConfig has neither a url nor a service', bad: [injectorWebhook('istio-sidecar-injector-external', {})], good: [injectorWebhook('istio-sidecar-injector-external', { url: 'https://istiod.example.com:15017/inject' })] },
  { code: 'IST0164', severity: I, message: 'reaches the external control plane by IP address', bad: [injectorWebhook('istio-sidecar-injector-external', { url: 'https://10.0.0.1:15017/inject' })], good: [injectorWebhook('istio-sidecar-injector-external', { url: 'https://istiod.example.com:15017/inject' })] },
  { code: 'IST0175', severity: W, message: 'istiod has no BLOCKED_CIDRS_IN_JWKS_URIS', bad: [istiod([]), jwt], good: [istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '169.254.169.254/32' }]), jwt] },
  { code: 'IST0126', severity: E, message: 'fromRegistry "cluster-b" is not a known service registry', bad: [meshNetworks('cluster-b')], good: [meshNetworks('Kubernetes')] },
  { code: 'IST0171', severity: W, message: 'status condition istio.io/WaypointBound is False', bad: [waypointBound('False')], good: [waypointBound('True')] },
  { code: 'IST0176', severity: W, message: 'Gateway API bundle version v1.4.1 is older than 1.5.0', bad: [crd('v1.4.1')], good: [crd('v1.5.0')] },
  {
    code: 'IST0166',
    severity: W,
    message: 'Ineffective selector on Kubernetes Gateway bookinfo-gateway',
    bad: [gatewayApiPods, ap('a', 'app', { selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway' } } })],
    good: [gatewayApiPods, ap('a', 'app', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'bookinfo-gateway' }] })],
  },
  // EnvoyFilter
  { code: 'IST0151', severity: W, message: 'configPatches[0]: a relative patch operation without a priority', bad: [envoyFilter({ configPatches: [luaPatch('INSERT_BEFORE')] })], good: [envoyFilter({ priority: 10, configPatches: [luaPatch('INSERT_BEFORE')] })] },
  {
    code: 'IST0155',
    severity: W,
    message: 'configPatches[1]: a relative patch operation without a priority on a filter that a patch with a proxyVersion match also names',
    bad: [envoyFilter({ configPatches: [luaPatch('INSERT_AFTER', { proxy: { proxyVersion: '^1\\.30.*' } }), luaPatch('INSERT_AFTER')] })],
    good: [envoyFilter({ priority: 10, configPatches: [luaPatch('INSERT_AFTER', { proxy: { proxyVersion: '^1\\.30.*' } }), luaPatch('INSERT_AFTER')] })],
  },
  { code: 'IST0152', severity: E, message: 'the REPLACE operation only works on', bad: [envoyFilter({ configPatches: [{ ...luaPatch('REPLACE'), applyTo: 'CLUSTER' }] })], good: [envoyFilter({ configPatches: [{ ...luaPatch('MERGE'), applyTo: 'CLUSTER' }] })] },
  { code: 'IST0153', severity: E, message: 'the ADD operation is ignored', bad: [envoyFilter({ configPatches: [{ ...luaPatch('ADD'), applyTo: 'HTTP_ROUTE' }] })], good: [envoyFilter({ configPatches: [{ ...luaPatch('MERGE'), applyTo: 'HTTP_ROUTE' }] })] },
  { code: 'IST0154', severity: E, message: 'the REMOVE operation is ignored', bad: [envoyFilter({ configPatches: [{ ...luaPatch('REMOVE'), applyTo: 'ROUTE_CONFIGURATION' }] })], good: [envoyFilter({ configPatches: [{ ...luaPatch('MERGE'), applyTo: 'ROUTE_CONFIGURATION' }] })] },
  // RE2
  { code: 'IST0106', severity: E, message: 'http[0].match[0].uri.regex: "^/api\\Z" is not an RE2 regular expression: invalid escape sequence', bad: [meshVs('a', { http: [{ match: [{ uri: { regex: '^/api\\Z' } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ uri: { regex: '(?i)^/api/.*' } }], ...route('reviews') }] })] },
  { code: 'IST0106', severity: E, message: 'match[0].headers["x-v"].regex: "x{1001}" is not an RE2 regular expression: invalid repeat count', bad: [meshVs('a', { http: [{ match: [{ headers: { 'x-v': { regex: 'x{1001}' } } }], ...route('reviews') }] })], good: [meshVs('a', { http: [{ match: [{ headers: { 'x-v': { regex: '(?P<v>x+)' } } }], ...route('reviews') }] })] },
  { code: 'IST0106', severity: E, message: 'configPatches[0].match.proxy.proxyVersion: "^1\\.3(?!0)" is not an RE2 regular expression: look-around', bad: [envoyFilter({ priority: 1, configPatches: [luaPatch('INSERT_FIRST', { proxy: { proxyVersion: '^1\\.3(?!0)' } })] })], good: [envoyFilter({ priority: 1, configPatches: [luaPatch('INSERT_FIRST', { proxy: { proxyVersion: '^1\\.30.*' } })] })] },
  // Kiali
  {
    code: 'KIA0105',
    severity: E,
    message: 'rules[0].from[0].source.principals need the peer\'s mTLS identity, but PeerAuthentication app/default sets mTLS mode DISABLE',
    bad: [pa('default', 'app', { mtls: { mode: 'DISABLE' } }), ap('a', 'app', { selector: { matchLabels: { app: 'reviews' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/gw/sa/ingress'] } }] }] })],
    good: [pa('default', 'app', { mtls: { mode: 'PERMISSIVE' } }), ap('a', 'app', { selector: { matchLabels: { app: 'reviews' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/gw/sa/ingress'] } }] }] })],
  },
  {
    code: 'KIA0105',
    severity: E,
    message: 'DestinationRule app/plain (*.app.svc.cluster.local) turns TLS off',
    bad: [dr('plain', 'app', { host: '*.app.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } }), ap('a', 'app', { rules: [{ when: [{ key: 'source.namespace', values: ['gw'] }] }] })],
    good: [dr('plain', 'app', { host: '*.app.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } }), ap('a', 'app', { rules: [{ when: [{ key: 'request.headers[x-tenant]', values: ['gw'] }] }] })],
  },
  { code: 'KIA1102', severity: E, message: 'http[0].match[0]: referenced gateway not found: "gw/private"', bad: [gwVs('a', { http: [{ match: [{ gateways: ['gw/private'] }], ...route(REVIEWS) }] })], good: [gwVs('a', { http: [{ match: [{ gateways: ['gw/public'] }], ...route(REVIEWS) }] })] },
];

describe('MeshAnalyzer checks', () => {
  test('the base mesh is clean', () => {
    expect(MeshAnalyzer.analyze(baseMesh())).toEqual([]);
  });

  test.each(CASES.map((c) => [`${c.code} ${c.message}`, c]))('%s: fires, and not on the corrected objects', (_name, c) => {
    const findings = MeshAnalyzer.analyze([...baseMesh(), ...c.bad]);
    const hit = findings.find((f) => f.code === c.code && f.message.includes(c.message));
    expect(hit).toBeDefined();
    expect(hit!.severity).toBe(c.severity);
    expect(hit!.fix.length).toBeGreaterThan(0);
    const after = MeshAnalyzer.analyze([...baseMesh(), ...c.good]);
    expect(after.filter((f) => f.code === c.code)).toEqual([]);
  });

  test('the code tables of docs/analysis.md are true: every code marked checked has a firing case here, and every code with a case is marked checked', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'analysis.md'), 'utf8');
    const marked = new Map<string, string>();
    for (const m of readme.matchAll(/^\| ((?:IST|KIA)\d{4}(?:(?:, | \/ )(?:IST|KIA)\d{4})*)[^|]*\| ([^|]+) \|/gm)) {
      for (const code of m[1].split(/, | \/ /)) marked.set(code, m[2].trim());
    }
    expect(marked.size).toBeGreaterThan(90); // the tables were parsed
    const tested = new Set(CASES.map((c) => c.code));
    const checked = (v?: string) => v === 'yes' || v === 'partly';
    expect([...marked].filter(([code, v]) => checked(v) && !tested.has(code)).map(([code]) => code)).toEqual([]);
    expect([...tested].filter((code) => !checked(marked.get(code)))).toEqual([]);
  });
});

describe('MeshAnalyzer: what istioctl analyze does not report either', () => {
  const codes = (objects: any[]) => MeshAnalyzer.analyze([...baseMesh(), ...objects]).map((f) => `${f.code} ${f.resource}`);

  test('IST0118: Services in kube-system and kube-public are left out', () => {
    const unnamed = (namespace: string) => svc('dns', namespace, [{ port: 8080 }]);
    expect(codes([unnamed('kube-system'), unnamed('kube-public')]).filter((c) => c.startsWith('IST0118'))).toEqual([]);
    expect(codes([unnamed('app')])).toContain('IST0118 Service app/dns');
  });

  test('IST0134: not when sidecars allocate ServiceEntry addresses (DNS capture with auto-allocation in the mesh config)', () => {
    const db = se('db', 'app', { hosts: ['db.example.org'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' });
    const mesh = (metadata: any) => meshConfigMap(`defaultConfig:\n  proxyMetadata: ${JSON.stringify(metadata)}\n`);
    expect(codes([db, mesh({ ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' })])).not.toContain('IST0134 ServiceEntry app/db');
    expect(codes([db, mesh({ ISTIO_META_DNS_AUTO_ALLOCATE: 'true' })])).toContain('IST0134 ServiceEntry app/db');
  });

  test('IST0173: the labels istiod and the injector add to every endpoint are not held against a subset', () => {
    const subset = (labels: Record<string, string>) => dr('d', 'app', { host: 'reviews', subsets: [{ name: 's', labels }] });
    for (const labels of <Record<string, string>[]>[{ 'topology.istio.io/cluster': 'cluster-1' }, { 'topology.istio.io/network': 'net-1' }, { 'version': 'v1', 'security.istio.io/tlsMode': 'istio' }, { 'service.istio.io/canonical-name': 'reviews' }]) {
      expect(MeshAnalyzer.analyze([...baseMesh(), subset(labels)]).filter((f) => f.code === 'IST0173')).toEqual([]);
    }
    expect(MeshAnalyzer.analyze([...baseMesh(), subset({ 'version': 'v9', 'topology.istio.io/cluster': 'cluster-1' })]).filter((f) => f.code === 'IST0173')).toHaveLength(1);
  });

  test('IST0173: subset topology labels match the labels istiod adds from the pod\'s node', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/region': 'us-west1', 'topology.kubernetes.io/zone': 'us-west1-a' } } };
    const running = pod('reviews-1', 'app', { nodeName: 'node-1', containers: [{ name: 'reviews', image: 'r' }, { name: 'istio-proxy', image: 'proxyv2' }] }, { labels: { app: 'reviews', version: 'v1' } });
    const subsets = (region: string) => dr('d', 'app', { host: 'reviews', subsets: [{ name: 'west', labels: { 'version': 'v1', 'topology.kubernetes.io/region': region } }, { name: 'a', labels: { 'topology.kubernetes.io/zone': 'us-west1-a' } }] });
    expect(codes([node, running, subsets('us-west1')])).not.toContain('IST0173 DestinationRule app/d');
    // A pod template has no node yet: its topology is not known, so it is not held against the subset.
    expect(MeshAnalyzer.analyze([...baseMesh(), subsets('us-east1')]).filter((f) => f.code === 'IST0173')).toEqual([]);
    expect(MeshAnalyzer.analyze([...baseMesh().filter((o) => o.metadata.name !== 'reviews' || o.kind !== 'Deployment'), node, running, subsets('us-east1')])
      .filter((f) => f.code === 'IST0173').map((f) => f.message)).toEqual([expect.stringContaining('subset "west" selects no pods')]);
  });

  test('IST0102: not where the injector injects every namespace (enableNamespacesByDefault); IST0148 says so instead', () => {
    const found = codes([ns('plain', {}), injectorConfig({ sidecarInjectorWebhook: { enableNamespacesByDefault: true } })]);
    expect(found).not.toContain('IST0102 Namespace plain');
    expect(found).toContain('IST0148 Namespace plain');
  });

  test('IST0127: a pod that ztunnel redirects (ambient through its annotation) is in the mesh', () => {
    const sleep = (annotations: any) => pod('sleep-1', 'plain', { containers: [{ name: 'sleep', image: 's' }] }, { labels: { app: 'sleep' }, annotations });
    const policy = ap('allow', 'plain', { selector: { matchLabels: { app: 'sleep' } } });
    expect(codes([ns('plain', {}), sleep({ 'ambient.istio.io/redirection': 'enabled' }), policy])).not.toContain('IST0127 AuthorizationPolicy plain/allow');
    expect(codes([ns('plain', {}), sleep({}), policy])).toContain('IST0127 AuthorizationPolicy plain/allow');
  });

  test('IST0127: a pod template labelled istio.io/rev in a namespace without injection labels is injected (the injector\'s object selector)', () => {
    const policy = ap('allow', 'team', { selector: { matchLabels: { app: 'api2' } } });
    const api = (labels: Record<string, string>) => deploy('api2', 'team', { labels: { app: 'api2', ...labels } });
    expect(codes([ns('team', {}), api({ 'istio.io/rev': 'canary' }), policy])).not.toContain('IST0127 AuthorizationPolicy team/allow');
    expect(codes([ns('team', { 'istio-injection': 'disabled' }), api({ 'istio.io/rev': 'canary' }), policy])).toContain('IST0127 AuthorizationPolicy team/allow');
    expect(codes([ns('team', {}), api({}), policy])).toContain('IST0127 AuthorizationPolicy team/allow');
  });

  test('a Gateway API Gateway is not read as an Istio Gateway', () => {
    const k8sGateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'gw' }, spec: { gatewayClassName: 'istio', listeners: [] } };
    expect(codes([k8sGateway]).filter((c) => c.startsWith('IST') || c.startsWith('DUPLICATE'))).toEqual([]);
  });

  test('IST0131: a match that no request reaches (after a catch-all rule) is not compared as a prefix, only IST0130 reports it', () => {
    const rules = [{ match: [{ uri: { prefix: '/a' } }], ...route('reviews') }, route('reviews'), { match: [{ uri: { prefix: '/a/b' } }], ...route('reviews') }];
    const found = MeshAnalyzer.analyze([...baseMesh(), meshVs('a', { http: rules })]).filter((f) => f.code.startsWith('IST013')).map((f) => `${f.code} ${f.message}`);
    expect(found).toEqual(['IST0130 http rule #2 is unreachable: a rule without matches comes before it']);
  });
});

describe('MeshAnalyzer: durations', () => {
  const timeout = (value: string) => MeshAnalyzer.analyze([...baseMesh(), meshVs('a', { http: [{ ...route('reviews'), timeout: value }] })])
    .filter((f) => f.code === 'IST0106' || f.code === 'SCHEMA').map((f) => `${f.code} ${f.message.slice(0, 60)}`);

  test('one parser, Go\'s: the CRD rule and the webhook rules agree on "+1s" and "0.3s"', () => {
    expect(timeout('+1s')).toEqual([]);
    expect(timeout('0.3s')).toEqual([]);
    expect(MeshAnalyzer.analyze([...baseMesh(), meshVs('a', { http: [{ ...route('reviews'), corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }], maxAge: '+24h' } }] })])
      .filter((f) => f.code === 'IST0106')).toEqual([]);
  });

  test('a bad timeout is reported once: below 1ms by the CRD rule (SCHEMA), a fraction of a millisecond by the webhook rule (IST0106)', () => {
    expect(timeout('0.5ms')).toEqual(['SCHEMA spec.http[0].timeout: must be a valid duration greater than ']);
    expect(timeout('1.5ms')).toEqual(['IST0106 spec.http[0].timeout "1.5ms" is not a duration of whole mill']);
    expect(timeout('5 s')).toEqual(['SCHEMA spec.http[0].timeout: must be a valid duration greater than ']);
  });
});
