import { App, Testing } from 'cdk8s';
import {
  AuthorizationPolicy, HttpMatch, IngressGateway, InstalledGateway, JwtAuthentication, MeshAnalyzer, MeshDiagram, MeshNamespace, MeshService,
  MtlsMode, MtlsPolicy, Protocol, Source,
} from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup() {
  const chart = meshChart();
  const shop = new MeshNamespace(chart, 'shop');
  const payments = MeshNamespace.fromNamespaceName(chart, 'payments-ns', 'payments');
  const api = MeshService.fromServiceAttributes(chart, 'payments-api', {
    name: 'payments-api',
    namespace: payments,
    ports: [{ port: 8080, name: 'http' }, { port: 9090, protocol: Protocol.grpc() }],
    serviceAccountName: 'payments',
  });
  const front = new MeshService(chart, 'front', { namespace: shop, image: 'front:1', port: 3000 });
  return { chart, shop, payments, api, front };
}

describe('a service that lives outside this app (MeshService.fromServiceAttributes)', () => {
  test('writes nothing of its own; host, identity and ports derive from its attributes', () => {
    const { chart, api, payments } = setup();
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.metadata.namespace === 'payments' || o.metadata.name === 'payments')).toEqual([]);
    expect(api.fqdn).toBe('payments-api.payments.svc.cluster.local');
    expect(api.principal).toBe('cluster.local/ns/payments/sa/payments');
    expect(api.ports.map((p) => [p.port, p.protocol.name, p.name])).toEqual([[8080, 'http', 'http'], [9090, 'grpc', 'grpc-9090']]);
    expect(api.selectorLabels).toEqual({ app: 'payments-api' });
    expect(api.egressHosts).toEqual(['payments/payments-api.payments.svc.cluster.local']);
    expect(payments.injection).toBe(true);
  });

  test('usable wherever a MeshService is: routes, mirrors, gateway routes, callers, talksTo, policy targets', () => {
    const { chart, shop, api, front } = setup();
    front.addRoute({ matches: [HttpMatch.prefix('/pay')], destinations: [{ service: api }], mirror: { service: api, percent: 5 } });
    api.allowFrom(front);
    front.allowFrom(api);
    front.talksTo(api);
    const gw = new IngressGateway(chart, 'gw', { namespace: shop, installed: InstalledGateway.istioHelmChart() });
    gw.route({ match: HttpMatch.prefix('/api'), to: api });
    new AuthorizationPolicy(chart, 'grpc-only', { workload: api, rules: [{ from: [Source.services(front)], to: [{ ports: [9090] }] }] });
    new JwtAuthentication(chart, 'jwt', { workload: api, issuers: [{ issuer: 'https://auth.example.com' }] });
    new MtlsPolicy(chart, 'strict', { workload: api, mode: MtlsMode.STRICT });
    const objects = synthValid(chart);
    const host = 'payments-api.payments.svc.cluster.local';
    expect(find(objects, 'VirtualService', 'front', 'shop').spec.http[0]).toMatchObject({
      route: [{ destination: { host, port: { number: 8080 } } }],
      mirrors: [{ destination: { host, port: { number: 8080 } }, percentage: { value: 5 } }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'payments-api-allow', 'payments').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'payments-api' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/front-sa'] } }] }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'front-allow', 'shop').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/payments/sa/payments']);
    expect(find(objects, 'Sidecar', 'front').spec.egress[0].hosts).toContain(`payments/${host}`);
    expect(find(objects, 'VirtualService', 'istio-ingressgateway-all', 'shop').spec.http[0].route[0].destination).toEqual({ host, port: { number: 8080 } });
    expect(find(objects, 'RequestAuthentication', 'payments-api-jwt', 'payments').spec.selector).toEqual({ matchLabels: { app: 'payments-api' } });
    expect(find(objects, 'PeerAuthentication', 'payments-api', 'payments').spec.selector).toEqual({ matchLabels: { app: 'payments-api' } });
    // The analysis resolves the service, its namespace and the installed gateway as if they were applied.
    expect(MeshAnalyzer.attach(chart).findings().filter((f) => f.severity !== 'Info')).toEqual([]);
    // The diagram draws them too.
    const diagram = MeshDiagram.fromApp(chart.node.root as App);
    expect(diagram).toContain('gw_shop_istio_ingressgateway ==>|"/api*"| svc_payments_payments_api');
    expect(diagram).toContain('svc_shop_front --> svc_payments_payments_api');
  });

  test('versions: subsets this app declares (DestinationRule written here) or its owner declares (nothing written)', () => {
    const { chart, shop, payments, api, front } = setup();
    api.addVersion('v1');
    api.addVersion('v2');
    front.addRoute({ destinations: [{ service: api, version: 'v1', weight: 90 }, { service: api, version: 'v2', weight: 10 }] });
    const ledger = MeshService.fromServiceAttributes(chart, 'ledger', { name: 'ledger', namespace: payments, ports: [{ port: 80 }], versions: ['stable', 'canary'] });
    const gw = new IngressGateway(chart, 'gw', { namespace: shop, installed: InstalledGateway.istioctl() });
    gw.route({ match: HttpMatch.prefix('/ledger'), destinations: [{ service: ledger, version: 'canary' }] });
    const objects = synthValid(chart);
    expect(find(objects, 'DestinationRule', 'payments-api', 'payments').spec).toEqual({
      host: 'payments-api.payments.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expect(objects.filter((o) => o.kind === 'DestinationRule' && o.metadata.name === 'ledger')).toEqual([]);
    expect(ledger.versions).toEqual(['stable', 'canary']);
    expect(MeshAnalyzer.attach(chart).findings().filter((f) => f.severity !== 'Info')).toEqual([]);
    expect(() => ledger.addVersion('v3')).toThrow("test/ledger: the subsets of this service come from its owner's DestinationRule (`versions`): a second DestinationRule for ledger.payments.svc.cluster.local would conflict; list \"v3\" in `versions` once its owner declares it");
    expect(() => api.addVersion('v3', { image: 'x:1' })).toThrow("test/payments-api: the pods of a referenced service are deployed by its owner: addVersion('v3') declares only the subset; remove `image`");
    expect(() => api.addVersion('v3', { replicas: 2 })).toThrow("addVersion('v3') declares only the subset; remove `replicas`");
    expect(() => front.addRoute({ destinations: [{ service: ledger, version: 'v9' }] })).toThrow('test/front: test/ledger has no version "v9" (versions: stable, canary)');
  });

  test('errors: unknown identity, bad attributes, a namespace outside the mesh', () => {
    const { chart, payments, front } = setup();
    const anon = MeshService.fromServiceAttributes(chart, 'anon', { name: 'anon', namespace: payments, ports: [{ port: 80 }] });
    expect(() => front.allowFrom(anon)).toThrow('test/anon: its pods run as the namespace\'s `default` ServiceAccount');
    expect(() => MeshService.fromServiceAttributes(chart, 'bad', { name: 'Bad', namespace: payments, ports: [{ port: 80 }] })).toThrow('test/bad: service name "Bad" is not a valid DNS label');
    expect(() => MeshService.fromServiceAttributes(chart, 'noports', { name: 'x', namespace: payments, ports: [] })).toThrow('test/noports: `ports` is empty: a service needs at least one port');
    expect(() => MeshService.fromServiceAttributes(chart, 'nolabels', { name: 'y', namespace: payments, ports: [{ port: 80 }], selectorLabels: {} }))
      .toThrow('test/nolabels: selectorLabels is empty: name the labels that select the service\'s pods');
    const legacyNs = MeshNamespace.fromNamespaceName(chart, 'legacy-ns', 'legacy', { injection: false });
    const legacy = MeshService.fromServiceAttributes(chart, 'legacy', { name: 'legacy', namespace: legacyNs, ports: [{ port: 80 }] });
    expect(() => front.addRoute({ destinations: [{ service: legacy }] })).toThrow('test/front: route to test/legacy goes to a service outside the mesh (namespace "legacy" has injection disabled)');
    expect(() => MeshNamespace.fromNamespaceName(chart, 'badns', 'Bad_NS')).toThrow('test/badns: namespace name "Bad_NS" is not a valid DNS label');
  });

  test('two references to one namespace are one namespace for the analysis', () => {
    const { chart, front } = setup();
    const again = MeshNamespace.fromNamespaceName(chart, 'payments-again', 'payments');
    const other = MeshService.fromServiceAttributes(chart, 'other', { name: 'other', namespace: again, ports: [{ port: 80 }] });
    front.addRoute({ destinations: [{ service: other }] });
    Testing.synth(chart);
    expect(MeshAnalyzer.attach(chart).findings().filter((f) => f.severity !== 'Info')).toEqual([]);
  });
});

