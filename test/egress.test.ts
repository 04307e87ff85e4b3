import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-34';
import {
  DataplaneMode, EgressGateway, ExternalService, HttpMatch, MeshAnalyzer, MeshNamespace, MeshOptions, MeshPlatform, MeshService,
  OutboundTrafficPolicy, Protocol, Resolution, ServiceLocation, Severity, Source, TlsOriginationMode,
} from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

describe('egress: ExternalService, MeshOptions, talksTo', () => {
  test('ServiceEntry, REGISTRY_ONLY and a Sidecar from declared dependencies', () => {
    const chart = meshChart(MeshPlatform.istio({ sharedMeshConfig: 'istio-user' }));
    const ns = new MeshNamespace(chart, 'app');
    const egress = new MeshNamespace(chart, 'egress');
    const front = new MeshService(chart, 'front', { namespace: ns, image: 'f', port: 80 });
    const backend = new MeshService(chart, 'backend', { namespace: ns, image: 'b', port: 80 });
    const stripe = new ExternalService(chart, 'stripe', { namespace: egress, hosts: ['api.stripe.com'] });
    const db = new ExternalService(chart, 'db', {
      namespace: egress,
      hosts: ['db.internal'],
      resolution: Resolution.STATIC,
      endpoints: ['10.0.0.5'],
      addresses: ['10.0.0.0/24'],
      ports: [{ port: 5432, protocol: Protocol.tcp(), name: 'tcp-pg' }],
    });
    new MeshOptions(chart, 'mesh', { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY });
    front.talksTo(backend, stripe);
    front.talksTo(db, backend);
    const objects = synthValid(chart);
    expect(find(objects, 'ServiceEntry', 'stripe', 'egress').spec).toEqual({
      hosts: ['api.stripe.com'], ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }], location: 'MESH_EXTERNAL', resolution: 'DNS',
    });
    expect(find(objects, 'ServiceEntry', 'db').spec).toMatchObject({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.5' }], addresses: ['10.0.0.0/24'] });
    expect(find(objects, 'ConfigMap', 'istio-user', 'istio-system').data.mesh).toBe('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n');
    expect(find(objects, 'Sidecar', 'front', 'app').spec).toEqual({
      workloadSelector: { labels: { app: 'front' } },
      egress: [{ hosts: ['app/backend.app.svc.cluster.local', 'egress/api.stripe.com', 'egress/db.internal', 'istio-system/*'] }],
    });
    expect(objects.filter((o) => o.kind === 'Sidecar')).toHaveLength(1);
  });

  test('errors', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'egress');
    const mk = (id: string, p: any) => () => new ExternalService(chart, id, { namespace: ns, hosts: ['a.example.com'], ...p });
    expect(mk('a', { hosts: [] })).toThrow('test/a: `hosts` is empty');
    expect(mk('b', { hosts: ['*'] })).toThrow('test/b: host "*" is not a DNS name (a bare "*" is not allowed)');
    expect(mk('c', { hosts: ['*.example.com'] })).toThrow('test/c: wildcard host "*.example.com" cannot be resolved through DNS: use Resolution.NONE or give endpoints');
    expect(mk('d', { addresses: ['10.0.0.0/8'] })).toThrow('test/d: CIDR address "10.0.0.0/8" needs Resolution.STATIC or Resolution.NONE (Istio rule)');
    expect(mk('e', { addresses: ['nope'] })).toThrow('test/e: address "nope" is not an IP address or CIDR range');
    expect(mk('f', { resolution: Resolution.NONE, endpoints: ['1.2.3.4'] })).toThrow('test/f: Resolution.NONE takes no endpoints');
    expect(mk('g', { resolution: Resolution.STATIC })).toThrow('test/g: Resolution.STATIC needs endpoints');
    expect(mk('h', { resolution: Resolution.STATIC, endpoints: ['db.example.com'] })).toThrow('test/h: STATIC endpoint "db.example.com" is not an IP address');
    expect(mk('i', { resolution: Resolution.DNS_ROUND_ROBIN, endpoints: ['a.com', 'b.com'] })).toThrow('test/i: Resolution.DNS_ROUND_ROBIN takes at most one endpoint');
    expect(mk('j', { ports: [{ port: 443 }, { port: 443 }] })).toThrow('test/j: duplicate port name "https-443"');
    expect(mk('k', { ports: [{ port: 0 }] })).toThrow('test/k: port 0 is out of range');
    expect(() => new MeshOptions(chart, 'm', {})).toThrow('test/m: nothing to configure: set `outboundTrafficPolicy`');
    const batch = new MeshNamespace(chart, 'batch', { injection: false });
    expect(() => new MeshService(chart, 'job', { namespace: batch, image: 'j:1', port: 80 }).talksTo(new ExternalService(chart, 'batch-target', { namespace: ns, hosts: ['batch.example.com'] })))
      .toThrow('test/job: talksTo writes a Sidecar resource, but namespace "batch" has injection disabled, so its pods have no proxy to apply it: remove talksTo, or enable injection there');
    const svc = new MeshService(chart, 's', { namespace: new MeshNamespace(chart, 'app'), image: 's', port: 80 });
    expect(() => svc.talksTo()).toThrow('test/s: talksTo needs at least one target');
  });
});

