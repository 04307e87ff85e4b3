// Mistakes that used to produce wrong or useless YAML, or unhelpful errors: each is now refused,
// naming the construct (or factory) and the fix. One assertion per message.
import { ApiObject, Duration, Testing } from 'cdk8s';
import {
  AccessLog, AccessLogField, AuthorizationAction, AuthorizationPolicy, ClientTlsMode, Condition, EgressGateway, ExternalService, GatewayApiIngress,
  HttpMatch, IngressGateway, InstalledGateway, JwtAuthentication, LoadBalancer, MeshAnalyzer, MeshNamespace, MeshOptions, MeshPlatform, MeshService,
  MtlsMode, MtlsPolicy, Protocol, ReleaseChannel, Source, StringMatch, Tracing, TracingConfig, networking,
} from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

/** A chart with a namespace `app`, a service `api` (port 80 → 8080) and a namespace without injection. */
function setup(platform?: MeshPlatform) {
  const chart = meshChart(platform);
  const ns = new MeshNamespace(chart, 'app');
  const plain = new MeshNamespace(chart, 'legacy', { injection: false });
  const api = new MeshService(chart, 'api', { namespace: ns, image: 'api:1', ports: [{ port: 80, targetPort: 8080 }] });
  return { chart, ns, plain, api };
}