describe('IngressGateway bound to an installed gateway', () => {
  test('istioctl, Helm chart and Cloud Service Mesh recipe: listener ports, selector, identity; nothing deployed', () => {
    const { chart, shop, front } = setup();
    const istioctl = new IngressGateway(chart, 'a', { namespace: shop, installed: InstalledGateway.istioctl(), name: 'bookinfo-gateway' });
    const helm = new IngressGateway(chart, 'b', { namespace: shop, installed: InstalledGateway.istioHelmChart({ name: 'istio-ingress', namespace: 'istio-ingress' }), name: 'helm-gateway', hosts: ['shop.example.com'] });
    for (const gw of [istioctl, helm]) gw.route({ match: HttpMatch.prefix('/'), to: front, hosts: gw.hosts });
    front.allowFrom(istioctl, helm);
    new AuthorizationPolicy(chart, 'gw-policy', { gateway: helm, rules: [{ to: [{ paths: ['/admin*'] }] }], action: undefined });
    const objects = synthValid(chart);
    expect(objects.filter((o) => ['Deployment', 'Service', 'ServiceAccount', 'Role'].includes(o.kind) && o.metadata.namespace !== 'shop')).toEqual([]);
    expect(find(objects, 'Gateway', 'bookinfo-gateway', 'shop').spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    expect(find(objects, 'Gateway', 'helm-gateway', 'shop').spec.selector).toEqual({ istio: 'ingress' });
    expect(find(objects, 'Gateway', 'helm-gateway', 'shop').spec.servers[0].port.number).toBe(80);
    expect(find(objects, 'VirtualService', 'bookinfo-gateway-all', 'shop').spec.gateways).toEqual(['bookinfo-gateway']);
    expect(find(objects, 'AuthorizationPolicy', 'front-allow').spec.rules[0].from[0].source.principals).toEqual([
      'cluster.local/ns/istio-ingress/sa/istio-ingress',
      'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    ]);
    // A policy on the gateway applies to its pods: in their namespace.
    expect(find(objects, 'AuthorizationPolicy', 'helm-gateway-gw-policy', 'istio-ingress').spec.selector).toEqual({ matchLabels: { istio: 'ingress' } });
    expect(istioctl.deployment).toBeUndefined();
    expect(istioctl.workloadNamespace).toBe('istio-system');
    expect(MeshAnalyzer.attach(chart).findings().filter((f) => f.severity !== 'Info')).toEqual([]);

    // Cloud Service Mesh's recipe labels its pods istio=ingressgateway too, as istioctl's do: in one cluster, the
    // Gateways of either select both, which is the installation's choice (two revisions during a canary upgrade).
    const other = setup();
    const csm = new IngressGateway(other.chart, 'c', {
      namespace: other.shop,
      installed: InstalledGateway.cloudServiceMeshRecipe('gateways'),
      name: 'csm-gateway',
      hosts: ['csm.example.com'],
      tls: { credentialName: 'csm-cert' },
    });
    csm.route({ match: HttpMatch.prefix('/'), to: other.front, hosts: csm.hosts });
    other.front.allowFrom(csm);
    const csmObjects = synthValid(other.chart);
    expect(find(csmObjects, 'Gateway', 'csm-gateway', 'shop').spec.servers.map((s: any) => s.port.number)).toEqual([80, 443]);
    expect(csm.principal).toBe('cluster.local/ns/gateways/sa/istio-ingressgateway');
    new IngressGateway(other.chart, 'a', { namespace: other.shop, installed: InstalledGateway.istioctl(), name: 'bookinfo-gateway' });
    expect(() => Testing.synth(other.chart)).not.toThrow();
  });

  test('a gateway installed some other way', () => {
    const { chart, shop, front } = setup();
    const installed = InstalledGateway.of({
      name: 'edge',
      namespace: 'edge',
      podLabels: { app: 'edge', tier: 'public' },
      serviceAccountName: 'edge',
      ports: [{ port: 80, targetPort: 8081, name: 'http' }],
    });
    const gw = new IngressGateway(chart, 'edge', { namespace: shop, installed });
    gw.route({ to: front });
    const objects = synthValid(chart);
    expect(find(objects, 'Gateway', 'edge', 'shop').spec).toEqual({ selector: { app: 'edge', tier: 'public' }, servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    expect(gw.principal).toBe('cluster.local/ns/edge/sa/edge');
    expect(MeshAnalyzer.attach(chart).findings().filter((f) => f.severity !== 'Info')).toEqual([]);
    expect(() => new IngressGateway(chart, 'tls', { namespace: shop, installed, tls: { credentialName: 'cert' }, name: 'tls' }))
      .toThrow('test/tls: tls needs a Service port named https on the installed gateway edge/edge, which has none: add it there, or drop tls');
  });

  test('errors', () => {
    const { chart, shop } = setup();
    expect(() => new IngressGateway(chart, 'a', { namespace: shop, installed: InstalledGateway.istioctl(), replicas: 2 }))
      .toThrow('test/a: `replicas` applies to a gateway deployed here, not to the installed istio-system/istio-ingressgateway: remove it');
    expect(() => new IngressGateway(chart, 'b', { namespace: shop, installed: InstalledGateway.of({ name: 'x', namespace: 'x', podLabels: { a: 'b' }, serviceAccountName: 'x', ports: [{ port: 443, name: 'https' }] }) }))
      .toThrow('test/b: the installed gateway x/x has no Service port named http2 or http: name its HTTP port so the Gateway can listen on it');
    expect(() => InstalledGateway.of({ name: 'x', namespace: 'x', podLabels: {}, serviceAccountName: 'x', ports: [{ port: 80, name: 'http' }] }))
      .toThrow('InstalledGateway x/x: podLabels is empty: name the labels of the gateway pods');
    expect(() => InstalledGateway.of({ name: 'x', namespace: 'x', podLabels: { a: 'b' }, serviceAccountName: 'x', ports: [] }))
      .toThrow("InstalledGateway x/x: ports is empty: list the ports of the gateway's Service");
    expect(() => InstalledGateway.of({ name: 'x', namespace: 'X', podLabels: { a: 'b' }, serviceAccountName: 'x', ports: [{ port: 80, name: 'http' }] }))
      .toThrow('InstalledGateway X/x: namespace "X" is not a valid DNS label');
    expect(() => InstalledGateway.istioctl({ name: 'gw' }).ports.map((p) => p.port)).not.toThrow();
  });
});
