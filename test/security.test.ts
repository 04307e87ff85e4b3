import { Testing } from 'cdk8s';
import {
  AuthorizationAction, AuthorizationPolicy, Condition, GatewayTlsMode, IngressGateway, InstalledGateway, JwtAuthentication, MeshNamespace,
  MeshService, Protocol, Source, TlsVersion,
} from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup() {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'app');
  const gwNs = new MeshNamespace(chart, 'istio-gateway');
  const api = new MeshService(chart, 'api', { namespace: ns, image: 'a', port: 8080 });
  const front = new MeshService(chart, 'front', { namespace: ns, image: 'f', port: 80 });
  return { chart, ns, gwNs, api, front };
}

describe('request security', () => {
  test('AuthorizationPolicy: sources, operations, conditions, actions; namespace default-deny', () => {
    const { chart, ns, api, front } = setup();
    const ops = new MeshNamespace(chart, 'ops');
    const denyAll = ns.denyByDefault();
    expect(ns.denyByDefault()).toBe(denyAll); // idempotent: the same policy
    expect(denyAll.name).toBe('allow-nothing');
    const allow = new AuthorizationPolicy(chart, 'allow', {
      workload: api,
      rules: [{
        from: [Source.services(front), Source.namespaces(ops).and(Source.ipBlocks('10.0.0.0/8', '192.168.1.1'))],
        to: [{ methods: ['GET', 'POST'], paths: ['/api/*'], notPaths: ['/api/admin*'], ports: [8080] }],
        when: [Condition.claim('groups', 'admins'), Condition.header('X-Tenant', 'a')],
      }],
    });
    allow.addRule({ from: [Source.requestPrincipals('https://issuer.example.com/alice')] });
    allow.addRule({ from: [Source.serviceAccount(ops, 'cron')] });
    new AuthorizationPolicy(chart, 'deny', {
      namespace: ns,
      action: AuthorizationAction.DENY,
      rules: [{ to: [{ paths: ['/debug*'] }], when: [Condition.custom('request.auth.audiences', 'internal')] }],
    });
    new AuthorizationPolicy(chart, 'audit', { workload: front, action: AuthorizationAction.AUDIT, rules: [{ to: [{ methods: ['DELETE'] }] }] });
    new AuthorizationPolicy(chart, 'ext', { workload: front, action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ to: [{ paths: ['/admin*'] }] }] });
    const objects = synthValid(chart);
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing', 'app').spec).toEqual({});
    expect(find(objects, 'AuthorizationPolicy', 'api-allow', 'app').spec).toEqual({
      selector: { matchLabels: { app: 'api' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            { source: { principals: ['cluster.local/ns/app/sa/front-sa'] } },
            { source: { namespaces: ['ops'], ipBlocks: ['10.0.0.0/8', '192.168.1.1'] } },
          ],
          to: [{ operation: { methods: ['GET', 'POST'], paths: ['/api/*'], notPaths: ['/api/admin*'], ports: ['8080'] } }],
          when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }, { key: 'request.headers[x-tenant]', values: ['a'] }],
        },
        { from: [{ source: { requestPrincipals: ['https://issuer.example.com/alice'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/ops/sa/cron'] } }] },
      ],
    });
    expect(find(objects, 'AuthorizationPolicy', 'app-deny').spec).toEqual({
      action: 'DENY', rules: [{ to: [{ operation: { paths: ['/debug*'] } }], when: [{ key: 'request.auth.audiences', values: ['internal'] }] }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'front-audit').spec.action).toBe('AUDIT');
    expect(find(objects, 'AuthorizationPolicy', 'front-ext').spec).toMatchObject({ action: 'CUSTOM', provider: { name: 'ext-authz' } });
  });

  test('JWT at the gateway: RequestAuthentication + DENY without a token on chosen paths', () => {
    const { chart, gwNs } = setup();
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs });
    const jwt = new JwtAuthentication(chart, 'jwt', {
      gateway: gw,
      issuers: [{
        issuer: 'https://accounts.example.com',
        jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
        audiences: ['shop'],
        forwardOriginalToken: true,
        claimsToHeaders: [{ claim: 'sub', header: 'x-user' }],
      }, { issuer: 'local', jwks: '{"keys":[]}' }],
    });
    jwt.requireToken({ paths: ['/api/*'], exceptPaths: ['/api/health'] });
    jwt.requireToken({ hosts: ['admin.example.com'] });
    const objects = synthValid(chart);
    expect(find(objects, 'RequestAuthentication', 'istio-ingressgateway-jwt', 'istio-gateway').spec).toEqual({
      selector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      jwtRules: [
        {
          issuer: 'https://accounts.example.com',
          jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
          audiences: ['shop'],
          forwardOriginalToken: true,
          outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }],
        },
        { issuer: 'local', jwks: '{"keys":[]}' },
      ],
    });
    expect(find(objects, 'AuthorizationPolicy', 'istio-ingressgateway-jwt-required', 'istio-gateway').spec).toEqual({
      selector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*'], notPaths: ['/api/health'] } }] }],
    });
    // Istio routes admin.example.com:<port> too, and a host matches the Host header exactly: the DENY names both.
    expect(find(objects, 'AuthorizationPolicy', 'istio-ingressgateway-jwt-required-2').spec.rules[0].to).toEqual([{ operation: { hosts: ['admin.example.com', 'admin.example.com:*'] } }]);
  });

  test('gateway TLS: MUTUAL with min version, PASSTHROUGH with SNI routes', () => {
    const { chart, gwNs, ns } = setup();
    new IngressGateway(chart, 'mtls', { namespace: gwNs, name: 'partner-gw', tls: { mode: GatewayTlsMode.MUTUAL, credentialName: 'partner-cert', minProtocolVersion: TlsVersion.TLS_V1_3 } });
    const secure = new MeshService(chart, 'secure', { namespace: ns, image: 's', ports: [{ port: 8443, protocol: Protocol.https(), name: 'https' }] });
    const pt = new IngressGateway(chart, 'pt', { namespace: gwNs, name: 'pt-gw', hosts: ['*.example.com'], tls: { mode: GatewayTlsMode.PASSTHROUGH } });
    pt.routeTls({ sniHosts: ['secure.example.com'], to: secure });
    const objects = synthValid(chart);
    expect(find(objects, 'Gateway', 'partner-gw').spec.servers[1]).toEqual({
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      hosts: ['*'],
      tls: { mode: 'MUTUAL', credentialName: 'partner-cert', minProtocolVersion: 'TLSV1_3' },
    });
    expect(find(objects, 'Gateway', 'pt-gw').spec.servers[1]).toEqual({ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['*.example.com'], tls: { mode: 'PASSTHROUGH' } });
    expect(find(objects, 'VirtualService', 'pt-gw-secure-example-com').spec).toEqual({
      hosts: ['secure.example.com'],
      gateways: ['pt-gw'],
      tls: [{ match: [{ port: 443, sniHosts: ['secure.example.com'] }], route: [{ destination: { host: 'secure.app.svc.cluster.local', port: { number: 8443 } } }] }],
    });
  });

  test('a TLS route matches the port its server listens on: 8443 on a gateway istioctl installed', () => {
    const { chart, gwNs, ns } = setup();
    const secure = new MeshService(chart, 'secure', { namespace: ns, image: 's', ports: [{ port: 8443, protocol: Protocol.https(), name: 'https' }] });
    const pt = new IngressGateway(chart, 'pt', { namespace: gwNs, installed: InstalledGateway.istioctl(), hosts: ['secure.example.com'], tls: { mode: GatewayTlsMode.PASSTHROUGH } });
    pt.routeTls({ sniHosts: ['secure.example.com'], to: secure });
    const objects = synthValid(chart);
    expect(find(objects, 'Gateway', 'istio-ingressgateway').spec.servers[1].port).toEqual({ number: 8443, name: 'tls', protocol: 'TLS' });
    // istiod binds a TLS route to a server only when the match's port is the server's number.
    expect(find(objects, 'VirtualService', 'istio-ingressgateway-secure-example-com').spec.tls[0].match).toEqual([{ port: 8443, sniHosts: ['secure.example.com'] }]);
  });

  test('errors name the construct and the fix', () => {
    const { chart, ns, gwNs, api, front } = setup();
    expect(() => Source.services()).toThrow('Source.principals: the list is empty: name at least one value (an empty list matches nothing)');
    expect(() => Source.principals('')).toThrow('Source.principals: empty string in the list');
    expect(() => Source.ipBlocks('10.0.0.0/33')).toThrow('Source.ipBlocks: "10.0.0.0/33" is not an IP address or CIDR range');
    expect(() => Source.namespaces()).toThrow('Source.namespaces: the list is empty');
    expect(() => Source.authenticated().and(Source.requestPrincipals('a/b'))).toThrow('Source.and: both sources set requestPrincipals');
    expect(() => Condition.claim('groups')).toThrow('Condition.claim(groups): the list is empty');
    expect(() => Condition.custom('Not Valid', 'x')).toThrow('Condition.custom: "Not Valid" is not an authorization attribute');
    expect(() => new AuthorizationPolicy(chart, 'a', { workload: api, namespace: ns, rules: [{}] })).toThrow('test/a: set exactly one of `namespace`, `workload`, `gateway` or `waypoint` (got namespace, workload)');
    expect(() => new AuthorizationPolicy(chart, 'b', { rules: [{}] })).toThrow('test/b: set exactly one of `namespace`, `workload`, `gateway` or `waypoint`');
    expect(() => new AuthorizationPolicy(chart, 'c', { workload: api, action: AuthorizationAction.CUSTOM })).toThrow('test/c: CUSTOM needs a `provider`');
    expect(() => new AuthorizationPolicy(chart, 'gw', { gateway: 'istio-ingressgateway' as any, rules: [{}] }))
      .toThrow('test/gw: `gateway` must be an IngressGateway (an IGatewayPods), got the string "istio-ingressgateway"');
    expect(() => new AuthorizationPolicy(chart, 'wp', { waypoint: {} as any, rules: [{}] })).toThrow('test/wp: `waypoint` must be a Waypoint, got object');
    expect(() => new AuthorizationPolicy(chart, 'd', { workload: api, provider: 'x' })).toThrow('test/d: `provider` applies only to the CUSTOM action');
    expect(() => new AuthorizationPolicy(chart, 'e', { workload: api, name: 'e', rules: [{ from: [] }] })).toThrow('test/e: a rule has an empty from/to/when list');
    expect(() => new AuthorizationPolicy(chart, 'f', { workload: api, name: 'f', rules: [{ to: [{}] }] })).toThrow('test/f: an operation needs hosts, methods, paths or ports, or their `not` exclusions');
    expect(() => new AuthorizationPolicy(chart, 'g', { workload: api, name: 'g', rules: [{ to: [{ paths: ['api'] }] }] })).toThrow('test/g: path "api" must start with \'/\' or \'*\'');
    expect(() => new AuthorizationPolicy(chart, 'h', { workload: api, name: 'h', rules: [{ to: [{ ports: [0] }] }] })).toThrow('test/h: operation port 0 is out of range');
    const jwt = (id: string, issuers: any[]) => () => new JwtAuthentication(chart, id, { workload: front, name: id, issuers });
    expect(jwt('j1', [])).toThrow('test/j1: `issuers` is empty');
    expect(jwt('j2', [{ issuer: 'i', jwks: '{}', jwksUri: 'https://x' }])).toThrow('test/j2: issuer i: set jwksUri or jwks, not both');
    expect(jwt('j3', [{ issuer: 'i', jwksUri: 'ftp://x' }])).toThrow('test/j3: issuer i: jwksUri "ftp://x" is not an http(s) URL');
    expect(jwt('j4', [{ issuer: 'i', jwks: 'nope' }])).toThrow(/test\/j4: issuer i: jwks is not a JWKS JSON document/);
    expect(jwt('j5', [{ issuer: 'i', jwks: '{"keys":[]}', audiences: [] }])).toThrow('test/j5: issuer i: `audiences` is empty');
    expect(jwt('j5b', [{ issuer: 'i', jwks: '{"keys":[]}', audiences: 'shop' }])).toThrow('test/j5b: `issuer i: audiences` must be a list, got the string "shop"');
    expect(jwt('j5c', [{ issuer: 'i', jwks: '{"keys":[]}', audiences: ['shop', ''] }])).toThrow('test/j5c: issuer i: an audience is empty or not a string: list audiences as non-empty strings');
    expect(jwt('j6', [{ issuer: '' }])).toThrow('test/j6: an issuer has an empty `issuer`');
    expect(() => new JwtAuthentication(chart, 'j8', { gateway: new IngressGateway(chart, 'g8', { namespace: gwNs, name: 'g8' }), issuers: [null as any] }))
      .toThrow('test/j8: issuers[0]: props are missing');
    expect(jwt('j7', [{ issuer: 'i', claimsToHeaders: [{ claim: 'sub', header: 'x user' }] }])).toThrow('"x user" is not a valid header name');
    expect(() => new IngressGateway(chart, 'g1', { namespace: gwNs, name: 'g1', tls: { mode: GatewayTlsMode.PASSTHROUGH, credentialName: 'c' } }))
      .toThrow('test/g1: tls.credentialName does not apply to PASSTHROUGH (the service holds the certificate): remove it');
    expect(() => new IngressGateway(chart, 'g2', { namespace: gwNs, name: 'g2', tls: { mode: GatewayTlsMode.MUTUAL } }))
      .toThrow('test/g2: tls.credentialName is required with MUTUAL');
    expect(() => new IngressGateway(chart, 'g3', { namespace: gwNs, name: 'g3', tls: { mode: GatewayTlsMode.PASSTHROUGH, redirectHttp: true } }))
      .toThrow('test/g3: tls.redirectHttp needs a terminating mode');
    const simple = new IngressGateway(chart, 'g4', { namespace: gwNs, name: 'g4' });
    expect(() => simple.routeTls({ sniHosts: ['a.example.com'], to: api })).toThrow('test/g4: routeTls needs tls.mode PASSTHROUGH on the gateway');
    const pt = new IngressGateway(chart, 'g5', { namespace: gwNs, name: 'g5', tls: { mode: GatewayTlsMode.PASSTHROUGH } });
    expect(() => pt.routeTls({ sniHosts: ['a.example.com'], to: api })).toThrow('test/g5: routeTls to test/api: the service has no https/tls port');
    expect(() => pt.routeTls({ sniHosts: [], to: api })).toThrow('test/g5: routeTls needs at least one SNI host');
    const withTls = new MeshService(chart, 'tls-svc', { namespace: api.namespace, image: 't:1', ports: [{ port: 443, protocol: Protocol.https() }] });
    pt.routeTls({ sniHosts: ['a.example.com'], to: withTls });
    expect(() => pt.routeTls({ sniHosts: ['b.example.com', 'a.example.com'], to: withTls }))
      .toThrow('test/g5: routeTls: SNI host "a.example.com" is already routed to test/tls-svc: the gateway forwards each SNI host to one destination; route it once');
    expect(() => simple.route({})).toThrow('test/g4: a gateway route needs `to`, `destinations` (with a service), `redirect` or `directResponse`');
  });

  test('a token required behind a gateway that validates it must reach the workload (forwardOriginalToken)', () => {
    const { chart, gwNs, api } = setup();
    const issuers = [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks' }];
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs });
    gw.route({ to: api });
    new JwtAuthentication(chart, 'edge', { gateway: gw, issuers }).requireToken();
    new JwtAuthentication(chart, 'api-jwt', { workload: api, issuers }).requireToken();
    expect(() => Testing.synth(chart)).toThrow('[test/api-jwt] requires a token from https://auth.example.com, but test/gw validates that issuer (test/edge) and removes the token before forwarding '
      + '(forwardOriginalToken defaults to false), so every request it routes to test/api would be denied: set forwardOriginalToken: true on the gateway\'s issuer');
    // Kept by the gateway, the token reaches the workload.
    const fine = setup();
    const fineGw = new IngressGateway(fine.chart, 'gw', { namespace: fine.gwNs });
    fineGw.route({ to: fine.api });
    new JwtAuthentication(fine.chart, 'edge', { gateway: fineGw, issuers: [{ ...issuers[0], forwardOriginalToken: true }] }).requireToken();
    new JwtAuthentication(fine.chart, 'api-jwt', { workload: fine.api, issuers }).requireToken();
    expect(() => synthValid(fine.chart)).not.toThrow();
  });

  test('callers the app declares (gateway routes, talksTo) that the ALLOW policies on the pods would refuse fail synth', () => {
    const { chart, ns, gwNs, api, front } = setup();
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs });
    gw.route({ to: api });
    api.allowFrom(front);
    front.talksTo(api);
    expect(() => Testing.synth(chart)).toThrow('[test/api] test/gw sends requests to it, but its allowFrom does not list it (cluster.local/ns/istio-gateway/sa/istio-ingressgateway): '
      + 'every request would be refused; add allowFrom(gw)');
    api.allowFrom(gw);
    expect(() => synthValid(chart)).not.toThrow();
    // A namespace that denies by default refuses the callers no ALLOW policy names.
    const denied = setup();
    denied.ns.denyByDefault();
    denied.front.talksTo(denied.api);
    expect(() => Testing.synth(denied.chart)).toThrow('[test/api] test/front sends requests to it, but namespace "app" denies by default (allow-nothing) and no ALLOW policy names it '
      + '(cluster.local/ns/app/sa/front-sa): every request would be refused; add allowFrom(front)');
    // An ALLOW policy of the app's own may allow anything: not second-guessed.
    new AuthorizationPolicy(denied.chart, 'same-ns', { namespace: denied.ns, rules: [{ from: [Source.namespaces(denied.ns)] }] });
    expect(() => Testing.synth(denied.chart)).not.toThrow();
    // allow-nothing also selects a gateway of the same namespace.
    const together = setup();
    together.ns.denyByDefault();
    new IngressGateway(together.chart, 'gw', { namespace: together.ns }).route({ to: together.api });
    together.api.allowFrom(together.front);
    expect(() => Testing.synth(together.chart)).toThrow('[test/gw] namespace "app" denies by default (allow-nothing), which applies to the gateway\'s pods too, and no ALLOW policy is on the gateway: '
      + 'it would refuse every request; add an AuthorizationPolicy on the gateway (`gateway`) that allows its clients, or run the gateway in a namespace of its own');
    void ns;
  });

  test('an ALLOW policy without rules fails at synth', () => {
    const { chart, api } = setup();
    new AuthorizationPolicy(chart, 'empty', { workload: api });
    expect(() => synthValid(chart)).toThrow(/\[test\/empty\] an ALLOW policy without rules denies every request: add rules, or use MeshNamespace.denyByDefault\(\)/);
  });
});
