// Analyzer cases for Gateway API objects (src/analysis/gateway-api.ts), run by checks.test.ts with
// the others: each fires on `bad` added to the base mesh, and not on `good`.
import { ap, ns, svc } from './fixtures';
import { Severity } from '../../src';

const GROUP = 'gateway.networking.k8s.io';
const gwApi = (kind: string) => (name: string, namespace: string, spec: any, metadata: any = {}) =>
  ({ apiVersion: `${GROUP}/v1`, kind, metadata: { name, namespace, ...metadata }, spec });
const gateway = gwApi('Gateway');
const httpRoute = gwApi('HTTPRoute');
const grant = gwApi('ReferenceGrant');

const listener = (extra: any = {}) => ({ name: 'http', port: 80, protocol: 'HTTP', ...extra });
/** Gateway `gw/edge` of class istio with one HTTP listener (`extra` replaces its fields). */
const edge = (extra: any = {}, metadata: any = {}) => gateway('edge', 'gw', { gatewayClassName: 'istio', listeners: [listener(extra)] }, metadata);
/** An HTTPRoute in `gw` to Service `app/reviews` through `parentRef`. */
const toReviews = (parentRef: any = { name: 'edge' }, extra: any = {}) =>
  httpRoute('r', 'gw', { parentRefs: [parentRef], rules: [{ backendRefs: [{ name: 'reviews', namespace: 'app', port: 9080 }] }], ...extra });
/** The ReferenceGrant in `app` that lets HTTPRoutes of `gw` reach Service reviews. */
const reviewsGrant = (from = 'gw') => grant('g', 'app', { from: [{ group: GROUP, kind: 'HTTPRoute', namespace: from }], to: [{ group: '', kind: 'Service', name: 'reviews' }] });
/** An in-mesh route (GAMMA) on Service `amb/web`. */
const meshRoute = httpRoute('web', 'amb', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }] });
const ambientWeb = (labels: Record<string, string> = {}) => [ns('amb', { 'istio.io/dataplane-mode': 'ambient', ...labels }), svc('web', 'amb', [{ name: 'http', port: 8080 }])];
const E = Severity.ERROR;
const W = Severity.WARNING;

export const GATEWAY_API_CASES = [
  { code: 'KIA1401', severity: E, message: 'parentRefs[0]: Gateway gw/public-api is not found', bad: [reviewsGrant(), edge(), toReviews({ name: 'public-api' })], good: [reviewsGrant(), edge(), toReviews()] },
  { code: 'KIA1402', severity: E, message: 'rules[0].backendRefs[0]: Service app/details is not found', bad: [edge(), httpRoute('r', 'gw', { parentRefs: [{ name: 'edge' }], rules: [{ backendRefs: [{ name: 'details', namespace: 'app', port: 9080 }] }] })], good: [reviewsGrant(), edge(), toReviews()] },
  { code: 'KIA1501', severity: W, message: 'listener HTTP shop.example.com:80 is also on Gateway gw/other', bad: [edge({ hostname: 'shop.example.com' }), gateway('other', 'gw', { gatewayClassName: 'istio', listeners: [listener({ hostname: 'shop.example.com' })] })], good: [edge({ hostname: 'shop.example.com' }), gateway('other', 'gw', { gatewayClassName: 'istio', listeners: [listener({ hostname: 'api.example.com' })] })] },
  { code: 'KIA1502', severity: W, message: 'address 10.0.0.1 (IPAddress) is also on Gateway gw/other', bad: [gateway('edge', 'gw', { gatewayClassName: 'istio', addresses: [{ type: 'IPAddress', value: '10.0.0.1' }], listeners: [listener()] }), gateway('other', 'gw', { gatewayClassName: 'istio', addresses: [{ type: 'IPAddress', value: '10.0.0.1' }], listeners: [listener()] })], good: [gateway('edge', 'gw', { gatewayClassName: 'istio', addresses: [{ type: 'IPAddress', value: '10.0.0.1' }], listeners: [listener()] })] },
  {
    code: 'KIA1504',
    severity: W,
    message: 'gatewayClassName "isito" is not a class istiod or GKE provides, nor a GatewayClass among the objects',
    bad: [gateway('edge', 'gw', { gatewayClassName: 'isito', listeners: [listener()] })],
    good: [gateway('edge', 'gw', { gatewayClassName: 'istio-remote', listeners: [listener()] }), gateway('lb', 'gw', { gatewayClassName: 'gke-l7-rilb', listeners: [listener()] })],
  },
  {
    code: 'KIA1504',
    severity: W,
    message: 'gatewayClassName "nginx" is not a class',
    bad: [gateway('edge', 'gw', { gatewayClassName: 'nginx', listeners: [listener()] })],
    good: [{ apiVersion: `${GROUP}/v1`, kind: 'GatewayClass', metadata: { name: 'nginx' }, spec: { controllerName: 'example.com/gateway' } }, gateway('edge', 'gw', { gatewayClassName: 'nginx', listeners: [listener()] })],
  },
  { code: 'KIA1601', severity: E, message: 'namespace "shop" in `from` is not found', bad: [reviewsGrant('shop')], good: [reviewsGrant()] },
  { code: 'IST0166', severity: W, message: 'Ineffective selector on Kubernetes Gateway edge', bad: [edge({}, { labels: { team: 'edge' } }), ap('a', 'gw', { selector: { matchLabels: { team: 'edge' } }, rules: [{}] })], good: [edge({}, { labels: { team: 'edge' } }), ap('a', 'gw', { targetRefs: [{ group: GROUP, kind: 'Gateway', name: 'edge' }], rules: [{}] })] },
];