/** Synthesizes, validates every object, and checks the mesh analysis finds no error; returns objects and warning codes. */
function synthAnalyzed(chart: Chart): { objects: any[]; warnings: string[] } {
  const objects = synthValid(chart);
  const findings = MeshAnalyzer.analyze(objects);
  expect(findings.filter((f) => f.severity === Severity.ERROR)).toEqual([]);
  return { objects, warnings: findings.filter((f) => f.severity === Severity.WARNING).map((f) => `${f.code} ${f.resource}`).sort() };
}

describe('ExternalService: TLS origination, exportTo, location', () => {
  test('an app of egress configuration only: the origination subset selects the host\'s own endpoints', () => {
    const chart = meshChart(MeshPlatform.istio());
    new ExternalService(chart, 'cnn', { namespace: new MeshNamespace(chart, 'external'), hosts: ['edition.cnn.com'], tlsOrigination: {} });
    // Synthesized with the analysis on: no pods in the app, and no IST0173 for the subset without labels.
    expect(find(synthValid(chart), 'DestinationRule', 'cnn').spec.subsets.map((s: any) => s.name)).toEqual(['tls-origination']);
  });

  test('plain HTTP on 80 is routed to 443, where a subset originates TLS; other HTTP ports keep their port', () => {
    const chart = meshChart(MeshPlatform.istio());
    const app = new MeshNamespace(chart, 'app');
    const ext = new MeshNamespace(chart, 'external');
    const client = new MeshService(chart, 'client', { namespace: app, image: 'c', port: 80 });
    const cnn = new ExternalService(chart, 'cnn', { namespace: ext, hosts: ['edition.cnn.com'], tlsOrigination: {} });
    const api = new ExternalService(chart, 'api', {
      namespace: ext,
      hosts: ['api.example.com'],
      ports: [{ port: 8080, protocol: Protocol.http() }, { port: 9080, protocol: Protocol.http() }, { port: 8443, protocol: Protocol.tls(), name: 'tls-api' }],
      tlsOrigination: { fromPort: 8080, port: 8443, sni: 'front.example.com', caCertificates: '/etc/certs/ca.pem', subjectAltNames: ['api.example.com'] },
      exportTo: [app, ext, app], // a namespace named twice is written once (istiod refuses duplicates)
    });
    client.talksTo(cnn, api);
    const { objects, warnings } = synthAnalyzed(chart);

    expect(find(objects, 'ServiceEntry', 'cnn', 'external').spec).toEqual({
      hosts: ['edition.cnn.com'],
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP' }, { number: 443, name: 'https-443', protocol: 'HTTPS' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
    });
    expect(find(objects, 'VirtualService', 'cnn', 'external').spec).toEqual({
      hosts: ['edition.cnn.com'],
      http: [{ match: [{ port: 80 }], route: [{ destination: { host: 'edition.cnn.com', subset: 'tls-origination', port: { number: 443 } } }] }],
    });
    expect(find(objects, 'DestinationRule', 'cnn', 'external').spec).toEqual({
      host: 'edition.cnn.com',
      subsets: [{ name: 'tls-origination', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: 'edition.cnn.com' } }] } }],
    });
    expect(cnn.virtualService).toBeDefined();
    expect(cnn.destinationRule).toBeDefined();

    const se = find(objects, 'ServiceEntry', 'api', 'external').spec;
    expect(se.exportTo).toEqual(['app', 'external']);
    const vs = find(objects, 'VirtualService', 'api', 'external').spec;
    expect(vs.exportTo).toEqual(['app', 'external']);
    expect(vs.http).toEqual([
      { match: [{ port: 8080 }], route: [{ destination: { host: 'api.example.com', subset: 'tls-origination', port: { number: 8443 } } }] },
      { match: [{ port: 9080 }], route: [{ destination: { host: 'api.example.com', port: { number: 9080 } } }] },
    ]);
    const dr = find(objects, 'DestinationRule', 'api', 'external').spec;
    expect(dr.exportTo).toEqual(['app', 'external']);
    expect(dr.subsets[0].trafficPolicy.portLevelSettings).toEqual([{
      port: { number: 8443 },
      tls: { mode: 'SIMPLE', sni: 'front.example.com', caCertificates: '/etc/certs/ca.pem', subjectAltNames: ['api.example.com'] },
    }]);
    // Kiali flags subsets without labels; Istio documents them for TLS origination (the subset picks the policy, not endpoints).
    expect(warnings).toEqual(['KIA0209 DestinationRule external/api', 'KIA0209 DestinationRule external/cnn']);
  });

  test('MESH_INTERNAL: endpoints with the service account of their proxies, so callers use mutual TLS', () => {
    const chart = meshChart(MeshPlatform.istio());
    const vms = new MeshNamespace(chart, 'vms');
    new ExternalService(chart, 'legacy', {
      namespace: vms,
      hosts: ['legacy.vms.internal'],
      location: ServiceLocation.MESH_INTERNAL,
      resolution: Resolution.STATIC,
      endpoints: ['10.10.0.4', '10.10.0.5'],
      endpointServiceAccount: 'legacy',
      addresses: ['10.10.0.100'],
      ports: [{ port: 8080, protocol: Protocol.http() }],
    });
    const se = find(synthAnalyzed(chart).objects, 'ServiceEntry', 'legacy', 'vms').spec;
    expect(se.location).toBe('MESH_INTERNAL');
    // A service account marks an endpoint as a mesh workload (tlsMode istio): auto mTLS then applies.
    expect(se.endpoints).toEqual([{ address: '10.10.0.4', serviceAccount: 'legacy' }, { address: '10.10.0.5', serviceAccount: 'legacy' }]);
  });

  test('no origination: no VirtualService or DestinationRule', () => {
    const chart = meshChart();
    const svc = new ExternalService(chart, 'x', { namespace: new MeshNamespace(chart, 'egress'), hosts: ['x.example.com'] });
    expect(svc.virtualService).toBeUndefined();
    expect(synthValid(chart).map((o) => o.kind)).toEqual(['Namespace', 'ServiceEntry']);
  });

  test('HttpMatch.withPort', () => {
    expect(HttpMatch.prefix('/api').withPort(8080)._toIstio()).toEqual({ uri: { prefix: '/api' }, port: 8080 });
    expect(() => HttpMatch.any().withPort(70000)).toThrow('HttpMatch.withPort: port 70000 is out of range: use a whole number from 1 to 65535');
  });

  test('errors', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'egress');
    const mk = (id: string, p: any) => () => new ExternalService(chart, id, { namespace: ns, hosts: ['a.example.com'], ...p });
    const tls = (id: string, o: any, p: any = {}) => mk(id, { tlsOrigination: o, ...p });
    expect(mk('a', { exportTo: [] })).toThrow('test/a: `exportTo` is empty: list the namespaces that may call the service, or omit it for all');
    expect(tls('b', {}, { hosts: ['a.example.com', 'b.example.com'] }))
      .toThrow('test/b: tlsOrigination needs exactly one host (the HTTP port is routed to one TLS destination, and the SNI names it), but test/b has a.example.com, b.example.com: create one ExternalService per host');
    expect(tls('c', {}, { hosts: ['*.example.com'], resolution: Resolution.NONE }))
      .toThrow('test/c: tlsOrigination: wildcard host "*.example.com" gives the proxy no host to connect to or to name in the SNI: use a concrete host');
    expect(tls('d', {}, { resolution: Resolution.NONE }))
      .toThrow('test/d: tlsOrigination: with Resolution.NONE the proxy connects to the address the application dialled, on the port it dialled, so the plain port cannot be sent to the TLS port: use Resolution.DNS');
    expect(tls('e', { mode: TlsOriginationMode.MUTUAL, credentialName: 'client' }))
      .toThrow('test/e: tlsOrigination: MUTUAL needs a Secret, which Istio hands to a sidecar only through a workload-selected DestinationRule and only if the application\'s service account may list Secrets: originate at an egress gateway instead');
    expect(tls('f', { credentialName: 'ca' })).toThrow('test/f: tlsOrigination: credentialName needs a Secret');
    expect(tls('g', { caCertificates: 'ca.pem' })).toThrow('test/g: tlsOrigination: caCertificates "ca.pem" is not a file path in the proxy: give an absolute path, e.g. /etc/certs/ca.pem');
    expect(tls('h', { subjectAltNames: [] })).toThrow('test/h: tlsOrigination: subjectAltNames is empty: list the names, or omit it');
    expect(tls('i', { sni: '*.example.com' })).toThrow('test/i: tlsOrigination: sni "*.example.com" is not a DNS name: give the server\'s host name');
    expect(tls('j', { fromPort: 8080 }, { ports: [{ port: 80, protocol: Protocol.http() }, { port: 443 }] }))
      .toThrow('test/j: tlsOrigination: fromPort 8080 is not a port of test/j (ports: 80, 443): declare it in `ports`');
    expect(tls('k', {}, { ports: [{ port: 80, protocol: Protocol.http() }] })).toThrow('test/k: tlsOrigination: port 443 is not a port of test/k (ports: 80): declare it in `ports`');
    expect(tls('l', {}, { ports: [{ port: 80, protocol: Protocol.tcp() }, { port: 443 }] }))
      .toThrow('test/l: tlsOrigination: fromPort 80 speaks tcp: the port applications call in plain text must be an HTTP port');
    const internal = 'test/n: MESH_INTERNAL promises mutual TLS, but Istio sends it only to endpoints that carry a mesh identity, so its proxies would send plain text: '
      + 'list the `endpoints` and set `endpointServiceAccount` to the service account their proxies run as, or use MESH_EXTERNAL';
    expect(mk('n', { location: ServiceLocation.MESH_INTERNAL, resolution: Resolution.STATIC, endpoints: ['10.0.0.1'] })).toThrow(internal);
    expect(mk('n2', { location: ServiceLocation.MESH_INTERNAL, endpointServiceAccount: 'vm' })).toThrow(internal.replace('test/n', 'test/n2'));
    expect(mk('o', { endpointServiceAccount: 'vm', endpoints: ['10.0.0.1'] }))
      .toThrow('test/o: endpointServiceAccount names the identity of mesh endpoints, which only ServiceLocation.MESH_INTERNAL has: set the location, or remove it');
    expect(mk('p', { location: ServiceLocation.MESH_INTERNAL, endpoints: ['10.0.0.1'], endpointServiceAccount: 'VM' })).toThrow('test/p: endpointServiceAccount "VM" is not a valid object name');
    expect(mk('q', { hosts: ['b1.kafka.example.com', 'b2.kafka.example.com'], addresses: ['10.1.0.1'], ports: [{ port: 9092, protocol: Protocol.tcp() }] }))
      .toThrow('test/q: hosts b1.kafka.example.com, b2.kafka.example.com share the tcp port 9092 with Resolution.DNS, but a proxy tells hosts apart only by HTTP Host or TLS SNI, '
        + 'and istiod refuses such a ServiceEntry ("multiple hosts provided with non-HTTP, non-TLS ports"): create one ExternalService per host, or use Resolution.NONE');
    expect(mk('q2', { hosts: ['b1.kafka.example.com', 'b2.kafka.example.com'], resolution: Resolution.NONE, ports: [{ port: 9092, protocol: Protocol.tcp() }] })).not.toThrow();
    expect(tls('r', {}, { ports: [{ port: 80, protocol: Protocol.grpc() }, { port: 443 }] }))
      .toThrow('test/r: tlsOrigination: fromPort 80 speaks grpc, but the proxy would send it on to the TLS port 443 as HTTP/1.1, which grpc is not: '
        + 'originate TLS for HTTP/1.1 only; let gRPC and HTTP/2 clients speak TLS themselves (port declared https or tls)');
    expect(tls('m', {}, { ports: [{ port: 80, protocol: Protocol.http() }, { port: 443, protocol: Protocol.http() }] }))
      .toThrow('test/m: tlsOrigination: port 443 speaks http: the port TLS is originated to must be declared https or tls');
  });
});

