import { AuthorizationAction, AuthorizationPolicy, Condition, MeshNamespace, MeshService, Operation, Protocol, Source } from '../src';
import { meshChart } from './helpers';

function setup() {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'app');
  const api = new MeshService(chart, 'api', { namespace: ns, image: 'a', port: 8080 });
  return { chart, ns, api };
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
});