/** Cases of the library's own code for Gateway API status conditions (no IST or KIA code covers them). */
export const GATEWAY_API_OWN_CASES = [
  { code: 'GATEWAY_API', severity: E, message: 'no ReferenceGrant there lets HTTPRoutes of "gw" reference it (ResolvedRefs: RefNotPermitted)', bad: [edge(), toReviews()], good: [reviewsGrant(), edge(), toReviews()] },
  // istiod enforces ReferenceGrants for Gateway parents only: an in-mesh route (a Service parent) needs none.
  {
    code: 'GATEWAY_API',
    severity: E,
    message: 'no ReferenceGrant there lets HTTPRoutes of "gw" reference it (ResolvedRefs: RefNotPermitted)',
    bad: [edge(), svc('front', 'gw', [{ name: 'http', port: 80 }]), toReviews({ name: 'edge' })],
    good: [svc('front', 'gw', [{ name: 'http', port: 80 }]), toReviews({ group: '', kind: 'Service', name: 'front', port: 80 })],
  },
  {
    code: 'GATEWAY_API',
    severity: E,
    message: 'certificate Secret certs/shop is in another namespace and no ReferenceGrant there lets Gateways of "gw" read it',
    bad: [ns('certs', {}), edge({ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'shop', namespace: 'certs' }] } })],
    good: [ns('certs', {}), grant('g', 'certs', { from: [{ group: GROUP, kind: 'Gateway', namespace: 'gw' }], to: [{ group: '', kind: 'Secret' }] }), edge({ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'shop', namespace: 'certs' }] } })],
  },
  { code: 'GATEWAY_API', severity: E, message: 'Gateway gw/edge has no listener "https" (Accepted: NoMatchingParent)', bad: [reviewsGrant(), edge(), toReviews({ name: 'edge', sectionName: 'https' })], good: [reviewsGrant(), edge(), toReviews({ name: 'edge', sectionName: 'http' })] },
  { code: 'GATEWAY_API', severity: E, message: 'no listener of Gateway gw/edge admits a HTTPRoute from namespace "app" (Accepted: NotAllowedByListeners)', bad: [edge(), httpRoute('r', 'app', { parentRefs: [{ name: 'edge', namespace: 'gw' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] })], good: [edge({ allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['app'] }] } } } }), httpRoute('r', 'app', { parentRefs: [{ name: 'edge', namespace: 'gw' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] })] },
  { code: 'GATEWAY_API', severity: E, message: 'no hostname of the route (api.example.org) matches a listener of Gateway gw/edge (*.example.com) (Accepted: NoMatchingListenerHostname)', bad: [reviewsGrant(), edge({ hostname: '*.example.com' }), toReviews(undefined, { hostnames: ['api.example.org'] })], good: [reviewsGrant(), edge({ hostname: '*.example.com' }), toReviews(undefined, { hostnames: ['api.example.com'] })] },
  { code: 'GATEWAY_API', severity: E, message: 'rules[0].backendRefs[0]: port 8080 is not a port of Service app/reviews (9080)', bad: [reviewsGrant(), edge(), httpRoute('r', 'gw', { parentRefs: [{ name: 'edge' }], rules: [{ backendRefs: [{ name: 'reviews', namespace: 'app', port: 8080 }] }] })], good: [reviewsGrant(), edge(), toReviews()] },
  { code: 'GATEWAY_API', severity: E, message: 'parentRefs[0]: Service app/details is not found', bad: [httpRoute('d', 'app', { parentRefs: [{ group: '', kind: 'Service', name: 'details' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] })], good: [httpRoute('d', 'app', { parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] })] },
  { code: 'GATEWAY_API', severity: W, message: 'Service amb/web is in ambient mode and uses no waypoint (no istio.io/use-waypoint label): nothing applies this route', bad: [...ambientWeb(), meshRoute], good: [...ambientWeb({ 'istio.io/use-waypoint': 'waypoint' }), meshRoute] },
];