describe('mistakes accepted silently are refused', () => {
  test('retries whose per-try timeout cannot fit in the route timeout', () => {
    const { api } = setup();
    expect(() => api.addRoute({ timeout: Duration.seconds(2), retries: { attempts: 3, perTryTimeout: Duration.seconds(5) } }))
      .toThrow('test/api: retries.perTryTimeout (5000ms) is longer than the route\'s timeout (2000ms): the route times out before a try does, so no retry ever runs; make perTryTimeout shorter than timeout');
    // Equal or shorter is fine.
    expect(() => api.addRoute({ timeout: Duration.seconds(3), retries: { attempts: 2, perTryTimeout: Duration.seconds(1) } })).not.toThrow();
  });

  test('a JWT jwksUri over plain http, and an issuer whose keys cannot be discovered', () => {
    const { chart, api } = setup();
    expect(() => new JwtAuthentication(chart, 'jwt', { workload: api, issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'http://auth.example.com/jwks.json' }] }))
      .toThrow('test/jwt: issuer https://auth.example.com: jwksUri "http://auth.example.com/jwks.json" is plain http: whoever sits on the path can swap the keys and mint tokens that pass; use https, or put the keys inline with `jwks`');
    expect(() => new JwtAuthentication(chart, 'jwt2', { workload: api, issuers: [{ issuer: 'auth-service' }] }))
      .toThrow('test/jwt2: issuer "auth-service" has neither jwksUri nor jwks, and its keys can only be discovered (OpenID configuration at <issuer>/.well-known/openid-configuration) when the issuer is an https URL: set jwksUri or jwks');
  });

  test('allowFrom and Source name callers that have no sidecar', () => {
    const { chart, api, plain } = setup();
    const batch = new MeshService(chart, 'batch', { namespace: plain, image: 'batch:1', port: 80 });
    expect(() => api.allowFrom(batch))
      .toThrow('test/batch: its pods have no sidecar (namespace "legacy" has injection disabled), so they present no mesh identity and a policy that names them as a caller never matches: enable injection on its namespace, or allow it another way (Source.ipBlocks)');
    expect(() => Source.services(batch)).toThrow('test/batch: its pods have no sidecar');
    expect(() => Source.namespaces(plain))
      .toThrow('Source.namespaces: namespace "legacy" has injection disabled: its pods have no sidecar and present no mesh identity, so the policy would never match them; enable injection there, or allow them by address (Source.ipBlocks)');
    expect(() => Source.serviceAccount(plain, 'batch-sa')).toThrow('Source.serviceAccount: namespace "legacy" has injection disabled');
    expect(() => api.allowFrom('front' as any))
      .toThrow('test/api: allowFrom: caller 1 is not a mesh service or gateway (got the string "front"): pass MeshService, MeshService.fromServiceAttributes or IngressGateway objects, or use AuthorizationPolicy with Source.principals for raw principals');
  });

  test('a Service name that starts with a digit (DNS-1035)', () => {
    const { chart, ns } = setup();
    const fix = 'starts with a digit, which a Service name may not (a DNS-1035 label): start it with a letter';
    expect(() => new MeshService(chart, 'x', { namespace: ns, name: '1api', image: 'a:1', port: 80 })).toThrow(`test/x: service name "1api" ${fix}`);
    expect(() => new IngressGateway(chart, 'gw', { namespace: ns, name: '1gw' })).toThrow(`test/gw: gateway name "1gw" ${fix}`);
    expect(() => new EgressGateway(chart, 'egw', { namespace: ns, name: '2egress' })).toThrow(`test/egw: gateway name "2egress" ${fix}`);
    const istio = setup(MeshPlatform.istio());
    expect(() => new GatewayApiIngress(istio.chart, 'in', { namespace: istio.ns, name: '1in' })).toThrow(`test/in: deployed name "1in-istio" ${fix}`);
  });

  test('mutual TLS towards pods that have no sidecar to accept it', () => {
    const { chart, plain } = setup();
    // TLS set in a DestinationRule overrides auto mTLS: the library sets none for pods without a sidecar.
    new MeshService(chart, 'old', { namespace: plain, image: 'old:1', port: 80, version: 'v1' });
    const dr = find(synthValid(chart), 'DestinationRule', 'old', 'legacy').spec;
    expect(dr.trafficPolicy?.tls).toBeUndefined();
    expect(dr.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
    expect(() => new MeshService(chart, 'older', { namespace: plain, image: 'o:1', port: 80, trafficPolicy: { tlsMode: ClientTlsMode.ISTIO_MUTUAL } }))
      .toThrow('test/older: trafficPolicy tlsMode ISTIO_MUTUAL, but namespace "legacy" has injection disabled: its pods have no sidecar to accept mutual TLS, so every call would fail; '
        + 'omit tlsMode (callers then send plaintext, as auto mTLS decides), or enable injection there');
  });

  test('policies on pods that have no proxy to enforce them', () => {
    const { chart, api, plain } = setup();
    const batch = new MeshService(chart, 'batch', { namespace: plain, image: 'batch:1', port: 80 });
    const why = 'namespace "legacy" has injection disabled: its pods have no proxy to enforce';
    const fix = 'enable injection there (or the ambient data plane), or remove';
    expect(() => new AuthorizationPolicy(chart, 'a', { namespace: plain, rules: [{ from: [Source.services(api)] }] }))
      .toThrow(`test/a: ${why} the policy; ${fix} the policy`);
    expect(() => new AuthorizationPolicy(chart, 'b', { workload: batch, rules: [{ from: [Source.services(api)] }] })).toThrow(`test/b: ${why} the policy`);
    expect(() => new JwtAuthentication(chart, 'j', { namespace: plain, issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json' }] }))
      .toThrow(`test/j: ${why} the policy`);
    expect(() => new MtlsPolicy(chart, 'm', { namespace: plain })).toThrow(`test/m: ${why} the mutual TLS policy; ${fix} the mutual TLS policy`);
    expect(() => new MtlsPolicy(chart, 'm2', { workload: batch })).toThrow(`test/m2: ${why} the mutual TLS policy`);
    expect(() => plain.denyByDefault()).toThrow(`test/legacy: ${why} the deny-by-default policy; ${fix} the deny-by-default policy`);
    expect(() => batch.allowFrom(api)).toThrow(`test/batch: ${why} allowFrom; ${fix} allowFrom`);
    // The root namespace has no injection, and a policy there is mesh-wide: that is how Istio scopes it.
    const root = new MeshNamespace(chart, 'istio-system', { injection: false });
    expect(() => new MtlsPolicy(chart, 'mesh', { namespace: root })).not.toThrow();
    expect(() => root.denyByDefault()).not.toThrow();
  });

  test('HTTP methods in lower case, which never match', () => {
    const { chart, api } = setup();
    expect(() => new AuthorizationPolicy(chart, 'p', { workload: api, rules: [{ to: [{ methods: ['get'] }] }] }))
      .toThrow('test/p: operation methods: "get" is not an HTTP method: write "GET" (methods match case-sensitively: "get" would never match)');
    expect(() => HttpMatch.any().withMethod('Post')).toThrow('HttpMatch.withMethod: "Post" is not an HTTP method: write "POST"');
    expect(() => HttpMatch.any().withMethod('GET /')).toThrow('HttpMatch.withMethod: "GET /" is not an HTTP method: use upper case, e.g. GET');
    expect(() => api.addRoute({ cors: { allowOrigins: [StringMatch.exact('https://a.example.com')], allowMethods: ['get'] } }))
      .toThrow('test/api: cors.allowMethods: "get" is not an HTTP method: write "GET"');
  });

  test('an AuthorizationPolicy port the workload or gateway does not listen on', () => {
    const { chart, api, ns } = setup();
    expect(() => new AuthorizationPolicy(chart, 'p', { workload: api, rules: [{ to: [{ ports: [80] }] }] }))
      .toThrow('test/p: operation port 80 is not a port that test/api listens on (8080): the rule would never match; authorization matches the workload\'s port (a Service\'s targetPort), not the Service port');
    const gw = new IngressGateway(chart, 'gw', { namespace: ns });
    expect(() => new AuthorizationPolicy(chart, 'q', { gateway: gw, rules: [{ to: [{ ports: [8443] }] }] }))
      .toThrow('test/q: operation port 8443 is not a port that gateway test/gw listens on (80)');
    // The container port, and a namespace-wide policy (whose workloads are not known), pass.
    new AuthorizationPolicy(chart, 'ok', { workload: api, rules: [{ to: [{ ports: [8080] }] }] });
    new AuthorizationPolicy(chart, 'ns', { namespace: ns, rules: [{ to: [{ ports: [9999] }] }] });
    synthValid(chart);
  });

  test('clients with tlsMode DISABLE towards a STRICT server fail synth, naming the policy and the service', () => {
    const mesh = setup();
    new MeshService(mesh.chart, 'db', { namespace: mesh.ns, image: 'db:1', port: 80, trafficPolicy: { tlsMode: ClientTlsMode.DISABLE } });
    new MtlsPolicy(mesh.chart, 'mtls');
    expect(() => Testing.synth(mesh.chart))
      .toThrow('[test/mtls] requires mTLS (STRICT) from the clients of test/db, whose trafficPolicy sets tlsMode DISABLE on port 80: the clients send plaintext, which the server sidecars refuse. Remove tlsMode DISABLE (ISTIO_MUTUAL is the default), or make the server PERMISSIVE for that port');

    // Namespace scope, and per port: a DISABLE port of a workload whose policy is PERMISSIVE there passes.
    const ns = setup();
    const db = new MeshService(ns.chart, 'db', {
      namespace: ns.ns,
      image: 'db:1',
      ports: [{ port: 80 }, { port: 9000, name: 'http-metrics' }],
      trafficPolicy: { portSettings: [{ port: 9000, tlsMode: ClientTlsMode.DISABLE }] },
    });
    new MtlsPolicy(ns.chart, 'ns-mtls', { namespace: ns.ns });
    expect(() => Testing.synth(ns.chart)).toThrow('[test/ns-mtls] requires mTLS (STRICT) from the clients of test/db, whose trafficPolicy sets tlsMode DISABLE on port 9000');
    new MtlsPolicy(ns.chart, 'db-mtls', { workload: db, portModes: [{ port: 9000, mode: MtlsMode.PERMISSIVE }] });
    expect(synthValid(ns.chart).filter((o) => o.kind === 'PeerAuthentication')).toHaveLength(2);
  });

  test('a DISABLE server whose clients send mutual TLS (the DestinationRule default) fails synth, naming the policy and the service', () => {
    const mesh = setup();
    new MeshService(mesh.chart, 'canary', { namespace: mesh.ns, image: 'c:1', port: 80, version: 'v1' });
    new MtlsPolicy(mesh.chart, 'off', { namespace: mesh.ns, mode: MtlsMode.DISABLE });
    expect(() => Testing.synth(mesh.chart)).toThrow('[test/off] disables mTLS on the pods of test/canary, whose DestinationRule sets tlsMode ISTIO_MUTUAL (the default) on port 80: '
      + 'TLS set in a DestinationRule overrides auto mTLS, so the clients send mTLS, which the server sidecars no longer accept. Set its trafficPolicy tlsMode to DISABLE (per port: portSettings), or make this policy PERMISSIVE');
    // Per port, on the workload: only the port it disables.
    const ports = setup();
    const db = new MeshService(ports.chart, 'db', { namespace: ports.ns, image: 'db:1', ports: [{ port: 80 }, { port: 9000, name: 'http-metrics' }], trafficPolicy: { loadBalancer: LoadBalancer.leastRequest() } });
    new MtlsPolicy(ports.chart, 'db-mtls', { workload: db, portModes: [{ port: 9000, mode: MtlsMode.DISABLE }] });
    expect(() => Testing.synth(ports.chart)).toThrow('[test/db-mtls] disables mTLS on the pods of test/db, whose DestinationRule sets tlsMode ISTIO_MUTUAL (the default) on port 9000:');
    // The fix: the clients send plaintext too.
    const fixed = setup();
    new MeshService(fixed.chart, 'canary', { namespace: fixed.ns, image: 'c:1', port: 80, version: 'v1', trafficPolicy: { tlsMode: ClientTlsMode.DISABLE } });
    new MtlsPolicy(fixed.chart, 'off', { namespace: fixed.ns, mode: MtlsMode.DISABLE });
    expect(find(synthValid(fixed.chart), 'DestinationRule', 'canary').spec.trafficPolicy).toEqual({ tls: { mode: 'DISABLE' } });
  });

  test('gateway route matches that can never match: a port the gateway does not listen on, sourceLabels', () => {
    const { chart, api, ns } = setup();
    const gw = new IngressGateway(chart, 'gw', { namespace: ns, installed: InstalledGateway.istioctl() });
    expect(() => gw.route({ match: HttpMatch.prefix('/a').withPort(80), to: api }))
      .toThrow('test/gw: a match names port 80, which the gateway does not listen on (8080): the route would never match; use one of them, or drop the port');
    expect(() => gw.route({ match: HttpMatch.prefix('/a').withSourceLabels({ app: 'front' }), to: api }))
      .toThrow('test/gw: a match names sourceLabels, which at a gateway are compared with the gateway\'s own pods, so the route would never match');
    gw.route({ match: HttpMatch.prefix('/a').withPort(8080), to: api });
  });

  test('a second platform applied to the same scope', () => {
    const chart = meshChart(MeshPlatform.asmManaged());
    expect(() => MeshPlatform.istio().applyTo(chart))
      .toThrow('test: a mesh platform (asm-managed-istiod, revision asm-managed) is already applied here, and this one (istio) would silently replace it for every construct below: apply one platform per scope, or pass `platform` to the constructs that run elsewhere');
    // The same platform again changes nothing.
    expect(() => MeshPlatform.asmManaged().applyTo(chart)).not.toThrow();
  });

  test('an ExternalService with empty ports, empty or invalid endpoints, or a host twice', () => {
    const { chart, ns } = setup();
    expect(() => new ExternalService(chart, 'a', { namespace: ns, hosts: ['api.example.com'], ports: [] }))
      .toThrow('test/a: `ports` is empty: a ServiceEntry without ports matches no traffic; list the ports, or omit `ports` for HTTPS on 443');
    expect(() => new ExternalService(chart, 'b', { namespace: ns, hosts: ['api.example.com'], endpoints: [] }))
      .toThrow('test/b: `endpoints` is empty: list the addresses, or omit it to resolve the hosts themselves');
    expect(() => new ExternalService(chart, 'c', { namespace: ns, hosts: ['api.example.com'], endpoints: ['not an address'] }))
      .toThrow('test/c: endpoint "not an address" is not an IP address or a DNS name');
    expect(() => new ExternalService(chart, 'd', { namespace: ns, hosts: ['api.example.com', 'api.example.com'] }))
      .toThrow('test/d: host "api.example.com" is listed twice: list each host once');
  });

  test('a match without a condition, which would make the routes after it unreachable', () => {
    const { api, chart, ns } = setup();
    expect(() => api.addRoute({ matches: [HttpMatch.any().ignoringCase()] }))
      .toThrow('test/api: matches[0] has no condition (HttpMatch.any() alone takes every request, and every route after it would be unreachable): narrow it (withHeader, withMethod, ...), or omit `matches` for a catch-all route');
    const gw = new IngressGateway(chart, 'gw', { namespace: ns });
    expect(() => gw.route({ destinations: [{ service: api, weight: 100 }], port: 80 }))
      .toThrow('test/gw: route `port` is the port of `to`, which is not set: give each destination its port');
  });

  test('a route match on a port the service lacks, and talksTo a service not exported to the caller', () => {
    const { api, chart, ns } = setup();
    expect(() => api.addRoute({ matches: [HttpMatch.prefix('/').withPort(8080)] }))
      .toThrow('test/api: a match names port 8080, which is not a port of the service (80): the route would never match; use a Service port');
    const db = new MeshService(chart, 'db', { namespace: ns, image: 'db:1', ports: [{ port: 80 }, { port: 5432, protocol: Protocol.tcp() }] });
    expect(() => db.addRoute({ matches: [HttpMatch.prefix('/').withPort(5432)] }))
      .toThrow('test/db: a match names port 5432, which speaks tcp, not HTTP: HTTP routes never see its traffic; match an HTTP-family port');
    const other = new MeshNamespace(chart, 'other');
    const ext = new ExternalService(chart, 'ext', { namespace: other, hosts: ['a.example.com'], exportTo: [other] });
    expect(() => api.talksTo(ext))
      .toThrow('test/api: talksTo: test/ext is exported only to other, not to "app", so this workload cannot see it: add the namespace to its exportTo');
    expect(ns.name).toBe('app');
  });

  test('principals that are not principals, and claims copied from nowhere', () => {
    const { chart, api } = setup();
    expect(() => Source.principals('front'))
      .toThrow('Source.principals: "front" is not a principal, which reads <trust domain>/ns/<namespace>/sa/<service account>, so it would never match: use Source.services(...) or Source.serviceAccount(namespace, name)');
    expect(Source.principals('*', 'cluster.local/ns/app/*')).toBeDefined();
    expect(() => new JwtAuthentication(chart, 'j', { workload: api, issuers: [{ issuer: 'https://a.example.com', claimsToHeaders: [{ claim: '', header: 'x-user' }] }] }))
      .toThrow('test/j: issuer https://a.example.com: a claimsToHeaders entry has no claim: name the claim (e.g. sub)');
  });

  test('request principals without an issuer, and nested claims', () => {
    const { chart, api } = setup();
    const fix = 'is not a request principal, which reads <issuer>/<subject> (e.g. https://auth.example.com/alice), so it would never match: give the issuer too, or use Source.authenticated() for any valid token';
    expect(() => Source.requestPrincipals('mallory')).toThrow(`Source.requestPrincipals: "mallory" ${fix}`);
    expect(() => Condition.requestPrincipal('alice')).toThrow(`Condition.requestPrincipal: "alice" ${fix}`);
    expect(Source.requestPrincipals('https://auth.example.com/*')).toBeDefined();
    // Istio reads a nested claim as claims[outer][inner]; a dotted name is one claim of that name.
    new AuthorizationPolicy(chart, 'admins', { workload: api, name: 'admins', rules: [{ when: [Condition.nestedClaim(['realm_access', 'roles'], 'admin')] }] });
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'admins').spec.rules[0].when).toEqual([{ key: 'request.auth.claims[realm_access][roles]', values: ['admin'] }]);
    expect(() => Condition.nestedClaim([], 'admin')).toThrow('Condition.nestedClaim: the claim path is empty');
    expect(() => Condition.claim(undefined as any, 'x')).toThrow('Condition.claim: "undefined" is not a claim name');
  });

  test('values of the wrong type from JavaScript or other jsii languages', () => {
    const { chart, api, ns } = setup();
    expect(() => Source.principals(undefined as any)).toThrow('Source.principals: `[0]` must be a string, got undefined');
    expect(() => Condition.header(undefined as any, 'a')).toThrow('Condition.header: `name` must be a string, got undefined');
    expect(() => new AuthorizationPolicy(chart, 'p', { workload: api, rules: [{ to: [{ paths: [5 as any] }] }] }))
      .toThrow('test/p: operation paths: `[0]` must be a string, got 5');
    expect(() => new JwtAuthentication(chart, 'j', { workload: api, issuers: [{ issuer: 'https://a.example.com', claimsToHeaders: [{ claim: 'sub' } as any] }] }))
      .toThrow('test/j: issuer https://a.example.com: "undefined" is not a valid header name');
    expect(() => new JwtAuthentication(chart, 'j2', { workload: api, issuers: [{ issuer: 'https://a.example.com', claimsToHeaders: [null as any] }] }))
      .toThrow('test/j2: issuer https://a.example.com: a claimsToHeaders entry has no claim');
    expect(() => new JwtAuthentication(chart, 'j3', { workload: api, name: 'j3', issuers: [{ issuer: 'https://a.example.com', claimsToHeaders: [{ claim: 'sub', header: 'x_user' }] }] })).not.toThrow();
    expect(() => new MtlsPolicy(chart, 'm', { workload: api, portModes: [{ port: 8080 } as any] })).toThrow('test/m: portModes[0] has no `mode`: set the port\'s MtlsMode');
    expect(() => api.addRoute({ retries: { attempts: 2, retryOn: '5xx' as any } })).toThrow('test/api: `retries.retryOn` must be a list, got the string "5xx"');
    const v2 = new MeshService(chart, 'v', { namespace: ns, image: 'v:1', port: 80, version: 'v1' });
    v2.addVersion('v2');
    expect(() => v2.addRoute({ destinations: [{ version: 'v1', weight: '50' as any }, { version: 'v2', weight: 50 }] })).toThrow('test/v: destination weight must be a number, got "50"');
    expect(() => new ExternalService(chart, 'e1', { namespace: ns, hosts: ['a.example.com'], tlsOrigination: { subjectAltNames: 'a.example.com' as any } }))
      .toThrow('`subjectAltNames` must be a list, got the string "a.example.com"');
    expect(() => new ExternalService(chart, 'e2', { namespace: ns, hosts: ['b.example.com'], exportTo: ['app' as any] }))
      .toThrow('test/e2: `exportTo[0]`');
  });

  test('Cloud Service Mesh with Istio\'s default text log writes no mesh ConfigMap (TEXT is MeshConfig\'s default)', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    new TracingConfig(chart, 'obs', { accessLog: AccessLog.text() });
    expect(synthValid(chart).filter((o) => o.kind === 'ConfigMap')).toEqual([]);
  });

  test('routes that do nothing, or redirect to themselves', () => {
    const { api } = setup();
    expect(() => api.addRoute({ redirect: {} }))
      .toThrow('test/api: redirect changes neither uri, authority nor scheme: clients would be sent back to the same URL forever; set what the redirect changes');
    expect(() => api.addRoute({ rewrite: {} })).toThrow('test/api: rewrite sets neither uri nor authority: set one, or omit `rewrite`');
    expect(() => api.addRoute({ rewrite: { uri: '', authority: '' } })).toThrow('test/api: rewrite sets neither uri nor authority');
    expect(() => api.addRoute({ fault: {} })).toThrow('test/api: fault has neither delay nor abort (Istio rejects an empty fault): set one, or omit `fault`');
    expect(() => api.addRoute({ responseHeaders: { set: {} } })).toThrow('test/api: responseHeaders sets, adds and removes nothing: omit it');
    expect(() => api.addRoute({ directResponse: { status: 503 }, fault: { abort: { httpStatus: 500, percent: 10 } }, timeout: Duration.seconds(1) }))
      .toThrow('test/api: fault, timeout apply to a route that forwards, but this one answers with directResponse (istiod rejects rewrite and fault next to it, and the others would do nothing): remove fault, timeout');
    expect(() => api.addRoute({ mirror: { service: api, percent: 0 } })).toThrow('test/api: mirror percent is 0, so it affects no request: omit it');
  });

  test('traffic policies that apply to nothing, or that istiod rejects', () => {
    const { chart, ns } = setup();
    expect(() => new MeshService(chart, 'a', { namespace: ns, image: 'a', port: 80, trafficPolicy: { portSettings: [{ port: 81, loadBalancer: LoadBalancer.random() }] } }))
      .toThrow('test/a: trafficPolicy.portSettings names port 81, which is not a port of the service (80): Istio would apply it to no traffic; use a Service port');
    expect(() => new MeshService(chart, 'b', { namespace: ns, image: 'b', port: 80, trafficPolicy: { tlsMode: ClientTlsMode.MUTUAL } }))
      .toThrow('test/b: trafficPolicy tlsMode MUTUAL needs a client certificate, which these options cannot carry (istiod rejects MUTUAL without one)');
    expect(() => LoadBalancer.consistentHashByHeader('x user')).toThrow('LoadBalancer.consistentHashByHeader: "x user" is not a header name');
    expect(() => LoadBalancer.consistentHashByCookie('a;b')).toThrow('LoadBalancer.consistentHashByCookie: "a;b" is not a cookie name');
    expect(() => LoadBalancer.consistentHashByQueryParam('')).toThrow('LoadBalancer.consistentHashByQueryParam: "" is not a query parameter name');
  });

  test('gateways with no hosts, and installed gateways with a port name twice', () => {
    const { chart, ns, api } = setup();
    expect(() => new IngressGateway(chart, 'g', { namespace: ns, hosts: [] }))
      .toThrow('test/g: `hosts` is empty: a gateway server accepts no host without one; list the hosts, or omit it for \'*\'');
    const gw = new IngressGateway(chart, 'gw', { namespace: ns });
    expect(() => gw.route({ to: api, hosts: [] })).toThrow('test/gw: route `hosts` is empty: list the hosts, or omit it for the gateway\'s hosts');
    expect(() => InstalledGateway.of({ name: 'gw', namespace: 'gw', podLabels: { istio: 'gw' }, serviceAccountName: 'gw', ports: [{ port: 80, name: 'http2' }, { port: 81, name: 'http2' }] }))
      .toThrow('InstalledGateway gw/gw: port name "http2" appears twice: a Service\'s port names are unique');
  });

  test('labels and annotations the API server refuses, and empty source labels', () => {
    const chart = meshChart();
    expect(() => new MeshNamespace(chart, 'a', { labels: { team: 'payments team' } }))
      .toThrow('test/a: labels team="payments team" is not a valid label value: use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
    expect(() => new MeshNamespace(chart, 'b', { annotations: { 'bad key!': 'x' } }))
      .toThrow('test/b: annotations key "bad key!" is not a valid key: use [prefix/]name');
    expect(() => HttpMatch.any().withSourceLabels({}))
      .toThrow('HttpMatch.withSourceLabels: the labels are empty: name at least one label of the calling pods (e.g. a MeshService\'s selectorLabels)');
  });
});

