// Gateway API ingress, in-mesh routes on the Gateway API (GAMMA), ambient mode and waypoints.
import * as fs from 'fs';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import { App, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import * as ts from 'typescript';
import { meshChart } from './helpers';
import { find, synthValid, validateObjects } from './validate';
import * as mesh from '../src';
import {
  AllowedRoutes, AuthorizationAction, AuthorizationPolicy, Condition, DataplaneMode, GatewayApiIngress, GatewayClass, GatewayServiceType,
  GatewayTlsMode, GkeGatewayClass, HttpMatch, IngressGateway, JwtAuthentication, MeshNamespace, MeshPlatform, MeshService, MtlsPolicy, Protocol,
  RouteApi, Source, StringMatch, Waypoint, WaypointTrafficType,
} from '../src';

const istio = () => meshChart(MeshPlatform.istio());
const GW = 'gateway.networking.k8s.io';

function ambient() {
  const chart = istio();
  const ns = new MeshNamespace(chart, 'app', { dataplaneMode: DataplaneMode.AMBIENT });
  const api = new MeshService(chart, 'api', { namespace: ns, image: 'api:1', port: 8080, version: 'v1' });
  const front = new MeshService(chart, 'front', { namespace: ns, image: 'front:1', port: 8080 });
  return { chart, ns, api, front };
}

describe('GatewayApiIngress', () => {
  test('Gateway of class istio: listeners per host, TLS with certificates (one in another namespace), HTTP redirect, infrastructure', () => {
    const chart = meshChart(MeshPlatform.istio({ revision: '1-30' }));
    const gwNs = new MeshNamespace(chart, 'ingress');
    const app = new MeshNamespace(chart, 'app');
    const web = new MeshService(chart, 'web', { namespace: app, image: 'web:1', port: 8080 });
    const gw = new GatewayApiIngress(chart, 'gw', {
      namespace: gwNs,
      name: 'public',
      hosts: ['shop.example.com', '*.api.example.com'],
      tls: { certificates: [{ secretName: 'shop-cert' }, { secretName: 'api-cert', namespace: 'certs' }], redirectHttp: true },
      allowedRoutes: AllowedRoutes.fromNamespaces(app),
      infrastructure: { labels: { team: 'edge' }, annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } },
      serviceType: GatewayServiceType.CLUSTER_IP,
    });
    gw.route({ match: HttpMatch.prefix('/'), to: web, hosts: ['shop.example.com'] });
    const objects = synthValid(chart);
    const gateway = find(objects, 'Gateway', 'public', 'ingress');
    expect(gateway.metadata.labels).toEqual({ 'istio.io/rev': '1-30' });
    expect(gateway.metadata.annotations).toEqual({ 'networking.istio.io/service-type': 'ClusterIP' });
    expect(gateway.spec.infrastructure).toEqual({ labels: { team: 'edge' }, annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } });
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.hostname])).toEqual([
      ['http-shop-example-com', 'HTTP', 80, 'shop.example.com'],
      ['http-wildcard-api-example-com', 'HTTP', 80, '*.api.example.com'],
      ['https-shop-example-com', 'HTTPS', 443, 'shop.example.com'],
      ['https-wildcard-api-example-com', 'HTTPS', 443, '*.api.example.com'],
    ]);
    expect(gateway.spec.listeners[2].tls).toEqual({
      mode: 'Terminate',
      certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }, { group: '', kind: 'Secret', name: 'api-cert', namespace: 'certs' }],
    });
    expect(gateway.spec.listeners[0].allowedRoutes.namespaces).toEqual({
      from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['app', 'ingress'] }] },
    });
    expect(find(objects, 'ReferenceGrant', 'from-ingress-to-secrets', 'certs').spec).toEqual({
      from: [{ group: GW, kind: 'Gateway', namespace: 'ingress' }],
      to: [{ group: '', kind: 'Secret', name: 'api-cert' }],
    });
    expect(find(objects, 'HTTPRoute', 'public-https-redirect', 'ingress').spec).toEqual({
      parentRefs: [{ name: 'public', sectionName: 'http-shop-example-com' }, { name: 'public', sectionName: 'http-wildcard-api-example-com' }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    const route = find(objects, 'HTTPRoute', 'public-shop-example-com', 'ingress');
    expect(route.spec.parentRefs).toEqual([{ name: 'public', sectionName: 'https-shop-example-com' }]);
    expect(route.spec.hostnames).toEqual(['shop.example.com']);
    expect(gw.principal).toBe('cluster.local/ns/ingress/sa/public-istio');
  });

  test('GRPCRoute for a gRPC port, TLSRoute for passthrough, sixteen rules per route object', () => {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'app');
    const grpc = new MeshService(chart, 'greeter', { namespace: ns, image: 'g:1', ports: [{ port: 50051, protocol: Protocol.grpc() }] });
    const tls = new MeshService(chart, 'vault', { namespace: ns, image: 'v:1', ports: [{ port: 8443, protocol: Protocol.https() }] });
    const web = new MeshService(chart, 'web', { namespace: ns, image: 'w:1', port: 8080 });
    const gw = new GatewayApiIngress(chart, 'gw', { namespace: ns, tls: { mode: GatewayTlsMode.PASSTHROUGH } });
    gw.route({ match: HttpMatch.exact('/helloworld.Greeter/SayHello').withHeader('x-env', StringMatch.prefix('prod')), to: grpc });
    gw.routeTls({ sniHosts: ['vault.example.com'], to: tls });
    for (let i = 0; i < 17; i++) gw.route({ match: HttpMatch.prefix(`/p${i}`), to: web });
    const objects = synthValid(chart);
    expect(find(objects, 'GRPCRoute', 'ingress-grpc-all', 'app').spec.rules).toEqual([{
      matches: [{ method: { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHello' }, headers: [{ name: 'x-env', type: 'RegularExpression', value: 'prod.*' }] }],
      backendRefs: [{ name: 'greeter', port: 50051 }],
    }]);
    expect(find(objects, 'TLSRoute', 'ingress-tls-vault-example-com', 'app').spec).toEqual({
      parentRefs: [{ name: 'ingress', sectionName: 'tls' }],
      hostnames: ['vault.example.com'],
      rules: [{ backendRefs: [{ name: 'vault', port: 8443 }] }],
    });
    expect(find(objects, 'Gateway', 'ingress').spec.listeners[1]).toEqual({ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'Same' } } });
    expect(find(objects, 'HTTPRoute', 'ingress-all', 'app').spec.rules).toHaveLength(16);
    expect(find(objects, 'HTTPRoute', 'ingress-all-2', 'app').spec.rules).toHaveLength(1);
  });

  test('hosts whose listener names would agree get distinct names; a host listed twice is an error', () => {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'edge');
    const web = new MeshService(chart, 'web', { namespace: ns, image: 'w:1', port: 8080 });
    const long = `${'a'.repeat(56)}.example.com`;
    const gw = new GatewayApiIngress(chart, 'gw', { namespace: ns, hosts: ['foo-bar.example.com', 'foo.bar-example.com', long, `${long}.org`] });
    gw.route({ to: web, hosts: ['foo.bar-example.com'] });
    const objects = synthValid(chart);
    const names = find(objects, 'Gateway', 'ingress').spec.listeners.map((l: any) => l.name);
    expect(names).toEqual(['http-foo-bar-example-com', 'http-foo-bar-example-com-2', `http-${'a'.repeat(56)}-e`, `http-${'a'.repeat(56)}-2`]);
    expect(objects.find((o) => o.kind === 'HTTPRoute').spec.hostnames).toEqual(['foo.bar-example.com']);
    expect(() => new GatewayApiIngress(chart, 'gw2', { namespace: ns, name: 'other', hosts: ['a.example.com', 'a.example.com'] }))
      .toThrow('test/gw2: host "a.example.com" is listed twice in `hosts`: list each host once');
  });

  test('GKE classes: no infrastructure, no mesh identity', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    const ns = new MeshNamespace(chart, 'edge');
    const lb = new GatewayApiIngress(chart, 'lb', { namespace: ns, gatewayClass: GatewayClass.gke(GkeGatewayClass.GLOBAL_EXTERNAL_MANAGED) });
    const meshIngress = MeshService.fromServiceAttributes(chart, 'mesh-ingress', { name: 'istio-ingressgateway', namespace: ns, ports: [{ port: 80 }] });
    lb.route({ to: meshIngress });
    expect(find(synthValid(chart), 'Gateway', 'ingress').spec.gatewayClassName).toBe('gke-l7-global-external-managed');
    expect(() => lb.principal).toThrow('test/lb: class gke-l7-global-external-managed is not deployed by Istio: its proxies are outside the mesh and have no SPIFFE identity to allow');
    expect(() => new GatewayApiIngress(chart, 'lb2', { namespace: ns, gatewayClass: GatewayClass.of('gke-l7-rilb'), infrastructure: { labels: { a: 'b' } } }))
      .toThrow('test/lb2: `infrastructure` configures the pods Istio deploys (GatewayClass.istio()), not class gke-l7-rilb: remove it');
  });

  test('error: a GKE class sending plaintext straight to mesh pods that require mTLS or deny by default', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    const shop = new MeshNamespace(chart, 'shop');
    const front = new MeshService(chart, 'front', { namespace: shop, image: 'f:1', port: 8080 });
    new MtlsPolicy(chart, 'mtls');
    new GatewayApiIngress(chart, 'lb', { namespace: shop, gatewayClass: GatewayClass.gke(GkeGatewayClass.GLOBAL_EXTERNAL_MANAGED) }).route({ to: front });
    expect(() => Testing.synth(chart)).toThrow('[test/lb] class gke-l7-global-external-managed sends plaintext from outside the mesh straight to the pods of test/front, '
      + 'which require mTLS (STRICT, test/mtls): every request would be refused; route the load balancer to the mesh\'s ingress gateway Service, or make port 8080 PERMISSIVE (MtlsPolicy portModes)');
    const denied = meshChart(MeshPlatform.cloudServiceMesh());
    const deniedNs = new MeshNamespace(denied, 'shop');
    deniedNs.denyByDefault();
    const web = new MeshService(denied, 'web', { namespace: deniedNs, image: 'w:1', port: 8080 });
    new GatewayApiIngress(denied, 'lb', { namespace: deniedNs, gatewayClass: GatewayClass.gke(GkeGatewayClass.GLOBAL_EXTERNAL_MANAGED) }).route({ to: web });
    expect(() => Testing.synth(denied)).toThrow('[test/lb] class gke-l7-global-external-managed sends plaintext from outside the mesh straight to the pods of test/web, '
      + 'whose namespace "shop" denies by default, and the load balancer has no mesh identity that allowFrom could name: every request would be refused; '
      + 'route the load balancer to the mesh\'s ingress gateway Service, or allow its addresses (AuthorizationPolicy with Source.ipBlocks)');
    // An ALLOW policy of the app's own may let the load balancer in by address.
    new AuthorizationPolicy(denied, 'lb-ranges', { workload: web, rules: [{ from: [Source.ipBlocks('35.191.0.0/16', '130.211.0.0/22')] }] });
    expect(() => Testing.synth(denied)).not.toThrow();
    // Another controller's proxies (GatewayClass.of) may run in the mesh: the library does not guess.
    const other = meshChart(MeshPlatform.cloudServiceMesh());
    const otherNs = new MeshNamespace(other, 'shop');
    new MtlsPolicy(other, 'mtls');
    const otherWeb = new MeshService(other, 'web', { namespace: otherNs, image: 'w:1', port: 8080 });
    new GatewayApiIngress(other, 'lb', { namespace: otherNs, gatewayClass: GatewayClass.of('envoy') }).route({ to: otherWeb });
    expect(() => Testing.synth(other)).not.toThrow();
  });

  test('an installed class by name (GatewayClass.of) is taken as existing; a Gateway of a class nothing provides is reported (KIA1504)', () => {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'edge');
    const web = new MeshService(chart, 'web', { namespace: ns, image: 'w:1', port: 8080 });
    new GatewayApiIngress(chart, 'lb', { namespace: ns, name: 'lb', gatewayClass: GatewayClass.of('envoy') }).route({ to: web });
    new GatewayApiIngress(chart, 'remote', { namespace: ns, name: 'remote', gatewayClass: GatewayClass.of('istio-remote') }).route({ to: web });
    const analyzer = mesh.MeshAnalyzer.attach(chart);
    expect(analyzer.findings().filter((f) => f.code === 'KIA1504')).toEqual([]);
    // The GatewayClass is assumed, not written.
    expect(synthValid(chart).filter((o) => o.kind === 'GatewayClass')).toEqual([]);
    new cdk8s.ApiObject(chart, 'typo', { apiVersion: `${GW}/v1`, kind: 'Gateway', metadata: { name: 'typo', namespace: 'edge' }, spec: { gatewayClassName: 'isito', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } });
    expect(analyzer.findings().filter((f) => f.code === 'KIA1504')).toEqual([expect.objectContaining({
      severity: 'Warning',
      resource: 'Gateway edge/typo',
      path: 'test/typo',
      message: 'gatewayClassName "isito" is not a class istiod or GKE provides, nor a GatewayClass among the objects: no controller would program this Gateway',
    })]);
  });

  test('error: class istio on a managed platform says what Cloud Service Mesh supports', () => {
    const chart = meshChart(MeshPlatform.asmManaged());
    expect(() => new GatewayApiIngress(chart, 'gw', { namespace: new MeshNamespace(chart, 'edge') }))
      .toThrow(/test\/gw: Cloud Service Mesh \(asm-managed-istiod\) documents no in-cluster `istio` GatewayClass.*Use IngressGateway.*GatewayClass.gke.*mesh routing with HTTPRoutes \(RouteApi.GATEWAY_API\) is supported/);
  });

  test('MUTUAL TLS: client certificates verified against CA ConfigMaps (spec.tls.frontend), a ReferenceGrant across namespaces', () => {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'edge');
    const web = new MeshService(chart, 'web', { namespace: ns, image: 'w:1', port: 8080 });
    const gw = new GatewayApiIngress(chart, 'gw', {
      namespace: ns,
      hosts: ['api.example.com'],
      tls: {
        mode: GatewayTlsMode.MUTUAL,
        certificates: [{ secretName: 'api-cert' }],
        clientCertificateAuthorities: [{ configMapName: 'shared-ca', namespace: 'pki' }],
      },
    });
    gw.route({ to: web });
    const objects = synthValid(chart);
    const gateway = find(objects, 'Gateway', 'ingress', 'edge');
    expect(gateway.spec.tls).toEqual({
      frontend: { default: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'shared-ca', namespace: 'pki' }] } } },
    });
    expect(gateway.spec.listeners.find((l: any) => l.protocol === 'HTTPS').tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'api-cert' }] });
    expect(find(objects, 'ReferenceGrant', 'from-edge-to-configmaps', 'pki').spec).toEqual({
      from: [{ group: GW, kind: 'Gateway', namespace: 'edge' }],
      to: [{ group: '', kind: 'ConfigMap', name: 'shared-ca' }],
    });
  });

  test('errors: MUTUAL without client CAs, client CAs without MUTUAL, MUTUAL on a GKE class', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    const istioChart = istio();
    const ns = new MeshNamespace(istioChart, 'edge');
    const certificates = [{ secretName: 'c' }];
    expect(() => new GatewayApiIngress(istioChart, 'a', { namespace: ns, tls: { mode: GatewayTlsMode.MUTUAL, certificates } }))
      .toThrow('test/a: tls.mode MUTUAL needs tls.clientCertificateAuthorities (1 to 8 ConfigMaps with ca.crt) to verify client certificates, got 0');
    expect(() => new GatewayApiIngress(istioChart, 'b', { namespace: ns, tls: { certificates, clientCertificateAuthorities: [{ configMapName: 'ca' }] } }))
      .toThrow('test/b: tls.clientCertificateAuthorities verify client certificates, which only tls.mode MUTUAL asks for: set the mode, or remove them');
    expect(() => new GatewayApiIngress(istioChart, 'c', { namespace: ns, tls: { mode: GatewayTlsMode.MUTUAL, clientCertificateAuthorities: [{ configMapName: 'ca' }] } }))
      .toThrow('test/c: tls.certificates are required to terminate TLS: name the Secrets that hold them');
    expect(() => new GatewayApiIngress(istioChart, 'd', { namespace: ns, tls: { mode: GatewayTlsMode.MUTUAL, certificates, clientCertificateAuthorities: [{ configMapName: 'Bad_CA' }] } }))
      .toThrow('test/d: CA ConfigMap name "Bad_CA" is not a valid object name: use at most 253 lowercase letters, digits, \'-\' and \'.\'');
    expect(() => new GatewayApiIngress(istioChart, 'e', { namespace: ns, tls: { mode: GatewayTlsMode.MUTUAL, certificates, clientCertificateAuthorities: [{ configMapName: 'ca', namespace: 'P' }] } }))
      .toThrow('test/e: CA ConfigMap namespace "P" is not a valid DNS label');
    expect(() => new GatewayApiIngress(istioChart, 'f', { namespace: ns, tls: { certificates: [{ secretName: 'c', namespace: 'P' }] } }))
      .toThrow('test/f: certificate namespace "P" is not a valid DNS label');
    // istiod programs no HTTPS listener with more than one CA reference or more than two certificates.
    expect(() => new GatewayApiIngress(istioChart, 'g', { namespace: ns, tls: { mode: GatewayTlsMode.MUTUAL, certificates, clientCertificateAuthorities: [{ configMapName: 'a' }, { configMapName: 'b' }] } }))
      .toThrow('test/g: tls.clientCertificateAuthorities lists 2 ConfigMaps, but Istio takes one CA reference and programs no HTTPS listener otherwise: put every CA in the ca.crt bundle of one ConfigMap');
    expect(() => new GatewayApiIngress(istioChart, 'h', { namespace: ns, tls: { certificates: [{ secretName: 'rsa' }, { secretName: 'ecdsa' }, { secretName: 'next' }] } }))
      .toThrow('test/h: tls.certificates lists 3 Secrets, but Istio serves at most 2 on a listener (one RSA, one ECDSA) and programs no HTTPS listener otherwise: keep one certificate per key type');
    expect(() => new GatewayApiIngress(istioChart, 'two', { namespace: ns, name: 'two', tls: { certificates: [{ secretName: 'rsa' }, { secretName: 'ecdsa' }] } })).not.toThrow();
    // Secret names are DNS subdomains: dots are fine.
    expect(() => new GatewayApiIngress(istioChart, 'dotted', { namespace: ns, name: 'dotted', tls: { certificates: [{ secretName: 'shop.example.com' }] } })).not.toThrow();
    expect(() => new GatewayApiIngress(chart, 'lb', {
      namespace: new MeshNamespace(chart, 'edge'),
      gatewayClass: GatewayClass.gke(GkeGatewayClass.GLOBAL_EXTERNAL_MANAGED),
      tls: { mode: GatewayTlsMode.MUTUAL, certificates, clientCertificateAuthorities: [{ configMapName: 'ca' }] },
    })).toThrow('test/lb: class gke-l7-global-external-managed does not take client certificate validation from the Gateway (spec.tls.frontend): GKE configures mutual TLS on the load balancer with a ServerTLSPolicy; use SIMPLE here, or GatewayClass.istio() for MUTUAL');
  });

  test('error: a route feature the Gateway API lacks names IngressGateway', () => {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'app');
    const web = new MeshService(chart, 'web', { namespace: ns, image: 'w:1', port: 8080 });
    const gw = new GatewayApiIngress(chart, 'gw', { namespace: ns });
    expect(() => gw.route({ to: web, directResponse: { status: 503 } }))
      .toThrow('test/gw: the Gateway API has no direct response (`directResponse`); use IngressGateway (an Istio Gateway and VirtualService) for this route');
    expect(() => gw.route({ match: HttpMatch.prefix('/a'), to: web, fault: { abort: { httpStatus: 503, percent: 10 } } }))
      .toThrow('test/gw: the Gateway API has no fault injection (`fault`); use IngressGateway (an Istio Gateway and VirtualService) for this route');
  });
});

