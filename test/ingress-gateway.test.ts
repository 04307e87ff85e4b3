import { Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-34';
import { GatewayServiceType, GatewayTlsMode, HttpMatch, IngressGateway, InstalledGateway, MeshNamespace, MeshPlatform, MeshService, Protocol, TlsVersion } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup(platform?: MeshPlatform) {
  const chart = meshChart(platform);
  const gwNs = new MeshNamespace(chart, 'istio-gateway');
  const appNs = new MeshNamespace(chart, 'app');
  const web = new MeshService(chart, 'web', { namespace: appNs, image: 'w:1', ports: [{ port: 8080, name: 'http-web' }, { port: 9000, protocol: Protocol.tcp(), name: 'tcp-raw' }] });
  const api = new MeshService(chart, 'api', { namespace: appNs, image: 'a:1', ports: [{ port: 9090, protocol: Protocol.grpc(), name: 'grpc' }, { port: 8081, name: 'http-admin' }] });
  return { chart, gwNs, appNs, web, api };
}

describe('IngressGateway', () => {
  test('routes: prefix, exact, regex, host groups, rule order, default port', () => {
    const { chart, gwNs, web, api } = setup();
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs, hosts: ['shop.example.com', '*.example.com'] });
    gw.route({ to: web, match: HttpMatch.exact('/'), hosts: ['shop.example.com'] });
    gw.route({ to: api, match: HttpMatch.regex('^/v[0-9]+/.*'), hosts: ['api.example.com'] });
    gw.route({ to: web, match: HttpMatch.prefix('/static'), hosts: ['shop.example.com'] });
    gw.route({ to: api, port: 8081, hosts: ['api.example.com'] });
    gw.route({ match: HttpMatch.prefix('/split'), hosts: ['shop.example.com'], destinations: [{ service: web, weight: 50 }, { service: api, port: 8081, weight: 50 }] });
    gw.route({ match: HttpMatch.exact('/old'), hosts: ['shop.example.com'], redirect: { uri: '/' } });
    const objects = synthValid(chart);
    const shop = find(objects, 'VirtualService', 'istio-ingressgateway-shop-example-com', 'istio-gateway');
    expect(shop.spec.hosts).toEqual(['shop.example.com']);
    // The gateway's own hosts overlap: a route for all of them would be a VirtualService istiod rejects.
    expect(() => gw.route({ to: web })).toThrow('test/gw: route hosts "shop.example.com" and "*.example.com" overlap, and istiod rejects a VirtualService whose hosts overlap (IST0106): pass `hosts` with one of them, or route them separately');
    expect(shop.spec.gateways).toEqual(['istio-ingressgateway']);
    expect(shop.spec.http).toEqual([
      { match: [{ uri: { exact: '/' } }], route: [{ destination: { host: 'web.app.svc.cluster.local', port: { number: 8080 } } }] },
      { match: [{ uri: { prefix: '/static' } }], route: [{ destination: { host: 'web.app.svc.cluster.local', port: { number: 8080 } } }] },
      {
        match: [{ uri: { prefix: '/split' } }],
        route: [
          { destination: { host: 'web.app.svc.cluster.local', port: { number: 8080 } }, weight: 50 },
          { destination: { host: 'api.app.svc.cluster.local', port: { number: 8081 } }, weight: 50 },
        ],
      },
      { match: [{ uri: { exact: '/old' } }], redirect: { uri: '/', redirectCode: 301 } },
    ]);
    const apiVs = find(objects, 'VirtualService', 'istio-ingressgateway-api-example-com');
    expect(apiVs.spec.http.map((r: any) => [r.match, r.route[0].destination.port.number])).toEqual([
      [[{ uri: { regex: '^/v[0-9]+/.*' } }], 9090],
      [undefined, 8081], // no match: a catch-all
    ]);
  });

  test('HTTPS with redirect, custom name, service type, replicas, resources', () => {
    const { chart, gwNs } = setup();
    new IngressGateway(chart, 'gw', {
      namespace: gwNs,
      name: 'public-gw',
      replicas: 3,
      serviceType: GatewayServiceType.NODE_PORT,
      tls: { credentialName: 'shop-cert', redirectHttp: true },
      resources: { cpuLimit: Cpu.units(2), memoryLimit: Size.gibibytes(1) },
    });
    const objects = synthValid(chart);
    expect(find(objects, 'Gateway', 'public-gw').spec).toEqual({
      selector: { istio: 'public-gw' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
      ],
    });
    const dep = find(objects, 'Deployment', 'public-gw');
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.selector.matchLabels).toEqual({ app: 'public-gw', istio: 'public-gw' });
    expect(dep.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '2', memory: '1024Mi' } });
    expect(find(objects, 'Service', 'public-gw').spec.type).toBe('NodePort');
    expect(find(objects, 'RoleBinding', 'public-gw').subjects).toEqual([{ kind: 'ServiceAccount', name: 'public-gw' }]);
  });

  test('open-source Istio: pods opt in to injection by label', () => {
    const { chart, gwNs } = setup(MeshPlatform.istio());
    new IngressGateway(chart, 'gw', { namespace: gwNs });
    expect(find(synthValid(chart), 'Deployment', 'istio-ingressgateway').spec.template.metadata.labels)
      .toEqual({ 'app': 'istio-ingressgateway', 'istio': 'ingressgateway', 'sidecar.istio.io/inject': 'true' });
  });

  test('errors name the construct and the fix', () => {
    const { chart, gwNs, appNs, web, api } = setup();
    const outside = new MeshNamespace(chart, 'legacy', { injection: false });
    const legacy = new MeshService(chart, 'old', { namespace: outside, image: 'o:1', port: 80 });
    const tcpOnly = new MeshService(chart, 'db', { namespace: appNs, image: 'd:1', ports: [{ port: 5432, protocol: Protocol.tcp(), name: 'tcp' }] });
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs, hosts: ['shop.example.com'] });
    expect(() => gw.route({ to: legacy })).toThrow('test/gw: route to test/old goes to a service outside the mesh (namespace "legacy" has injection disabled): enable injection on its namespace or route elsewhere');
    expect(() => gw.route({ to: web, port: 1234 })).toThrow('test/gw: route to test/web: port 1234 is not a port of the service; its ports are 8080 (http), 9000 (tcp)');
    expect(() => gw.route({ to: web, port: 9000 })).toThrow('test/gw: route to test/web: port 9000 speaks tcp, but HTTP routes need an HTTP-family port');
    expect(() => gw.route({ to: tcpOnly })).toThrow('test/gw: route to test/db: the service has no HTTP port; its ports are 5432 (tcp)');
    expect(() => gw.route({ to: api, hosts: ['other.example.org'] })).toThrow('test/gw: route host "other.example.org" is not accepted by the gateway (hosts: shop.example.com): add it to the gateway\'s hosts');
    expect(() => gw.route({ to: api, hosts: ['Bad Host'] })).toThrow('test/gw: host "Bad Host" is not a valid host');
    expect(() => new IngressGateway(chart, 'gw2', { namespace: outside })).toThrow('test/gw2: namespace "legacy" has injection disabled, but the gateway\'s proxy (image: auto) is injected');
    expect(() => new IngressGateway(chart, 'gw3', { namespace: gwNs, name: 'GW' })).toThrow('test/gw3: gateway name "GW" is not a valid DNS label');
    expect(() => new IngressGateway(chart, 'gw4', { namespace: gwNs, name: 'gw4', tls: { credentialName: 'Bad_Cert' } })).toThrow('test/gw4: tls.credentialName "Bad_Cert" is not a valid object name');
    // Secret names are DNS subdomains: dots are fine.
    new IngressGateway(chart, 'dotted', { namespace: gwNs, name: 'dotted', tls: { credentialName: 'shop.example.com' } });
    expect(() => gw.route({ to: web, destinations: [{ service: web }] })).toThrow('test/gw: set `to` or `destinations`, not both');
    expect(() => gw.route({ to: web, match: HttpMatch.any(), matches: [] })).toThrow('test/gw: set `match` or `matches`, not both');
    expect(() => new IngressGateway(chart, 'gw5', { namespace: gwNs, name: 'gw5', replicas: 1.5 })).toThrow('test/gw5: replicas 1.5 is out of range');
    expect(() => new IngressGateway(chart, 'gw6', { namespace: gwNs, name: 'gw6', tls: { mode: GatewayTlsMode.PASSTHROUGH, minProtocolVersion: TlsVersion.TLS_V1_3 } }))
      .toThrow('test/gw6: tls.minProtocolVersion does not apply to PASSTHROUGH (the gateway does not terminate TLS; the service behind it negotiates the version): remove it, or set it on the service');
  });

  test('two gateways whose Istio Gateways select each other\'s pods fail synth', () => {
    // istiod applies a Gateway's selector in every namespace: the public gateway's pods would serve the internal hosts.
    const { chart, web, api } = setup();
    const pub = new IngressGateway(chart, 'public', { namespace: new MeshNamespace(chart, 'public-ingress'), hosts: ['shop.example.com'] });
    const internal = new IngressGateway(chart, 'internal', { namespace: new MeshNamespace(chart, 'internal-ingress'), hosts: ['admin.corp.internal'], serviceType: GatewayServiceType.CLUSTER_IP });
    pub.route({ to: web });
    internal.route({ to: api });
    const selects = (gw: string, pods: string, owner: string) => `[test/${gw}] its Istio Gateway selects istio=ingressgateway, which the gateway pods ${pods} (test/${owner}) carry too; `
      + 'istiod applies a Gateway\'s selector in every namespace, so those pods would also serve this gateway\'s hosts and routes: give one of the gateways another name or istioLabel';
    expect(() => Testing.synth(chart)).toThrow(selects('public', 'internal-ingress/istio-ingressgateway', 'internal'));
    expect(() => Testing.synth(chart)).toThrow(selects('internal', 'public-ingress/istio-ingressgateway', 'public'));
    // A gateway deployed here next to an installed one with the same label.
    const other = setup();
    new IngressGateway(other.chart, 'deployed', { namespace: other.gwNs }).route({ to: other.web });
    new IngressGateway(other.chart, 'bound', { namespace: other.appNs, name: 'bound', installed: InstalledGateway.istioHelmChart({ name: 'istio-ingressgateway' }) }).route({ to: other.api });
    expect(() => Testing.synth(other.chart)).toThrow('[test/bound] its Istio Gateway selects istio=ingressgateway, which the gateway pods');
    // Distinct labels, and several Gateways on one installed gateway, are fine.
    const fine = setup();
    new IngressGateway(fine.chart, 'a', { namespace: fine.gwNs }).route({ to: fine.web });
    new IngressGateway(fine.chart, 'b', { namespace: new MeshNamespace(fine.chart, 'b-ns'), istioLabel: 'internal-gateway' }).route({ to: fine.api });
    for (const id of ['c', 'd']) new IngressGateway(fine.chart, id, { namespace: fine.appNs, name: id, hosts: [`${id}.example.com`], installed: InstalledGateway.istioHelmChart({ name: 'istio-ingress', namespace: 'istio-ingress' }) }).route({ to: fine.web });
    expect(() => Testing.synth(fine.chart)).not.toThrow();
    // Installed gateways that share a label (two revisions during a canary upgrade) are their installation's choice.
    const canary = setup();
    for (const [id, ns] of [['stable', 'istio-system'], ['canary', 'istio-ingress']]) {
      new IngressGateway(canary.chart, id, { namespace: canary.appNs, name: id, hosts: [`${id}.example.com`], installed: InstalledGateway.istioHelmChart({ name: 'istio-ingressgateway', namespace: ns }) })
        .route({ to: canary.web });
    }
    expect(() => Testing.synth(canary.chart)).not.toThrow();
  });

  test('HttpMatch errors', () => {
    expect(() => HttpMatch.prefix('hello')).toThrow('HttpMatch.prefix: path "hello" must start with \'/\'');
    expect(() => HttpMatch.exact('')).toThrow('HttpMatch.exact: path "" must start with \'/\'');
    expect(() => HttpMatch.regex('(')).toThrow(/HttpMatch.regex: "\(" does not compile/);
    expect(() => HttpMatch.regex('^/(?!admin)')).toThrow('HttpMatch.regex: "^/(?!admin)" does not compile as RE2 (the syntax of Envoy and Istio): look-around is not RE2 syntax');
    expect(() => HttpMatch.regex('')).toThrow('HttpMatch.regex: the expression is empty');
  });
});