describe('JavaScript and jsii callers get errors that name the field', () => {
  test('an enum value that does not exist', () => {
    expect(() => MeshPlatform.asmManaged({ channel: 'beta' as ReleaseChannel }))
      .toThrow('MeshPlatform.asmManaged: `channel` is the string "beta", which is not a ReleaseChannel: use one of ReleaseChannel.REGULAR, ReleaseChannel.RAPID, ReleaseChannel.STABLE');
    const { chart, api } = setup();
    expect(() => new MtlsPolicy(chart, 'm', { mode: 'strict' as MtlsMode })).toThrow('test/m: `mode` is the string "strict", which is not a MtlsMode');
    expect(() => new AuthorizationPolicy(chart, 'p', { workload: api, action: 'allow' as AuthorizationAction })).toThrow('test/p: `action` is the string "allow", which is not an AuthorizationAction');
  });

  test('a namespace passed as a string', () => {
    const chart = meshChart();
    expect(() => new MeshService(chart, 'a', { namespace: 'app' as any, image: 'a', port: 80 }))
      .toThrow('test/a: `namespace` must be a mesh namespace (MeshNamespace.fromNamespaceName(scope, id, \'app\')), got the string "app"');
    expect(() => new IngressGateway(chart, 'g', { namespace: 'gw' as any })).toThrow('test/g: `namespace` must be a mesh namespace');
    expect(() => new ExternalService(chart, 'e', { namespace: 'egress' as any, hosts: ['a.example.com'] })).toThrow('test/e: `namespace` must be a mesh namespace');
  });

  test('missing props name the construct and the field', () => {
    const { chart, api } = setup();
    expect(() => new MeshService(chart, 'a', undefined as any)).toThrow('test/a: props are missing (got undefined): pass an object with `namespace`');
    expect(() => new IngressGateway(chart, 'g', {} as any)).toThrow('test/g: `namespace` is required');
    expect(() => new ExternalService(chart, 'e', { namespace: api.namespace } as any)).toThrow('test/e: `hosts` is required');
    expect(() => new JwtAuthentication(chart, 'j', { workload: api } as any)).toThrow('test/j: `issuers` is required');
    expect(() => new TracingConfig(chart, 't', undefined as any)).toThrow('test/t: props are missing (got undefined): pass an object');
    expect(() => new MeshOptions(chart, 'o', null as any)).toThrow('test/o: props are missing (got null)');
    expect(() => MeshService.fromServiceAttributes(chart, 'r', { name: 'r' } as any)).toThrow('test/r: `namespace` is required');
    expect(() => Tracing.openTelemetry(undefined as any)).toThrow('Tracing.openTelemetry: props are missing (got undefined): pass an object with `service`');
    expect(() => new EgressGateway(chart, 'eg', {} as any)).toThrow('test/eg: `namespace` is required');
    expect(() => InstalledGateway.of({ name: 'gw' } as any)).toThrow('InstalledGateway.of: `namespace` is required');
  });

  test('values of the wrong type name the field and an example', () => {
    const { chart, ns, api } = setup();
    expect(() => new MeshService(chart, 'p', { namespace: ns, image: 'p', ports: [{ port: 80, protocol: 'http' as any }] }))
      .toThrow('test/p: `ports[0].protocol` must be a Protocol (e.g. Protocol.http()), got the string "http"');
    expect(() => api.addRoute({ timeout: 5000 as any })).toThrow('test/api: timeout must be a Duration (e.g. Duration.seconds(5)), got 5000');
    expect(() => api.addRoute({ matches: ['/api' as any] })).toThrow('test/api: `matches[0]` must be a HttpMatch (e.g. HttpMatch.prefix(\'/api\')), got the string "/api"');
    expect(() => api.addRoute({ destinations: [{ service: 'reviews' as any }] }))
      .toThrow('test/api: `service` must be a mesh service (a MeshService, or MeshService.fromServiceAttributes), got the string "reviews"');
    expect(() => new TracingConfig(chart, 't', { accessLog: 'json' as any })).toThrow('test/t: `accessLog` must be an AccessLog (e.g. AccessLog.json()), got the string "json"');
    expect(() => HttpMatch.prefix(42 as any)).toThrow('HttpMatch.prefix: path "42" must start with \'/\'');
    expect(() => Protocol.of(undefined as any)).toThrow('Unknown protocol "undefined"');
  });
});