describe('in-mesh routes on the Gateway API (GAMMA)', () => {
  function gamma() {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'shop', { routeApi: RouteApi.GATEWAY_API });
    const other = new MeshNamespace(chart, 'other');
    const reviews = new MeshService(chart, 'reviews', { namespace: ns, image: 'r:1', port: 9080, version: 'v1' });
    reviews.addVersion('v2', { image: 'r:2' });
    const shadow = new MeshService(chart, 'shadow', { namespace: other, image: 's:1', port: 9080 });
    return { chart, ns, reviews, shadow };
  }

  test('matches, weights, timeouts, header changes, mirror (across namespaces), CORS; no VirtualService', () => {
    const { chart, reviews, shadow } = gamma();
    reviews.addRoute({
      name: 'testers',
      matches: [HttpMatch.prefix('/api').withHeader('x-canary', StringMatch.exact('always')).withQueryParam('debug', StringMatch.regex('1|true')).withMethod('GET')],
      destinations: [{ version: 'v2' }],
      timeout: Duration.millis(1500),
      requestHeaders: { set: { 'x-route': 'testers' }, remove: ['x-debug'] },
      responseHeaders: { add: { 'x-served-by': 'v2' } },
      mirror: { service: shadow, percent: 10 },
      cors: { allowOrigins: [StringMatch.exact('https://shop.example.com')], allowMethods: ['GET'], maxAge: Duration.hours(1) },
    });
    reviews.addRoute({ destinations: [{ version: 'v1', weight: 80 }, { version: 'v2', weight: 20 }] });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'VirtualService')).toEqual([]);
    expect(find(objects, 'HTTPRoute', 'reviews', 'shop').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [
        {
          name: 'testers',
          matches: [{
            path: { type: 'PathPrefix', value: '/api' },
            headers: [{ name: 'x-canary', type: 'Exact', value: 'always' }],
            queryParams: [{ name: 'debug', type: 'RegularExpression', value: '1|true' }],
            method: 'GET',
          }],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'testers' }], remove: ['x-debug'] } },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'v2' }] } },
            { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', namespace: 'other', port: 9080 }, percent: 10 } },
            { type: 'CORS', cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET'], maxAge: 3600 } },
          ],
          backendRefs: [{ name: 'reviews-v2', port: 9080 }],
          timeouts: { request: '1s500ms' },
        },
        { backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 80 }, { name: 'reviews-v2', port: 9080, weight: 20 }] },
      ],
    });
    expect(find(objects, 'ReferenceGrant', 'from-shop-to-services', 'other').spec.to).toEqual([{ group: '', kind: 'Service', name: 'shadow' }]);
    expect(find(objects, 'Service', 'reviews-v1', 'shop').spec.selector).toEqual({ app: 'reviews', version: 'v1' });
  });

  test('rewrites and redirects: prefix matches replace the prefix (one rule per match), others the whole path', () => {
    const { chart, reviews } = gamma();
    reviews.addRoute({ matches: [HttpMatch.prefix('/old'), HttpMatch.exact('/legacy')], rewrite: { uri: '/new', authority: 'reviews.example.com' } });
    reviews.addRoute({ matches: [HttpMatch.prefix('/moved')], redirect: { uri: '/here', scheme: 'https', code: 308 } });
    const rules = find(synthValid(chart), 'HTTPRoute', 'reviews').spec.rules;
    expect(rules.map((r: any) => r.filters)).toEqual([
      [{ type: 'URLRewrite', urlRewrite: { hostname: 'reviews.example.com', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }],
      [{ type: 'URLRewrite', urlRewrite: { hostname: 'reviews.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } }],
      [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', path: { type: 'ReplaceFullPath', replaceFullPath: '/here' }, statusCode: 308 } }],
      undefined,
    ]);
    expect(rules[2].backendRefs).toBeUndefined();
    expect(rules[3]).toEqual({ name: 'default', backendRefs: [{ name: 'reviews', port: 9080 }] });
  });

  test('chosen per platform, per namespace; ambient namespaces default to HTTPRoute, sidecar ones to VirtualService', () => {
    const chart = meshChart(MeshPlatform.istio({ routeApi: RouteApi.GATEWAY_API }));
    const byPlatform = new MeshNamespace(chart, 'a');
    const overridden = new MeshNamespace(chart, 'b', { routeApi: RouteApi.ISTIO });
    expect([byPlatform.routeApi, overridden.routeApi]).toEqual([RouteApi.GATEWAY_API, RouteApi.ISTIO]);
    const plain = istio();
    expect(new MeshNamespace(plain, 'c').routeApi).toBe(RouteApi.ISTIO);
    expect(new MeshNamespace(plain, 'd', { dataplaneMode: DataplaneMode.AMBIENT }).routeApi).toBe(RouteApi.GATEWAY_API);
  });

  test('error: fault injection names the VirtualService alternative', () => {
    const { reviews } = gamma();
    expect(() => reviews.addRoute({ fault: { delay: { delay: Duration.seconds(5), percent: 10 } } }))
      .toThrow('test/reviews: the Gateway API has no fault injection (`fault`); route test/reviews with a VirtualService instead: set `routeApi: RouteApi.ISTIO` on its namespace "shop" (or on the platform)');
  });

  test('error: retries are not in the v1.5 standard channel', () => {
    const { reviews } = gamma();
    expect(() => reviews.addRoute({ retries: { attempts: 3 } })).toThrow(/test\/reviews: the Gateway API v1.5 standard channel that Istio 1.30 supports has no retry policy .*standard from v1.7.*set `routeApi: RouteApi.ISTIO`/);
  });

  test('error: a match the Gateway API cannot express', () => {
    const { reviews } = gamma();
    expect(() => reviews.addRoute({ matches: [HttpMatch.prefix('/a').withoutHeader('x-a')] }))
      .toThrow('test/reviews: the Gateway API cannot match on an absent header (`withoutHeader`); route test/reviews with a VirtualService instead');
    expect(() => reviews.addRoute({ matches: [HttpMatch.prefix('/a').ignoringCase()] })).toThrow('the Gateway API cannot match a path case-insensitively');
  });

  test('error: a version that cannot name a Service', () => {
    const chart = istio();
    const ns = new MeshNamespace(chart, 'shop', { routeApi: RouteApi.GATEWAY_API });
    const long = 'v'.repeat(61);
    const svc = MeshService.fromServiceAttributes(chart, 'svc', { name: 'svc', namespace: ns, ports: [{ port: 80 }], versions: [long] });
    expect(() => svc.addRoute({ destinations: [{ version: long }] }))
      .toThrow(`test/svc: version "${long}" of test/svc cannot name a Service ("svc-${long}" is not a DNS label), and HTTPRoutes split traffic between Services`);
    expect(() => MeshService.fromServiceAttributes(chart, 'upper', { name: 'upper', namespace: ns, ports: [{ port: 80 }], versions: ['V1'] }))
      .toThrow('test/upper: version "V1" cannot name a DestinationRule subset');
  });

  test('error: a second catch-all is unreachable', () => {
    const { reviews } = gamma();
    reviews.addRoute({ destinations: [{ version: 'v1' }] });
    expect(() => reviews.addRoute({ destinations: [{ version: 'v2' }] })).toThrow('test/reviews: this route is unreachable: an earlier route without `matches` takes every request');
  });
});

describe('ambient mode', () => {
  test('namespace labels, no sidecar annotations (created or adopted), L4 policy at ztunnel', () => {
    const { chart, ns, api, front } = ambient();
    const adopted = new kplus.Deployment(chart, 'worker-deployment', {
      metadata: { name: 'worker', namespace: 'app' },
      serviceAccount: new kplus.ServiceAccount(chart, 'worker-sa', { metadata: { name: 'worker', namespace: 'app' } }),
      containers: [{ image: 'worker:1', ports: [{ number: 3000, name: 'http' }] }],
    });
    new MeshService(chart, 'worker', { namespace: ns, workload: adopted });
    api.allowFrom(front);
    const objects = synthValid(chart);
    expect(find(objects, 'Namespace', 'app').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(find(objects, 'Deployment', 'api-v1').spec.template.metadata.annotations).toBeUndefined();
    expect(find(objects, 'Deployment', 'worker').spec.template.metadata.annotations).toBeUndefined();
    expect(find(objects, 'AuthorizationPolicy', 'api-allow').spec.selector).toEqual({ matchLabels: { app: 'api' } });
    expect(ns.injection).toBe(false);
  });

  test('waypoint: Gateway, enrollment labels, policies attached through targetRefs with their ztunnel side, JWT at the waypoint', () => {
    const { chart, ns, api, front } = ambient();
    const waypoint = new Waypoint(chart, 'wp', { namespace: ns, trafficType: WaypointTrafficType.ALL });
    waypoint.addService(api, { ingress: true });
    api.allowFrom(front);
    new AuthorizationPolicy(chart, 'l7', {
      workload: api,
      rules: [{ from: [Source.services(front)], to: [{ paths: ['/admin*'] }] }, { from: [Source.namespaces(ns)], to: [{ ports: [8080] }] }],
    });
    new JwtAuthentication(chart, 'jwt', { workload: api, issuers: [{ issuer: 'https://issuer.example.com' }] }).requireToken();
    const objects = synthValid(chart);
    expect(find(objects, 'Gateway', 'waypoint', 'app')).toMatchObject({
      metadata: { labels: { 'istio.io/waypoint-for': 'all' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(find(objects, 'Service', 'api').metadata.labels).toEqual({ 'app': 'api', 'istio.io/ingress-use-waypoint': 'true', 'istio.io/use-waypoint': 'waypoint' });
    const serviceRef = [{ group: '', kind: 'Service', name: 'api' }];
    expect(find(objects, 'AuthorizationPolicy', 'api-allow').spec).toEqual({
      action: 'ALLOW', targetRefs: serviceRef, rules: [{ from: [{ source: { principals: ['cluster.local/ns/app/sa/front-sa'] } }] }],
    });
    const waypointRule = { from: [{ source: { principals: ['cluster.local/ns/app/sa/waypoint'] } }] };
    expect(find(objects, 'AuthorizationPolicy', 'api-allow-ztunnel').spec).toEqual({
      action: 'ALLOW', selector: { matchLabels: { app: 'api' } }, rules: [waypointRule, { from: [{ source: { principals: ['cluster.local/ns/app/sa/front-sa'] } }] }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'api-l7').spec.targetRefs).toEqual(serviceRef);
    // ztunnel keeps the L4 rule; the path rule stays with the waypoint.
    expect(find(objects, 'AuthorizationPolicy', 'api-l7-ztunnel').spec.rules).toEqual([waypointRule, { from: [{ source: { namespaces: ['app'] } }], to: [{ operation: { ports: ['8080'] } }] }]);
    expect(find(objects, 'RequestAuthentication', 'api-jwt').spec.targetRefs).toEqual(serviceRef);
    expect(find(objects, 'AuthorizationPolicy', 'api-jwt-required').spec.targetRefs).toEqual(serviceRef);
    expect(waypoint.principal).toBe('cluster.local/ns/app/sa/waypoint');
  });

  test('a namespace waypoint: namespace policies attach to its Gateway; deny by default lets the waypoint through ztunnel and denies at it', () => {
    const { chart, ns } = ambient();
    const waypoint = new Waypoint(chart, 'wp', { namespace: ns });
    ns.denyByDefault();
    waypoint.addNamespace(ns);
    new AuthorizationPolicy(chart, 'deny-debug', { namespace: ns, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/debug*'] }] }] });
    const objects = synthValid(chart);
    expect(find(objects, 'Namespace', 'app').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    const gatewayRef = [{ group: GW, kind: 'Gateway', name: 'waypoint' }];
    expect(find(objects, 'AuthorizationPolicy', 'app-deny-debug').spec.targetRefs).toEqual(gatewayRef);
    expect(find(objects, 'AuthorizationPolicy', 'waypoint-allow-nothing').spec).toEqual({ targetRefs: gatewayRef });
    expect(find(objects, 'AuthorizationPolicy', 'allow-waypoints').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/app/sa/waypoint'] } }] }]);
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing').spec).toEqual({});
  });

  test('error: an L7 rule with no waypoint to enforce it', () => {
    const { chart, api, front } = ambient();
    expect(() => new AuthorizationPolicy(chart, 'p', { workload: api, rules: [{ from: [Source.services(front)], to: [{ methods: ['GET'] }] }] }))
      .toThrow('test/p: an L7 rule (operation.methods) needs a waypoint: namespace "app" is in ambient mode, where ztunnel enforces only L4 rules '
        + '(principals, namespaces, IP blocks, ports) and an L7 rule with no waypoint is enforced by nothing; add a Waypoint and enroll test/api (or its namespace) in it');
    const l4 = new AuthorizationPolicy(chart, 'l4', { workload: api, rules: [{ from: [Source.services(front)] }] });
    expect(() => l4.addRule({ when: [Condition.header('x-tenant', 'a')] })).toThrow('test/l4: an L7 rule (when key "request.headers[x-tenant]") needs a waypoint');
    expect(() => new JwtAuthentication(chart, 'jwt', { workload: api, issuers: [{ issuer: 'https://i.example.com' }] })).toThrow('test/jwt: JWT validation needs a waypoint');
  });

  test('error: a waypoint added after policies that ztunnel enforces', () => {
    const { chart, ns, api, front } = ambient();
    api.allowFrom(front);
    expect(() => new Waypoint(chart, 'wp', { namespace: ns }).addService(api))
      .toThrow('test/wp: test/api was written for ztunnel before this waypoint was added; behind a waypoint ztunnel sees the waypoint\'s identity');
  });

  test('error: ambient where the platform does not run it, with the reason', () => {
    for (const platform of [MeshPlatform.asmManaged(), MeshPlatform.cloudServiceMesh()]) {
      const chart = meshChart(platform);
      expect(() => new MeshNamespace(chart, 'app', { dataplaneMode: DataplaneMode.AMBIENT }))
        .toThrow(new RegExp(`test/app: the ambient data plane is not available on ${platform.kind}: Cloud Service Mesh .* documents no ambient mode.*GKE's own "ambient networking" is a separate product`));
      expect(() => MeshNamespace.fromNamespaceName(chart, 'old', 'old', { dataplaneMode: DataplaneMode.AMBIENT })).toThrow('the ambient data plane is not available');
    }
  });

  test('error: dataplaneMode and injection together', () => {
    const chart = istio();
    expect(() => new MeshNamespace(chart, 'app', { dataplaneMode: DataplaneMode.AMBIENT, injection: true }))
      .toThrow('test/app: set `dataplaneMode` or `injection`, not both (injection: false is DataplaneMode.NONE)');
  });

  test('error: sidecar options on an ambient workload', () => {
    const { chart, ns } = ambient();
    expect(() => new MeshService(chart, 'x', { namespace: ns, image: 'x:1', port: 80, sidecar: { holdApplicationUntilProxyStarts: true } }))
      .toThrow('test/x: namespace "app" is in ambient mode, where pods have no sidecar, so `sidecar` (holdApplicationUntilProxyStarts) has nothing to configure');
  });

  test('error: a DENY or a required token at a waypoint that a gateway\'s requests pass by (no ingress: true)', () => {
    const { chart, ns, api } = ambient();
    const edge = new MeshNamespace(chart, 'edge');
    const wp = new Waypoint(chart, 'wp', { namespace: ns });
    wp.addService(api);
    new IngressGateway(chart, 'gw', { namespace: edge, hosts: ['shop.example.com'] }).route({ to: api });
    new JwtAuthentication(chart, 'jwt', { workload: api, issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks' }] }).requireToken();
    expect(() => synthValid(chart)).toThrow('[test/jwt/RequireToken1] the DENY policy is enforced at the waypoint, but gateways send to the pods past it (test/gw -> test/api): '
      + 'istiod routes a gateway\'s requests through a waypoint only when the Service or its namespace is labelled istio.io/ingress-use-waypoint, so requests from the gateway escape the policy; '
      + 'enroll with `{ ingress: true }` (waypoint.addService(service, { ingress: true }) or addNamespace)');

    // Token validation alone: requests with an invalid token from the gateway would reach the pods.
    const alone = ambient();
    new Waypoint(alone.chart, 'wp', { namespace: alone.ns }).addService(alone.api);
    new IngressGateway(alone.chart, 'gw', { namespace: new MeshNamespace(alone.chart, 'edge'), hosts: ['shop.example.com'] }).route({ to: alone.api });
    new JwtAuthentication(alone.chart, 'jwt', { workload: alone.api, issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks' }] });
    expect(() => synthValid(alone.chart)).toThrow('[test/jwt] the JWT validation is enforced at the waypoint, but gateways send to the pods past it (test/gw -> test/api): ');

    // Enrolled with ingress: true, the gateway's requests pass the waypoint.
    const fixed = ambient();
    const fixedEdge = new MeshNamespace(fixed.chart, 'edge');
    new Waypoint(fixed.chart, 'wp', { namespace: fixed.ns }).addService(fixed.api, { ingress: true });
    new IngressGateway(fixed.chart, 'gw', { namespace: fixedEdge, hosts: ['shop.example.com'] }).route({ to: fixed.api });
    new AuthorizationPolicy(fixed.chart, 'deny-admin', { workload: fixed.api, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'] }] }] });
    new JwtAuthentication(fixed.chart, 'jwt', { workload: fixed.api, issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks' }] });
    expect(find(synthValid(fixed.chart), 'Service', 'api').metadata.labels['istio.io/ingress-use-waypoint']).toBe('true');
  });

  test('error: a gateway deployed in an ambient namespace', () => {
    const { chart, ns } = ambient();
    expect(() => new IngressGateway(chart, 'gw', { namespace: ns }))
      .toThrow('test/gw: namespace "app" is in ambient mode, where nothing injects sidecars, but the gateway\'s proxy (image: auto) is injected: put the gateway in a namespace with sidecar injection on');
  });

  test('error: talksTo (a Sidecar resource) on an ambient workload', () => {
    const { api, front } = ambient();
    expect(() => api.talksTo(front)).toThrow('test/api: talksTo writes a Sidecar resource, which ambient workloads ignore (IST0167');
  });

  test('error: waypoint enrollment that cannot work', () => {
    const { chart, ns, api } = ambient();
    const sidecarNs = new MeshNamespace(chart, 'legacy');
    const legacy = new MeshService(chart, 'legacy-svc', { namespace: sidecarNs, image: 'l:1', port: 80 });
    const wp = new Waypoint(chart, 'wp', { namespace: ns });
    expect(() => wp.addService(legacy)).toThrow('test/wp: test/legacy-svc is not in ambient mode (namespace "legacy" runs sidecar): waypoints serve ambient workloads');
    const workloadOnly = new Waypoint(chart, 'wl', { namespace: ns, name: 'workloads', trafficType: WaypointTrafficType.WORKLOAD });
    expect(() => workloadOnly.addService(api)).toThrow('test/wl: this waypoint handles workload traffic only (trafficType WORKLOAD), not traffic addressed to Services');
    const existing = MeshNamespace.fromNamespaceName(chart, 'ext', 'ext', { dataplaneMode: DataplaneMode.AMBIENT });
    expect(() => wp.addNamespace(existing)).toThrow('test/wp: namespace "ext" is not written by this app, so its labels cannot change here');
    wp.addService(api);
    expect(() => wp.addService(api)).toThrow('test/wp: test/api already uses waypoint app/waypoint');
  });

  test('error: a policy on what a workload-only waypoint serves (traffic addressed to Services bypasses it)', () => {
    const { chart, ns, api } = ambient();
    const wp = new Waypoint(chart, 'wp', { namespace: ns, trafficType: WaypointTrafficType.WORKLOAD });
    wp.addNamespace(ns);
    const fix = 'which handles workload traffic only (trafficType WORKLOAD): traffic addressed to Services bypasses it, so the policy would not apply to it; '
      + 'serve the target with a waypoint of trafficType SERVICE or ALL, or make this waypoint the policy\'s target (`waypoint`)';
    expect(() => new AuthorizationPolicy(chart, 'deny', { workload: api, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'] }] }] }))
      .toThrow(`test/deny: test/api uses waypoint app/waypoint, ${fix}`);
    expect(() => new JwtAuthentication(chart, 'jwt', { workload: api, issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks' }] }))
      .toThrow(`test/jwt: test/api uses waypoint app/waypoint, ${fix}`);
    expect(() => new AuthorizationPolicy(chart, 'ns-wide', { namespace: ns, rules: [{ to: [{ methods: ['GET'] }] }] }))
      .toThrow(`test/ns-wide: namespace "app" uses waypoint app/waypoint, ${fix}`);
    // Targeting the waypoint itself polices the traffic addressed to pods, as asked.
    new AuthorizationPolicy(chart, 'at-waypoint', { waypoint: wp, rules: [{ to: [{ methods: ['GET'] }] }] });
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'waypoint-at-waypoint').spec.targetRefs).toEqual([{ group: GW, kind: 'Gateway', name: 'waypoint' }]);
  });

  test('error: a namespace-wide policy and a service with a waypoint of its own (in either order)', () => {
    const { chart, ns, api } = ambient();
    const other = new MeshNamespace(chart, 'other', { dataplaneMode: DataplaneMode.AMBIENT });
    new Waypoint(chart, 'wp', { namespace: ns }).addNamespace(ns);
    const apiWaypoint = new Waypoint(chart, 'api-wp', { namespace: ns, name: 'api-waypoint' });
    apiWaypoint.addService(api);
    const escape = 'their traffic bypasses the namespace\'s waypoint, so the policy would not apply to it, and ztunnel sees their waypoint\'s identity, which it would deny; '
      + 'target the services one by one (`workload`), or serve them with the namespace\'s waypoint';
    expect(() => new AuthorizationPolicy(chart, 'from-other', { namespace: ns, rules: [{ from: [Source.namespaces(other)] }] }))
      .toThrow(`test/from-other: a namespace-wide policy in namespace "app", where test/api uses a waypoint of its own: ${escape}`);
    // Targeting the service attaches the policy to its own waypoint.
    new AuthorizationPolicy(chart, 'api-from-other', { workload: api, rules: [{ from: [Source.namespaces(other)] }] });
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'api-api-from-other').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'api' }]);

    const second = ambient();
    new Waypoint(second.chart, 'wp', { namespace: second.ns }).addNamespace(second.ns);
    new AuthorizationPolicy(second.chart, 'get-only', { namespace: second.ns, rules: [{ to: [{ methods: ['GET'] }] }] });
    expect(() => new Waypoint(second.chart, 'api-wp', { namespace: second.ns, name: 'api-waypoint' }).addService(second.api))
      .toThrow('test/api-wp: test/get-only applies to all of namespace "app", and test/api would escape it behind a waypoint of its own');
  });

  test('error: deny by default with a waypoint of another namespace', () => {
    const { chart, ns } = ambient();
    const shared = new MeshNamespace(chart, 'waypoints', { dataplaneMode: DataplaneMode.AMBIENT });
    const wp = new Waypoint(chart, 'wp', { namespace: shared });
    wp.addNamespace(ns);
    expect(find(synthValid(chart), 'Namespace', 'app').metadata.labels['istio.io/use-waypoint-namespace']).toBe('waypoints');
    expect(() => ns.denyByDefault()).toThrow('test/wp: namespace "app" denies by default and uses this waypoint of namespace "waypoints"');
  });

  test('a waypoint of another namespace: its HBONE listener allows routes from the namespaces it serves', () => {
    const { chart, ns, api } = ambient();
    const shared = new MeshNamespace(chart, 'waypoints', { dataplaneMode: DataplaneMode.AMBIENT });
    const wp = new Waypoint(chart, 'wp', { namespace: shared });
    wp.addService(api);
    const listener = find(synthValid(chart), 'Gateway', 'waypoint', 'waypoints').spec.listeners[0];
    // Without allowedRoutes istiod attaches only the waypoint's own namespace (from: Same), and api would have no waypoint.
    expect(listener.allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['app', 'waypoints'] }] } } });
    // A namespace's own waypoint keeps the default.
    const local = ambient();
    new Waypoint(local.chart, 'wp', { namespace: local.ns }).addNamespace(local.ns);
    expect(find(synthValid(local.chart), 'Gateway', 'waypoint', 'app').spec.listeners[0].allowedRoutes).toBeUndefined();
    void ns;
  });

  test('error: a namespace policy at a waypoint that serves other namespaces too', () => {
    const { chart, ns } = ambient();
    const other = new MeshNamespace(chart, 'other', { dataplaneMode: DataplaneMode.AMBIENT });
    const wp = new Waypoint(chart, 'wp', { namespace: ns });
    wp.addNamespace(ns);
    new AuthorizationPolicy(chart, 'get-only', { namespace: ns, rules: [{ to: [{ methods: ['GET'] }] }] });
    wp.addNamespace(other);
    expect(() => synthValid(chart)).toThrow('[test/get-only] a policy on namespace "app" is attached to its waypoint app/waypoint, which also serves namespace "other": the policy would apply to its traffic too; '
      + 'target the services one by one (`workload`), or give namespace "app" a waypoint of its own');
  });

  test('error: a service policy behind a namespace waypoint that handles workload traffic too (trafficType ALL)', () => {
    const { chart, ns, api, front } = ambient();
    new Waypoint(chart, 'wp', { namespace: ns, trafficType: WaypointTrafficType.ALL }).addNamespace(ns);
    expect(() => api.allowFrom(front)).toThrow('test/api: test/api uses the waypoint app/waypoint of its namespace, which handles workload traffic too (trafficType ALL): '
      + 'requests addressed to its pods pass the waypoint without the Service\'s policies, and ztunnel lets the waypoint in, so the policy would not apply to them; '
      + 'use a waypoint of trafficType SERVICE, or make the waypoint the policy\'s target (`waypoint`)');
  });

  test('error: when keys ztunnel does not evaluate need a waypoint; sidecar callers in L7 rules at a waypoint', () => {
    const { chart, api, ns } = ambient();
    expect(() => new AuthorizationPolicy(chart, 'office', { workload: api, rules: [{ when: [Condition.custom('remote.ip', '10.0.0.0/8')] }] }))
      .toThrow('test/office: an L7 rule (when key "remote.ip", which ztunnel does not evaluate (it knows source.ip, source.namespace, source.principal, destination.ip, destination.port)) needs a waypoint');
    new AuthorizationPolicy(chart, 'by-ip', { workload: api, rules: [{ when: [Condition.custom('source.ip', '10.0.0.0/8')] }] });
    // Sidecars send to ambient pods past waypoints (istiod routes only gateways through them).
    const legacy = new MeshNamespace(chart, 'legacy');
    const old = new MeshService(chart, 'old', { namespace: legacy, image: 'o:1', port: 80 });
    const other = ambient();
    new Waypoint(other.chart, 'wp', { namespace: other.ns }).addService(other.api);
    const otherLegacy = new MeshNamespace(other.chart, 'legacy');
    const otherOld = new MeshService(other.chart, 'old', { namespace: otherLegacy, image: 'o:1', port: 80 });
    new AuthorizationPolicy(other.chart, 'readers', { workload: other.api, rules: [{ from: [Source.services(otherOld)], to: [{ methods: ['GET'] }] }] });
    expect(() => synthValid(other.chart)).toThrow('[test/readers] an L7 rule allows callers of the sidecar namespace "legacy", but sidecars send to ambient pods directly, past the waypoint that enforces L7 rules, '
      + 'and ztunnel lets through only the L4 rules: the rule would never allow them; allow them by an L4 rule (who, ports), or run them in ambient mode');
    void old; void ns;
  });

  test('an L7 rule at a waypoint may name an ingress gateway whose traffic is enrolled in it (ingress: true); otherwise it is an error', () => {
    const enrolled = ambient();
    const edge = new MeshNamespace(enrolled.chart, 'edge');
    const gw = new IngressGateway(enrolled.chart, 'gw', { namespace: edge, hosts: ['shop.example.com'] });
    new Waypoint(enrolled.chart, 'wp', { namespace: enrolled.ns }).addService(enrolled.api, { ingress: true });
    gw.route({ to: enrolled.api });
    new AuthorizationPolicy(enrolled.chart, 'from-gw', { workload: enrolled.api, rules: [{ from: [Source.services(gw)], to: [{ methods: ['GET'] }] }] });
    expect(() => synthValid(enrolled.chart)).not.toThrow();

    const direct = ambient();
    const directEdge = new MeshNamespace(direct.chart, 'edge');
    const directGw = new IngressGateway(direct.chart, 'gw', { namespace: directEdge, hosts: ['shop.example.com'] });
    new Waypoint(direct.chart, 'wp', { namespace: direct.ns }).addService(direct.api);
    new AuthorizationPolicy(direct.chart, 'from-gw', { workload: direct.api, rules: [{ from: [Source.services(directGw)], to: [{ methods: ['GET'] }] }] });
    expect(() => synthValid(direct.chart)).toThrow('[test/from-gw] an L7 rule allows the gateway test/gw, but gateways send to the pods past the waypoint that enforces L7 rules '
      + 'unless ingress is enrolled in it, and ztunnel lets through only the L4 rules: the rule would never allow them; '
      + 'enroll with `{ ingress: true }` (waypoint.addService(service, { ingress: true }) or addNamespace), or allow them by an L4 rule');
  });

  test('the namespace\'s ingress-use-waypoint applies to a service with a waypoint of its own; a waypoint cannot be named none', () => {
    const { chart, ns, api } = ambient();
    const edge = new MeshNamespace(chart, 'edge');
    new Waypoint(chart, 'wp', { namespace: ns }).addNamespace(ns, { ingress: true });
    new Waypoint(chart, 'api-wp', { namespace: ns, name: 'api-waypoint' }).addService(api);
    new IngressGateway(chart, 'gw', { namespace: edge, hosts: ['shop.example.com'] }).route({ to: api });
    new AuthorizationPolicy(chart, 'deny-admin', { workload: api, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'] }] }] });
    expect(() => synthValid(chart)).not.toThrow();
    expect(() => new Waypoint(chart, 'none', { namespace: ns, name: 'none' }))
      .toThrow('test/none: a waypoint cannot be named "none": istio.io/use-waypoint=none opts a namespace or service out of waypoints, so nothing would use it; choose another name');
  });

  test('error: a waypoint on a managed platform', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    expect(() => new Waypoint(chart, 'wp', { namespace: new MeshNamespace(chart, 'app') })).toThrow('test/wp: waypoints are part of ambient mode, which is not available on cloud-service-mesh');
  });
});

test('the example of docs/gateway-api-and-ambient.md runs as written, to valid objects the analysis finds clean', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'gateway-api-and-ambient.md'), 'utf8');
  const snippet = /```ts nofixture\n(import \{ App, Chart \} from 'cdk8s';[\s\S]*?)```/.exec(doc)![1];
  const js = ts.transpileModule(snippet.replace('app.synth();', 'result.app = app;'), { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const result: { app?: App } = {};
  new Function('require', 'exports', 'result', js)((m: string) => ({ 'cdk8s': cdk8s, 'cdk8s-mesh': mesh } as any)[m], {}, result);
  const objects = result.app!.charts.flatMap((c) => c.toJson());
  validateObjects(objects);
  expect(mesh.MeshAnalyzer.analyze(objects)).toEqual([]);
  expect(find(objects, 'AuthorizationPolicy', 'reviews-readers').spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
});

test('errors: JavaScript callers passing strings where objects belong', () => {
  const chart = istio();
  const ns = new MeshNamespace(chart, 'app', { dataplaneMode: DataplaneMode.AMBIENT });
  expect(() => new Waypoint(chart, 'wp', { namespace: 'app' as any })).toThrow('test/wp: `namespace` must be a mesh namespace');
  expect(() => new Waypoint(chart, 'wp2', { namespace: ns, trafficType: 'everything' as any })).toThrow('test/wp2: `trafficType` is the string "everything", which is not a WaypointTrafficType');
  expect(() => new GatewayApiIngress(chart, 'gw', { namespace: ns, gatewayClass: 'istio' as any })).toThrow('test/gw: `gatewayClass` must be a GatewayClass (e.g. GatewayClass.istio())');
  expect(() => new MeshNamespace(chart, 'x', { dataplaneMode: 'ambient-ish' as any })).toThrow('test/x: `dataplaneMode` is the string "ambient-ish", which is not a DataplaneMode');
});
