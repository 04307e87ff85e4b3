import { AuthorizationAction, AuthorizationPolicy, Condition, MeshNamespace, MeshService, Operation, Protocol, Source } from '../src';
import { meshChart } from './helpers';
import { synthValid } from './validate';

function setup() {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'app');
  const api = new MeshService(chart, 'api', { namespace: ns, image: 'a', port: 8080 });
  return { chart, ns, api };
}

/** A namespace with an HTTP service (web, 8080) and a TCP one (db, 5432). */
function httpAndTcpNamespace() {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'app');
  new MeshService(chart, 'web', { namespace: ns, image: 'w', port: 8080 });
  new MeshService(chart, 'db', { namespace: ns, image: 'd', ports: [{ port: 5432, protocol: Protocol.tcp() }] });
  return { chart, ns };
}

function policy(to: Operation, action = AuthorizationAction.ALLOW) {
  const { chart, api } = setup();
  return new AuthorizationPolicy(chart, 'p', { workload: api, action, rules: [{ to: [to] }] });
}

describe('request-security mistakes fail with the construct and the fix', () => {
  test('a principal with the spiffe:// scheme would never match', () => {
    expect(() => Source.principals('spiffe://cluster.local/ns/app/sa/front'))
      .toThrow('Source.principals: "spiffe://cluster.local/ns/app/sa/front" starts with spiffe://, but Istio matches principals without the scheme '
        + '(<trust domain>/ns/<namespace>/sa/<service account>), so it would never match: write "cluster.local/ns/app/sa/front"');
    expect(Source.principals('cluster.local/ns/app/sa/front')._toIstio()).toEqual({ principals: ['cluster.local/ns/app/sa/front'] });
  });

  test('paths and hosts Istio could never match are refused', () => {
    expect(() => policy({ paths: ['api/users'] })).toThrow('test/p: path "api/users" must start with \'/\' or \'*\': request paths do, so it would never match; write "/api/users"');
    expect(() => policy({ notPaths: ['/api/*/users'] })).toThrow('test/p: path "/api/*/users" has a `*` inside, but Istio matches paths exactly, '
      + 'by a `*` prefix or suffix only, so it would never match: use /api/* (prefix), *.html (suffix), or a path template (/api/{*}/items, /static/{**})');
    expect(() => policy({ paths: ['/api/{**}/items'] })).toThrow('test/p: path "/api/{**}/items": {**} matches the rest of the path, so it must be the last segment: '
      + 'e.g. /api/{*}/items or /static/{**}');
    expect(() => policy({ paths: ['/api/v{*}'] })).toThrow('test/p: path "/api/v{*}": a template must be a whole segment ({*} or {**} between slashes), '
      + 'and named variables are not supported: e.g. /api/{*}/items or /static/{**}');
    expect(() => policy({ paths: ['/api/{id}/{*}'] })).toThrow('a template must be a whole segment');
    expect(() => policy({ paths: ['/api/{*}/items*'] })).toThrow('test/p: path "/api/{*}/items*" mixes a template with `*` prefix or suffix matching, which Istio rejects: '
      + 'use {*} / {**} segments only, e.g. /api/{*}/items or /static/{**}');
    expect(() => policy({ paths: ['{*}/items'] })).toThrow('test/p: path "{*}/items" is a path template but does not start with \'/\': e.g. /api/{*}/items or /static/{**}');
    expect(() => policy({ hosts: ['api.*.example.com'] })).toThrow('test/p: host "api.*.example.com" has a `*` inside, but Istio matches hosts exactly, '
      + 'by a `*` prefix or suffix, so it would never match: write "*.example.com", "example.*" or list the hosts');
    const ok = policy({ paths: ['/api/{*}/items', '/static/{**}', '/a*', '*.html', '*'], hosts: ['*.example.com', 'example.*', '*'] });
    expect(ok.policy.toJson().spec.rules[0].to[0].operation.paths).toEqual(['/api/{*}/items', '/static/{**}', '/a*', '*.html', '*']);
  });

  test('HTTP-only fields in a rule that applies to a TCP port of the workload', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    const db = new MeshService(chart, 'db', { namespace: ns, image: 'd', ports: [{ port: 5432, protocol: Protocol.tcp() }] });
    const mixed = new MeshService(chart, 'mixed', { namespace: ns, image: 'm', ports: [{ port: 8080 }, { port: 9000, protocol: Protocol.tcp() }] });
    expect(() => new AuthorizationPolicy(chart, 'deny', { workload: mixed, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'] }] }] }))
      .toThrow('test/deny: a DENY rule uses operation.paths, which only HTTP requests carry, but applies to TCP port 9000 of test/mixed: '
        + 'Istio drops the HTTP fields there and the rule denies every connection to it; limit the rule to the HTTP port with `ports: [8080]`');
    expect(() => new AuthorizationPolicy(chart, 'allow', { workload: db, rules: [{ when: [Condition.header('x-user', 'a')] }] }))
      .toThrow('test/allow: an ALLOW rule uses when key "request.headers[x-user]", which only HTTP requests carry, but applies only to TCP port 5432 of test/db: '
        + 'Istio drops the rule there, so it would never allow; allow by source and port alone, or declare the port\'s protocol HTTP if it is');
    // Limited to the HTTP port, or an ALLOW that still matches on the HTTP port: fine.
    new AuthorizationPolicy(chart, 'deny-http', { workload: mixed, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'], ports: [8080] }] }] });
    new AuthorizationPolicy(chart, 'allow-mixed', { workload: mixed, rules: [{ to: [{ methods: ['GET'] }] }] });
    new AuthorizationPolicy(chart, 'allow-l4', { workload: db, rules: [{ from: [Source.namespaces(ns)] }] });
  });

  test('CUSTOM rules cannot match on JWT fields', () => {
    const custom = (rule: object) => {
      const { chart, api } = setup();
      return new AuthorizationPolicy(chart, 'ext', { workload: api, action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [rule] });
    };
    const tail = ', but CUSTOM rules select the requests for the external authorizer before JWT authentication has run, so JWT fields are not supported there: '
      + 'select by paths, hosts, methods or headers and let the authorizer check the token, or put the JWT condition in an ALLOW or DENY policy';
    expect(() => custom({ when: [Condition.claim('groups', 'admin')] })).toThrow(`test/ext: a CUSTOM rule matches on request.auth.claims[groups]${tail}`);
    expect(() => custom({ from: [Source.authenticated()] }))
      .toThrow(`test/ext: a CUSTOM rule matches on request principals (Source.requestPrincipals, authenticated, unauthenticated)${tail}`);
    expect(() => { const { chart, api } = setup(); new AuthorizationPolicy(chart, 'ext', { workload: api, action: AuthorizationAction.CUSTOM, rules: [] }); })
      .toThrow('test/ext: CUSTOM needs a `provider` (the external authorizer)');
    custom({ to: [{ paths: ['/admin*'] }], when: [Condition.header('x-user', 'a')] });
  });

  test('Condition.custom keys and values as Istio\'s webhook validates them', () => {
    const webhook = 'or Istio\'s webhook rejects the policy';
    expect(() => Condition.custom('source.ip', '10.0.0.300')).toThrow(`Condition.custom(source.ip): source.ip takes IP addresses or CIDR ranges (10.0.0.0/8), not "10.0.0.300", ${webhook}`);
    expect(() => Condition.custom('destination.port', '80', 'http')).toThrow(`Condition.custom(destination.port): destination.port takes port numbers (0-65535), not "http", ${webhook}`);
    expect(() => Condition.custom('destination.port', '70000')).toThrow('not "70000"');
    expect(() => Condition.custom('request.headers', 'a')).toThrow(`Condition.custom(request.headers): "request.headers" must name an entry, request.headers[<name>], ${webhook}`);
    expect(() => Condition.custom('experimental.envoy.filters.', 'a')).toThrow('must name an entry, experimental.envoy.filters.<filter>[<name>]');
    expect(() => Condition.custom('destination.namespace', 'app')).toThrow('Condition.custom(destination.namespace): destination.namespace is not supported: '
      + 'the policy\'s own namespace is the destination\'s; create the policy for that namespace');
    expect(() => Condition.custom('destination.labels[app]', 'api')).toThrow('Condition.custom(destination.labels[app]): destination.labels[app] is not supported: '
      + 'the workload selector picks the destination; target the workload (`workload`)');
    expect(() => Condition.custom('destination.user', 'api')).toThrow('Condition.custom(destination.user): destination.user was removed with Istio\'s v1alpha1 RBAC; '
      + 'target the workload (`workload`), or name its callers in `from`');
    expect(() => Condition.custom('request.method', 'GET')).toThrow('Condition.custom(request.method): "request.method" is not an authorization attribute Istio knows, '
      + 'and its webhook rejects the policy: use one of source.ip, remote.ip, destination.ip, source.namespace, source.principal, request.auth.principal, '
      + 'request.auth.audiences, request.auth.presenter, connection.sni, destination.port, request.headers[<name>], request.auth.claims[<name>], '
      + 'experimental.envoy.filters.<filter>[<key>]');
    expect(() => Condition.custom('source.principal', 'spiffe://cluster.local/ns/a/sa/b')).toThrow('Condition.custom(source.principal): "spiffe://cluster.local/ns/a/sa/b" '
      + 'starts with spiffe://, but Istio matches principals without the scheme (<trust domain>/ns/<namespace>/sa/<service account>), '
      + 'so it would never match: write "cluster.local/ns/a/sa/b"');
    for (const [k, v] of [['source.ip', '10.0.0.0/8'], ['remote.ip', '2001:db8::1'], ['destination.port', '8080'], ['request.headers[x-user]', 'a'],
      ['experimental.envoy.filters.network.mysql_proxy[db.table]', '[update]'], ['connection.sni', 'a.example.com'], ['source.principal', 'cluster.local/ns/a/sa/b']]) {
      expect(Condition.custom(k, v)._toIstio()).toEqual({ key: k, values: [v] });
    }
  });

  test('a DENY host that a port in the Host header would get past', () => {
    expect(() => policy({ hosts: ['*.example.com'] }, AuthorizationAction.DENY)).toThrow('test/p: a DENY on host "*.example.com" lets "x.example.com:80" through: '
      + 'hosts match the Host header, which may carry a port, and a host cannot take a `*` both before and after it; '
      + 'list the hosts ("x.example.com": each is denied with and without a port), or allow only the hosts you serve in an ALLOW policy');
    // Bare names are denied with any port too; a prefix match and an explicit port are port-tolerant as written.
    const deny = policy({ hosts: ['admin.example.com', 'admin.*', '*.example.com:8443'] }, AuthorizationAction.DENY);
    expect(deny.policy.toJson().spec.rules[0].to[0].operation.hosts).toEqual(['admin.example.com', 'admin.example.com:*', 'admin.*', '*.example.com:8443']);
    policy({ hosts: ['*.example.com'] }); // ALLOW: a port in the Host header only fails closed
  });

  test('a CUSTOM host and an ALLOW notHosts cover the port forms of the Host header too', () => {
    const custom = (to: Operation) => {
      const { chart, api } = setup();
      return new AuthorizationPolicy(chart, 'p', { workload: api, action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{ to: [to] }] });
    };
    // CUSTOM: a request that misses the hosts skips the external authorizer.
    expect(custom({ hosts: ['admin.example.com'] }).policy.toJson().spec.rules[0].to[0].operation.hosts).toEqual(['admin.example.com', 'admin.example.com:*']);
    expect(() => custom({ hosts: ['*.example.com'] })).toThrow('test/p: a CUSTOM rule on host "*.example.com" lets "x.example.com:80" through: '
      + 'hosts match the Host header, which may carry a port, and a host cannot take a `*` both before and after it; '
      + 'list the hosts ("x.example.com": each is sent to the authorizer with and without a port), or send every host to the authorizer and let it decide');
    // ALLOW: a request that misses the notHosts is allowed.
    const allow = policy({ notHosts: ['admin.example.com', 'internal.*'], paths: ['/api/*'] });
    expect(allow.policy.toJson().spec.rules[0].to[0].operation).toEqual({ notHosts: ['admin.example.com', 'admin.example.com:*', 'internal.*'], paths: ['/api/*'] });
    expect(() => policy({ notHosts: ['*.internal.example.com'] })).toThrow('test/p: an ALLOW rule excluding host "*.internal.example.com" (notHosts) lets '
      + '"x.internal.example.com:80" through: hosts match the Host header, which may carry a port, and a host cannot take a `*` both before and after it; '
      + 'list the hosts ("x.internal.example.com": each is excluded with and without a port), or allow only the hosts you serve with `hosts`');
    expect(() => policy({ notHosts: ['a.*.example.com'] })).toThrow('test/p: host "a.*.example.com" has a `*` inside');
    // DENY: a request that misses the notHosts is denied, so they stay as written.
    expect(policy({ notHosts: ['public.example.com'] }, AuthorizationAction.DENY).policy.toJson().spec.rules[0].to[0].operation.notHosts).toEqual(['public.example.com']);
  });

  test('notMethods and notPorts are checked like methods and ports', () => {
    const { chart, ns } = setup();
    const two = new MeshService(chart, 'two', { namespace: ns, image: 't', ports: [{ port: 8080 }, { port: 9090, name: 'http-admin' }] });
    const ok = new AuthorizationPolicy(chart, 'ok', { workload: two, action: AuthorizationAction.DENY, rules: [{ to: [{ notMethods: ['GET', 'HEAD'], notPorts: [8080] }] }] });
    expect(ok.policy.toJson().spec.rules[0].to[0].operation).toEqual({ notMethods: ['GET', 'HEAD'], notPorts: ['8080'] });
    expect(synthValid(chart).length).toBeGreaterThan(0);
    expect(() => policy({ notMethods: ['delete'] })).toThrow('test/p: operation notMethods');
    expect(() => policy({ notPorts: [9090] })).toThrow('test/p: operation notPorts port 9090 is not a port that test/api listens on (8080): the exclusion would never apply; '
      + 'authorization matches the workload\'s port (a Service\'s targetPort), not the Service port');
    expect(() => policy({ notPorts: [] })).toThrow('test/p: operation notPorts');
    expect(() => policy({ notPorts: [70000] })).toThrow('70000');
    expect(() => policy({})).toThrow('test/p: an operation needs hosts, methods, paths or ports, or their `not` exclusions');
  });

  test('notPorts narrow the ports an HTTP-only rule reaches', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    const mixed = new MeshService(chart, 'mixed', { namespace: ns, image: 'm', ports: [{ port: 8080 }, { port: 9000, protocol: Protocol.tcp() }] });
    // Excluding the TCP port keeps the DENY on HTTP; excluding the HTTP port leaves it on TCP only.
    new AuthorizationPolicy(chart, 'deny-http', { workload: mixed, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'], notPorts: [9000] }] }] });
    expect(() => new AuthorizationPolicy(chart, 'deny-tcp', { workload: mixed, action: AuthorizationAction.DENY, rules: [{ to: [{ notMethods: ['GET'], notPorts: [8080] }] }] }))
      .toThrow('test/deny-tcp: a DENY rule uses operation.notMethods, which only HTTP requests carry, but applies to TCP port 9000 of test/mixed');
    expect(() => new AuthorizationPolicy(chart, 'allow-tcp', { workload: mixed, rules: [{ to: [{ notPaths: ['/admin*'], notPorts: [8080] }] }] }))
      .toThrow('test/allow-tcp: an ALLOW rule uses operation.notPaths, which only HTTP requests carry, but applies only to TCP port 9000 of test/mixed');
    expect(() => new AuthorizationPolicy(chart, 'nothing', { workload: mixed, rules: [{ to: [{ notPorts: [8080, 9000] }] }] }))
      .toThrow('test/nothing: the rule\'s notPorts exclude every port that test/mixed listens on (8080, 9000): it would never match; drop the rule, or exclude fewer ports');
    expect(synthValid(chart).length).toBeGreaterThan(0);
  });

  test('a namespace-wide DENY on HTTP fields that excludes the TCP ports synthesizes', () => {
    const { chart, ns } = httpAndTcpNamespace();
    new AuthorizationPolicy(chart, 'no-admin', { namespace: ns, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'], notPorts: [5432] }] }] });
    expect(() => synthValid(chart)).not.toThrow();
    new AuthorizationPolicy(chart, 'no-put', { namespace: ns, action: AuthorizationAction.DENY, rules: [{ to: [{ methods: ['PUT'], notPorts: [8080] }] }] });
    expect(() => synthValid(chart)).toThrow('[test/db] the DENY policy test/no-put on namespace "app" has a rule on operation.methods');
  });

  test('a namespace-wide DENY on HTTP fields reaching TCP ports of the namespace fails at synth', () => {
    const { chart, ns } = httpAndTcpNamespace();
    new AuthorizationPolicy(chart, 'no-admin', { namespace: ns, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'] }] }] });
    expect(() => synthValid(chart)).toThrow('[test/db] the DENY policy test/no-admin on namespace "app" has a rule on operation.paths, which only HTTP requests carry, '
      + 'but its pods\' TCP port 5432 is in the namespace too: Istio drops the HTTP fields there and the rule denies every connection to them; '
      + 'limit the rule to the HTTP ports with `ports` (or exclude the TCP ones with `notPorts`), or target the HTTP workloads (`workload`)');
  });

  test('a namespace-wide DENY on HTTP fields limited to HTTP ports, or without TCP services, synthesizes', () => {
    const { chart, ns } = httpAndTcpNamespace();
    new AuthorizationPolicy(chart, 'no-admin', { namespace: ns, action: AuthorizationAction.DENY, rules: [{ to: [{ paths: ['/admin*'], ports: [8080] }] }] });
    new AuthorizationPolicy(chart, 'l4', { namespace: ns, action: AuthorizationAction.DENY, rules: [{ from: [Source.ipBlocks('10.9.0.0/16')] }] });
    expect(() => synthValid(chart)).not.toThrow();
  });
});