describe('no TypeError from deep inside the library, whatever a caller passes', () => {
  test('every construct, factory and method given undefined, null, a number, a string, {} or [] either works or says what is wrong', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    const svc = new MeshService(chart, 'svc', { namespace: ns, image: 'a', port: 80 });
    const gw = new IngressGateway(chart, 'gw', { namespace: ns });
    const ext = new ExternalService(chart, 'ext', { namespace: ns, hosts: ['a.example.com'] });
    const egw = new EgressGateway(chart, 'egw', { namespace: ns });
    const ap = new AuthorizationPolicy(chart, 'ap0', { workload: svc, rules: [{ from: [Source.services(gw)] }] });
    const jwt = new JwtAuthentication(chart, 'jwt0', { workload: svc, issuers: [{ issuer: 'https://a.example.com' }] });
    let n = 0;
    const id = () => `c${n++}`;
    const calls: Record<string, (v: any) => unknown> = {
      'MeshNamespace': (v) => new MeshNamespace(chart, id(), v),
      'MeshService': (v) => new MeshService(chart, id(), v),
      'MeshService port': (v) => new MeshService(chart, id(), { namespace: ns, image: 'a', port: v }),
      'MeshService ports': (v) => new MeshService(chart, id(), { namespace: ns, image: 'a', ports: v }),
      'MeshService trafficPolicy': (v) => new MeshService(chart, id(), { namespace: ns, image: 'a', port: 80, trafficPolicy: v }),
      'IngressGateway': (v) => new IngressGateway(chart, id(), v),
      'IngressGateway tls': (v) => new IngressGateway(chart, id(), { namespace: ns, tls: v }),
      'EgressGateway': (v) => new EgressGateway(chart, id(), v),
      'ExternalService': (v) => new ExternalService(chart, id(), v),
      'ExternalService ports': (v) => new ExternalService(chart, id(), { namespace: ns, hosts: ['b.example.com'], ports: v }),
      'ExternalService tlsOrigination': (v) => new ExternalService(chart, id(), { namespace: ns, hosts: ['c.example.com'], tlsOrigination: v }),
      'MtlsPolicy': (v) => new MtlsPolicy(chart, id(), v),
      'AuthorizationPolicy': (v) => new AuthorizationPolicy(chart, id(), v),
      'AuthorizationPolicy rules': (v) => new AuthorizationPolicy(chart, id(), { workload: svc, rules: v }),
      'addRule': (v) => ap.addRule(v),
      'addRule to': (v) => ap.addRule({ to: [v] }),
      'JwtAuthentication': (v) => new JwtAuthentication(chart, id(), v),
      'JwtAuthentication issuers': (v) => new JwtAuthentication(chart, id(), { workload: svc, issuers: [v] }),
      'requireToken': (v) => jwt.requireToken(v),
      'TracingConfig': (v) => new TracingConfig(chart, id(), v),
      'MeshOptions': (v) => new MeshOptions(chart, id(), v),
      'fromServiceAttributes': (v) => MeshService.fromServiceAttributes(chart, id(), v),
      'fromNamespaceName': (v) => MeshNamespace.fromNamespaceName(chart, id(), v),
      'InstalledGateway.of': (v) => InstalledGateway.of(v),
      'InstalledGateway.istioHelmChart': (v) => InstalledGateway.istioHelmChart(v),
      'InstalledGateway.istioctl': (v) => InstalledGateway.istioctl(v),
      'InstalledGateway.cloudServiceMeshRecipe': (v) => InstalledGateway.cloudServiceMeshRecipe(v),
      'MeshPlatform.asmManaged': (v) => MeshPlatform.asmManaged(v),
      'MeshPlatform.cloudServiceMesh': (v) => MeshPlatform.cloudServiceMesh(v),
      'MeshPlatform.istio': (v) => MeshPlatform.istio(v),
      'MeshPlatform.applyTo': (v) => MeshPlatform.istio().applyTo(v),
      'MeshPlatform.of': (v) => MeshPlatform.of(v),
      'Tracing.cloudTrace': (v) => Tracing.cloudTrace(v),
      'Tracing.openTelemetry': (v) => Tracing.openTelemetry(v),
      'AccessLog.json': (v) => AccessLog.json(v),
      'AccessLog.text': (v) => AccessLog.text(v),
      'AccessLogField.custom': (v) => AccessLogField.custom(v, v),
      'HttpMatch.prefix': (v) => HttpMatch.prefix(v),
      'HttpMatch.exact': (v) => HttpMatch.exact(v),
      'HttpMatch.regex': (v) => HttpMatch.regex(v),
      'withHeader': (v) => HttpMatch.any().withHeader(v, v),
      'withoutHeader': (v) => HttpMatch.any().withoutHeader(v),
      'withQueryParam': (v) => HttpMatch.any().withQueryParam(v, v),
      'withMethod': (v) => HttpMatch.any().withMethod(v),
      'withSourceLabels': (v) => HttpMatch.any().withSourceLabels(v),
      'withPort': (v) => HttpMatch.any().withPort(v),
      'StringMatch.exact': (v) => StringMatch.exact(v),
      'StringMatch.prefix': (v) => StringMatch.prefix(v),
      'StringMatch.regex': (v) => StringMatch.regex(v),
      'LoadBalancer.consistentHashByHeader': (v) => LoadBalancer.consistentHashByHeader(v),
      'LoadBalancer.consistentHashByCookie': (v) => LoadBalancer.consistentHashByCookie(v, v),
      'LoadBalancer.consistentHashByQueryParam': (v) => LoadBalancer.consistentHashByQueryParam(v),
      'Source.services': (v) => Source.services(v),
      'Source.serviceAccount': (v) => Source.serviceAccount(v, v),
      'Source.principals': (v) => Source.principals(v),
      'Source.namespaces': (v) => Source.namespaces(v),
      'Source.ipBlocks': (v) => Source.ipBlocks(v),
      'Source.requestPrincipals': (v) => Source.requestPrincipals(v),
      'Source.and': (v) => Source.authenticated().and(v),
      'Condition.claim': (v) => Condition.claim(v, v),
      'Condition.header': (v) => Condition.header(v, v),
      'Condition.custom': (v) => Condition.custom(v, v),
      'Protocol.of': (v) => Protocol.of(v),
      'Protocol.fromPortName': (v) => Protocol.fromPortName(v),
      'addRoute': (v) => svc.addRoute(v),
      'addRoute destinations': (v) => svc.addRoute({ destinations: [v] }),
      'addRoute retries': (v) => svc.addRoute({ retries: v }),
      'addRoute fault': (v) => svc.addRoute({ fault: v }),
      'addRoute mirror': (v) => svc.addRoute({ mirror: v }),
      'addRoute cors': (v) => svc.addRoute({ cors: v }),
      'addRoute requestHeaders': (v) => svc.addRoute({ requestHeaders: v }),
      'addRoute redirect': (v) => svc.addRoute({ redirect: v }),
      'addRoute directResponse': (v) => svc.addRoute({ directResponse: v }),
      'addVersion': (v) => svc.addVersion(v, v),
      'allowFrom': (v) => svc.allowFrom(v),
      'talksTo': (v) => svc.talksTo(v),
      'IngressGateway.route': (v) => gw.route(v),
      'IngressGateway.routeTls': (v) => gw.routeTls(v),
      'EgressGateway.route': (v) => egw.route(v, v),
      'EgressGateway.route options': (v) => egw.route(ext, v),
      'MeshAnalyzer.analyze': (v) => MeshAnalyzer.analyze(v),
    };
    const deep: string[] = [];
    for (const [name, call] of Object.entries(calls)) {
      for (const v of [undefined, null, 42, 'x', {}, []]) {
        try {
          call(v);
        } catch (e) {
          if (e instanceof TypeError || /Cannot read prop|is not a function|is not iterable|Cannot convert/.test((e as Error).message)) deep.push(`${name}(${JSON.stringify(v)}): ${(e as Error).message}`);
        }
      }
    }
    expect(deep).toEqual([]);
  });
});

describe('unhelpful errors now name the construct and the field', () => {
  test('a sub-millisecond timeout', () => {
    const { api } = setup();
    expect(() => api.addRoute({ timeout: Duration.millis(0.5) })).toThrow('test/api: timeout must be a whole number of milliseconds of at least 1ms, got 0.5ms');
  });

  test('synth errors of the analysis carry the construct path of the object, not []', () => {
    const { chart } = setup();
    new networking.VirtualService(chart, 'raw', { metadata: { name: 'raw', namespace: 'app' }, spec: { hosts: ['api'], gateways: ['nope'], http: [{ route: [{ destination: { host: 'api' } }] }] } });
    new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'app' } });
    let message = '';
    try {
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^ {2}\[test\/raw\] IST0101 Error VirtualService app\/raw \(test\/raw\): referenced gateway not found: "nope"/m);
    expect(message).not.toContain('[]');
  });
});