/** A mesh with a client, an egress gateway and a namespace for external services. */
function egressSetup(platform?: MeshPlatform) {
  const chart = meshChart(platform ?? MeshPlatform.istio());
  const app = new MeshNamespace(chart, 'app');
  const ext = new MeshNamespace(chart, 'external');
  const egressNs = new MeshNamespace(chart, 'istio-egress');
  const client = new MeshService(chart, 'client', { namespace: app, image: 'c', port: 80 });
  const gw = new EgressGateway(chart, 'egress', { namespace: egressNs });
  return { chart, app, ext, egressNs, client, gw };
}

describe('EgressGateway', () => {
  test('the gateway workload, Gateway, two-hop VirtualService, DestinationRules and AuthorizationPolicy', () => {
    const { chart, app, ext, client, gw } = egressSetup();
    const cnn = new ExternalService(chart, 'cnn', { namespace: ext, hosts: ['edition.cnn.com'], ports: [{ port: 80, protocol: Protocol.http() }] });
    gw.route(cnn, { allowFrom: [Source.namespaces(app)] });
    const api = new ExternalService(chart, 'api', { namespace: ext, hosts: ['api.example.com'] });
    gw.route(api, { allowFrom: [Source.services(client)] });
    client.talksTo(cnn, api);
    const { objects, warnings } = synthAnalyzed(chart);
    expect(warnings).toEqual([]);

    // The workload: as the ingress gateway's, but cluster-internal.
    const dep = find(objects, 'Deployment', 'istio-egressgateway', 'istio-egress');
    expect(dep.spec.template.metadata.annotations).toEqual({ 'inject.istio.io/templates': 'gateway' });
    expect(dep.spec.template.metadata.labels).toEqual({ 'app': 'istio-egressgateway', 'istio': 'egressgateway', 'sidecar.istio.io/inject': 'true' });
    expect(dep.spec.template.spec.containers[0].image).toBe('auto');
    const svc = find(objects, 'Service', 'istio-egressgateway', 'istio-egress').spec;
    expect(svc.type).toBe('ClusterIP');
    expect(svc.ports.map((p: any) => [p.name, p.port])).toEqual([['status-port', 15021], ['http2', 80], ['https', 443]]);
    expect(find(objects, 'Role', 'istio-egressgateway').rules[0].resources).toEqual(['secrets']);
    expect(find(objects, 'ServiceAccount', 'istio-egressgateway', 'istio-egress')).toBeDefined();

    expect(find(objects, 'Gateway', 'istio-egressgateway', 'istio-egress').spec).toEqual({
      selector: { istio: 'egressgateway' },
      servers: [
        { port: { number: 80, name: 'https', protocol: 'HTTPS' }, hosts: ['./edition.cnn.com'], tls: { mode: 'ISTIO_MUTUAL' } },
        { port: { number: 443, name: 'tls-api-example-com', protocol: 'TLS' }, hosts: ['./api.example.com'], tls: { mode: 'ISTIO_MUTUAL' } },
      ],
    });
    const labels = { app: 'istio-egressgateway', istio: 'egressgateway' };
    expect(find(objects, 'DestinationRule', 'istio-egressgateway', 'istio-egress').spec).toEqual({
      host: 'istio-egressgateway.istio-egress.svc.cluster.local',
      subsets: [
        { name: 'edition-cnn-com', labels, trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'edition.cnn.com' } }] } },
        { name: 'api-example-com', labels, trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL', sni: 'api.example.com' } }] } },
      ],
    });
    expect(find(objects, 'VirtualService', 'istio-egressgateway-edition-cnn-com', 'istio-egress').spec).toEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['istio-egress/istio-egressgateway', 'mesh'],
      http: [
        { match: [{ port: 80, gateways: ['mesh'] }], route: [{ destination: { host: 'istio-egressgateway.istio-egress.svc.cluster.local', subset: 'edition-cnn-com', port: { number: 80 } } }] },
        { match: [{ port: 80, gateways: ['istio-egress/istio-egressgateway'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }] },
      ],
    });
    expect(find(objects, 'VirtualService', 'istio-egressgateway-api-example-com', 'istio-egress').spec).toEqual({
      hosts: ['api.example.com'],
      gateways: ['istio-egress/istio-egressgateway', 'mesh'],
      tls: [{
        match: [{ gateways: ['mesh'], port: 443, sniHosts: ['api.example.com'] }],
        route: [{ destination: { host: 'istio-egressgateway.istio-egress.svc.cluster.local', subset: 'api-example-com', port: { number: 443 } } }],
      }],
      tcp: [{ match: [{ gateways: ['istio-egress/istio-egressgateway'], port: 443 }], route: [{ destination: { host: 'api.example.com', port: { number: 443 } } }] }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'istio-egressgateway', 'istio-egress').spec).toEqual({
      selector: { matchLabels: labels },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { namespaces: ['app'] } }], to: [{ operation: { hosts: ['edition.cnn.com', 'edition.cnn.com:*'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/app/sa/client-sa'] } }], when: [{ key: 'connection.sni', values: ['api.example.com'] }] },
      ],
    });
    // The callers' Sidecar imports the gateway's Service and the routes in its namespace.
    expect(find(objects, 'Sidecar', 'client', 'app').spec.egress[0].hosts).toEqual([
      'external/api.example.com', 'external/edition.cnn.com', 'istio-egress/api.example.com', 'istio-egress/edition.cnn.com',
      'istio-egress/istio-egressgateway.istio-egress.svc.cluster.local', 'istio-system/*',
    ]);
    expect(gw.principal).toBe('cluster.local/ns/istio-egress/sa/istio-egressgateway');
    expect(gw.gateway).toBeDefined();
    expect(gw.destinationRule).toBeDefined();
    expect(gw.authorizationPolicy).toBeDefined();
  });

  test('TLS origination at the gateway: SIMPLE and MUTUAL with a credential in its namespace', () => {
    const { chart, app, ext, egressNs, client, gw } = egressSetup(MeshPlatform.asmManaged());
    const cnn = new ExternalService(chart, 'cnn', {
      namespace: ext, hosts: ['edition.cnn.com'], ports: [{ port: 80, protocol: Protocol.http() }, { port: 443 }], exportTo: [app, egressNs],
    });
    gw.route(cnn, { allowFrom: [Source.namespaces(app)], originateTls: {} });
    const nginx = new ExternalService(chart, 'nginx', { namespace: ext, hosts: ['my-nginx.example.com'], ports: [{ port: 80, protocol: Protocol.http() }, { port: 443 }] });
    gw.route(nginx, { allowFrom: [Source.services(client)], originateTls: { mode: TlsOriginationMode.MUTUAL, credentialName: 'client-credential' } });
    client.talksTo(cnn, nginx);
    const { objects, warnings } = synthAnalyzed(chart);
    expect(warnings).toEqual([
      'KIA0209 DestinationRule istio-egress/istio-egressgateway-edition-cnn-com',
      'KIA0209 DestinationRule istio-egress/istio-egressgateway-my-nginx-example-com',
      // A false positive: the analyzer resolves the Sidecar host "external/edition.cnn.com" as seen from
      // "external", where the ServiceEntry is not exported; Istio imports it, declared there and exported to "app".
      'KIA1004 Sidecar app/client',
    ]);

    const vs = find(objects, 'VirtualService', 'istio-egressgateway-edition-cnn-com', 'istio-egress').spec;
    expect(vs.exportTo).toEqual(['app', 'istio-egress']);
    expect(vs.http[1].route).toEqual([{ destination: { host: 'edition.cnn.com', subset: 'tls-origination', port: { number: 443 } } }]);
    expect(vs.tcp[0].route).toEqual([{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }]);
    expect(find(objects, 'DestinationRule', 'istio-egressgateway-edition-cnn-com', 'istio-egress').spec).toEqual({
      host: 'edition.cnn.com',
      exportTo: ['.'],
      subsets: [{ name: 'tls-origination', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: 'edition.cnn.com' } }] } }],
    });
    expect(find(objects, 'DestinationRule', 'istio-egressgateway-my-nginx-example-com').spec.subsets[0].trafficPolicy.portLevelSettings[0].tls)
      .toEqual({ mode: 'MUTUAL', sni: 'my-nginx.example.com', credentialName: 'client-credential' });
    // Both hops of a service with an HTTP and a TLS port.
    expect(find(objects, 'DestinationRule', 'istio-egressgateway').spec.subsets[0].trafficPolicy.portLevelSettings.map((p: any) => p.port.number)).toEqual([80, 443]);
    // HTTP hosts share the port-80 server (routed by Host); each TLS host has a 443 server of its own, since a terminating
    // TLS server sends all its SNI hosts through one TCP route.
    expect(find(objects, 'Gateway', 'istio-egressgateway').spec.servers.map((s: any) => [s.port.name, s.hosts]))
      .toEqual([['https', ['./edition.cnn.com', './my-nginx.example.com']], ['tls-edition-cnn-com', ['./edition.cnn.com']], ['tls-my-nginx-example-com', ['./my-nginx.example.com']]]);
    // Managed platforms inject by namespace label alone.
    expect(find(objects, 'Deployment', 'istio-egressgateway').spec.template.metadata.labels).toEqual({ app: 'istio-egressgateway', istio: 'egressgateway' });
  });

  test('hosts longer than a subset name keep distinct, stable names', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'egress');
    const gw = new EgressGateway(chart, 'gw', { namespace: ns });
    const long = (n: number) => `tenant-${n}.${'region-a.'.repeat(6)}storage.example.com`;
    for (const n of [1, 2]) gw.route(new ExternalService(chart, `s${n}`, { namespace: ns, hosts: [long(n)] }), { allowFrom: [Source.principals('*')] });
    const objects = synthValid(chart);
    const subsets = find(objects, 'DestinationRule', 'istio-egressgateway').spec.subsets.map((s: any) => s.name);
    expect(subsets.every((n: string) => n.length <= 63 && /^[a-z0-9-]+[a-z0-9]$/.test(n))).toBe(true);
    expect(new Set(subsets).size).toBe(2);
    const routes = objects.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name);
    expect(routes.every((n: string) => n.length <= 63)).toBe(true);
    expect(new Set(routes).size).toBe(2);
    expect(find(objects, 'Gateway', 'istio-egressgateway').spec.servers.map((s: any) => s.port.name)).toEqual(subsets.map((n: string) => `tls-${n}`));
  });

  test('hosts that read alike as names (a.b.com, a-b.com) get distinct names', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'egress');
    const gw = new EgressGateway(chart, 'gw', { namespace: ns });
    for (const [id, host] of [['dotted', 'api.b.com'], ['dashed', 'api-b.com']]) {
      gw.route(new ExternalService(chart, id, { namespace: ns, hosts: [host] }), { allowFrom: [Source.principals('*')] });
    }
    const objects = synthValid(chart);
    const subsets = find(objects, 'DestinationRule', 'istio-egressgateway').spec.subsets.map((s: any) => s.name);
    expect(subsets[0]).toBe('api-b-com');
    expect(subsets[1]).toMatch(/^api-b-com-[0-9a-f]{8}$/);
    expect(objects.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toEqual(['istio-egressgateway-api-b-com', `istio-egressgateway-${subsets[1]}`]);
  });

  test('name, istio label, replicas, resources', () => {
    const chart = meshChart();
    const gw = new EgressGateway(chart, 'gw', { namespace: new MeshNamespace(chart, 'egress'), name: 'egress', istioLabel: 'egress-a', replicas: 2, resources: { cpuLimit: Cpu.units(1), memoryLimit: Size.gibibytes(1) } });
    gw.route(new ExternalService(chart, 'x', { namespace: new MeshNamespace(chart, 'ext'), hosts: ['x.example.com'] }), { allowFrom: [Source.principals('*')] });
    const objects = synthValid(chart);
    const dep = find(objects, 'Deployment', 'egress', 'egress');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.selector.matchLabels).toEqual({ app: 'egress', istio: 'egress-a' });
    expect(dep.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1', memory: '1024Mi' });
    expect(find(objects, 'Gateway', 'egress').spec.selector).toEqual({ istio: 'egress-a' });
    expect(find(objects, 'VirtualService', 'egress-x-example-com').spec.gateways).toEqual(['egress/egress', 'mesh']);
  });

  test('errors', () => {
    const { chart, app, ext, client, gw } = egressSetup();
    const allowFrom = [Source.namespaces(app)];
    const mk = (id: string, p: any = {}) => new ExternalService(chart, id, { namespace: ext, hosts: [`${id}.example.com`], ...p });
    const outside = new MeshNamespace(chart, 'legacy', { injection: false });
    expect(() => new EgressGateway(chart, 'gw2', { namespace: outside }))
      .toThrow('test/gw2: namespace "legacy" has injection disabled, but the gateway\'s proxy (image: auto) is injected: put the gateway in a namespace with sidecar injection on');
    expect(() => gw.route(mk('a'), { allowFrom: [] })).toThrow('test/egress: allowFrom is empty for test/a: name the sources that may use the gateway (an empty list would let no one)');
    // ztunnel applies no VirtualService: ambient callers would leave directly, past the gateway.
    const ambientNs = new MeshNamespace(chart, 'amb', { dataplaneMode: DataplaneMode.AMBIENT });
    const ambientSvc = new MeshService(chart, 'amb-svc', { namespace: ambientNs, image: 'a:1', port: 80 });
    const ambientMessage = (svc: string) => `test/egress: allowFrom names workloads of the ambient namespace "amb", but the route to test/${svc} steers traffic to the gateway with a mesh VirtualService, which only sidecars apply: `
      + 'ztunnel would send their traffic out directly, past the gateway and its policy; give that namespace sidecars, or send it through a waypoint for the ServiceEntry (istio.io/use-waypoint)';
    expect(() => gw.route(mk('amb1'), { allowFrom: [Source.namespaces(app, ambientNs)] })).toThrow(ambientMessage('amb1'));
    expect(() => gw.route(mk('amb2'), { allowFrom: [Source.services(client).and(Source.ipBlocks('10.0.0.0/8')), Source.services(ambientSvc)] })).toThrow(ambientMessage('amb2'));
    expect(() => gw.route(mk('amb3'), { allowFrom: [Source.serviceAccount(ambientNs, 'worker')] })).toThrow(ambientMessage('amb3'));
    expect(() => gw.route(mk('b', { tlsOrigination: {} }), { allowFrom }))
      .toThrow('test/egress: test/b originates TLS at the sidecars (tlsOrigination), but through the gateway the sidecars only carry its traffic to the gateway: move those options to route()\'s originateTls');
    expect(() => gw.route(mk('c', { resolution: Resolution.NONE }), { allowFrom }))
      .toThrow('test/egress: test/c has Resolution.NONE, so the gateway would forward to the address the application dialled, which is the gateway itself (a loop): use Resolution.DNS');
    expect(() => gw.route(mk('d', { hosts: ['d1.example.com', 'd2.example.com'] }), { allowFrom }))
      .toThrow('test/egress: test/d has hosts d1.example.com, d2.example.com, but the gateway forwards to one concrete host per route: create one ExternalService per host');
    expect(() => gw.route(mk('e', { hosts: ['*.example.com'], endpoints: ['lb.example.com'] }), { allowFrom }))
      .toThrow('test/egress: test/e has host *.example.com, but the gateway forwards to one concrete host per route');
    gw.route(mk('f'), { allowFrom });
    expect(() => gw.route(mk('f2', { hosts: ['f.example.com'] }), { allowFrom })).toThrow('test/egress: host "f.example.com" is already routed through the gateway by test/f: route each host once');
    expect(() => gw.route(mk('g', { exportTo: [app] }), { allowFrom }))
      .toThrow('test/egress: test/g is not exported to the gateway\'s namespace "istio-egress" (exportTo: app), so the gateway cannot see it: add the namespace to exportTo');
    expect(() => gw.route(mk('h', { ports: [{ port: 5432, protocol: Protocol.tcp() }] }), { allowFrom }))
      .toThrow('test/egress: test/h port 5432 speaks tcp, but an egress gateway tells hosts apart by HTTP Host or TLS SNI, so it carries HTTP and TLS ports only: give that port its own ExternalService, called directly');
    expect(() => gw.route(mk('i', { ports: [{ port: 80, protocol: Protocol.http() }, { port: 8080, protocol: Protocol.http() }] }), { allowFrom }))
      .toThrow('test/egress: test/i has two HTTP ports (80, 8080), but the gateway receives one per host (on port 80) and could not tell them apart: split the service, one ExternalService per port');
    // Origination at the gateway: the checks of ExternalService's, and those only a gateway reaches.
    expect(() => gw.route(mk('j'), { allowFrom, originateTls: { mode: TlsOriginationMode.MUTUAL } }))
      .toThrow('test/egress: tlsOrigination: MUTUAL needs credentialName: name the Secret (in the gateway\'s namespace) with the client certificate (tls.crt, tls.key) and the server\'s CA (ca.crt)');
    expect(() => gw.route(mk('k'), { allowFrom, originateTls: { credentialName: 'c', caCertificates: '/ca.pem' } }))
      .toThrow('test/egress: tlsOrigination: set credentialName or caCertificates, not both (Istio takes the CA from the Secret\'s ca.crt)');
    expect(() => gw.route(mk('l'), { allowFrom, originateTls: { credentialName: 'Bad_Name' } }))
      .toThrow('test/egress: tlsOrigination: credentialName "Bad_Name" is not a valid object name: use at most 253 lowercase letters, digits, \'-\' and \'.\', '
        + 'in labels that start and end with a letter or digit');
    // A service goes through one gateway, and only Sidecars built after the route know the gateway.
    const other = new EgressGateway(chart, 'other', { namespace: new MeshNamespace(chart, 'egress-b'), name: 'other' });
    const m = mk('m');
    gw.route(m, { allowFrom });
    expect(() => other.route(m, { allowFrom }))
      .toThrow('test/other: test/m is already routed through egress gateway test/egress: route each external service through one gateway');
    const n = mk('n');
    client.talksTo(n);
    expect(() => other.route(n, { allowFrom }))
      .toThrow('test/other: test/n was passed to talksTo() before it was routed through the gateway, so those Sidecars cannot reach the gateway: call route() first, then talksTo()');
  });

  test('a gateway without routes fails synth', () => {
    const chart = meshChart();
    new EgressGateway(chart, 'gw', { namespace: new MeshNamespace(chart, 'egress') });
    expect(() => Testing.synth(chart)).toThrow('no ExternalService is routed through the egress gateway: call route(), or remove the gateway');
  });
});
