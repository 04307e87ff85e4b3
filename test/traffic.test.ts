import { Duration } from 'cdk8s';
import {
  ClientTlsMode, HttpMatch, LoadBalancer, MeshNamespace, MeshService, Protocol, RetryOn, StringMatch,
} from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup() {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'app');
  const reviews = new MeshService(chart, 'reviews', { namespace: ns, image: 'reviews:1', port: 9080, version: 'v1' });
  return { chart, ns, reviews };
}

describe('versions and routes (VirtualService, DestinationRule)', () => {
  test('canary: versions become Deployments and subsets; weights and header routing', () => {
    const { chart, reviews } = setup();
    reviews.addVersion('v2', { image: 'reviews:2', replicas: 2 });
    reviews.addRoute({
      name: 'testers',
      matches: [HttpMatch.any().withHeader('x-user', StringMatch.exact('tester'))],
      destinations: [{ version: 'v2' }],
    });
    reviews.addRoute({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }] });
    const objects = synthValid(chart);
    const v2 = find(objects, 'Deployment', 'reviews-v2', 'app');
    expect(v2.spec.replicas).toBe(2);
    expect(v2.spec.selector.matchLabels).toEqual({ app: 'reviews', version: 'v2' });
    expect(v2.spec.template.spec.serviceAccountName).toBe('reviews-sa');
    const v1 = find(objects, 'Deployment', 'reviews-v1', 'app');
    expect(v1.spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
    expect(v1.spec.selector.matchLabels).toEqual({ app: 'reviews', version: 'v1' });
    expect(find(objects, 'Service', 'reviews').spec.selector).toEqual({ app: 'reviews' });
    expect(find(objects, 'DestinationRule', 'reviews', 'app').spec).toEqual({
      host: 'reviews.app.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    const host = 'reviews.app.svc.cluster.local';
    expect(find(objects, 'VirtualService', 'reviews', 'app').spec).toEqual({
      hosts: [host],
      http: [
        { name: 'testers', match: [{ headers: { 'x-user': { exact: 'tester' } } }], route: [{ destination: { host, subset: 'v2', port: { number: 9080 } } }] },
        {
          route: [
            { destination: { host, subset: 'v1', port: { number: 9080 } }, weight: 90 },
            { destination: { host, subset: 'v2', port: { number: 9080 } }, weight: 10 },
          ],
        },
      ],
    });
  });

  test('implicit catch-all stays last; timeouts, retries, fault, mirror, rewrite, headers, CORS', () => {
    const { chart, ns, reviews } = setup();
    const shadow = new MeshService(chart, 'shadow', { namespace: ns, image: 's:1', port: 80 });
    reviews.addRoute({
      matches: [HttpMatch.prefix('/api').withMethod('GET').withQueryParam('debug', StringMatch.exact('1')), HttpMatch.regex('^/v[12]/.*').ignoringCase()],
      timeout: Duration.seconds(5),
      retries: { attempts: 3, perTryTimeout: Duration.millis(1500), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] },
      fault: { delay: { delay: Duration.seconds(2), percent: 10 }, abort: { httpStatus: 503, percent: 0.5 } },
      mirror: { service: shadow, percent: 25 },
      rewrite: { uri: '/', authority: 'internal' },
      requestHeaders: { set: { 'x-b': '2', 'x-a': '1' }, remove: ['cookie'] },
      responseHeaders: { add: { 'x-served-by': 'reviews' } },
      cors: { allowOrigins: [StringMatch.exact('https://shop.example.com')], allowMethods: ['GET'], maxAge: Duration.hours(1), allowCredentials: true },
    });
    reviews.addRoute({ matches: [HttpMatch.prefix('/old').withoutHeader('X-Legacy').withSourceLabels(shadow.selectorLabels)], redirect: { uri: '/new', code: 308 } });
    reviews.addRoute({ matches: [HttpMatch.exact('/ping')], directResponse: { status: 200, body: 'pong' } });
    const http = find(synthValid(chart), 'VirtualService', 'reviews').spec.http;
    expect(http).toHaveLength(4);
    expect(http[0]).toMatchObject({
      match: [
        { uri: { prefix: '/api' }, method: { exact: 'GET' }, queryParams: { debug: { exact: '1' } } },
        { uri: { regex: '^/v[12]/.*' }, ignoreUriCase: true },
      ],
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '1500ms', retryOn: 'gateway-error,connect-failure' },
      fault: { delay: { fixedDelay: '2s', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 0.5 } } },
      mirrors: [{ destination: { host: 'shadow.app.svc.cluster.local', port: { number: 80 } }, percentage: { value: 25 } }],
      rewrite: { uri: '/', authority: 'internal' },
      headers: { request: { set: { 'x-a': '1', 'x-b': '2' }, remove: ['cookie'] }, response: { add: { 'x-served-by': 'reviews' } } },
      corsPolicy: { allowOrigins: [{ exact: 'https://shop.example.com' }], allowMethods: ['GET'], maxAge: '3600s', allowCredentials: true },
    });
    expect(http[1]).toEqual({
      match: [{ uri: { prefix: '/old' }, withoutHeaders: { 'x-legacy': {} }, sourceLabels: { app: 'shadow' } }],
      redirect: { uri: '/new', redirectCode: 308 },
    });
    expect(http[2]).toEqual({ match: [{ uri: { exact: '/ping' } }], directResponse: { status: 200, body: { string: 'pong' } } });
    expect(http[3]).toEqual({ name: 'default', route: [{ destination: { host: 'reviews.app.svc.cluster.local', port: { number: 9080 } } }] });
  });

  test('several HTTP ports: a route to the service itself keeps each port\'s traffic on its port', () => {
    const { chart, ns } = setup();
    const api = new MeshService(chart, 'api', {
      namespace: ns,
      image: 'api:1',
      version: 'v1',
      ports: [{ port: 8080, name: 'http' }, { port: 9090, protocol: Protocol.grpc(), name: 'grpc' }, { port: 5432, protocol: Protocol.tcp(), name: 'tcp-db' }],
    });
    const other = new MeshService(chart, 'other', { namespace: ns, image: 'o:1', port: 80 });
    api.addVersion('v2', { image: 'api:2' });
    api.addRoute({ name: 'canary', matches: [HttpMatch.prefix('/').withHeader('x-canary', StringMatch.exact('1'))], destinations: [{ version: 'v2' }] });
    api.addRoute({ matches: [HttpMatch.prefix('/').withPort(9090)], destinations: [{ version: 'v2' }], mirror: { version: 'v1', percent: 10 } });
    api.addRoute({ matches: [HttpMatch.prefix('/legacy')], destinations: [{ service: other }] });
    const host = 'api.app.svc.cluster.local';
    const to = (port: number, subset?: string) => [{ destination: { host, port: { number: port }, subset } }];
    const canary = { headers: { 'x-canary': { exact: '1' } }, uri: { prefix: '/' } };
    // An explicit destination port wins over the port a request came on (istiod), so each HTTP port gets its own rule.
    expect(find(synthValid(chart), 'VirtualService', 'api').spec.http).toEqual([
      { name: 'canary-8080', match: [{ ...canary, port: 8080 }], route: to(8080, 'v2') },
      { name: 'canary-9090', match: [{ ...canary, port: 9090 }], route: to(9090, 'v2') },
      { match: [{ uri: { prefix: '/' }, port: 9090 }], route: to(9090, 'v2'), mirrors: [{ destination: { host, port: { number: 9090 }, subset: 'v1' }, percentage: { value: 10 } }] },
      // Another service has one port: one rule.
      { match: [{ uri: { prefix: '/legacy' } }], route: [{ destination: { host: 'other.app.svc.cluster.local', port: { number: 80 } } }] },
      { name: 'default-8080', match: [{ port: 8080 }], route: to(8080) },
      { name: 'default-9090', match: [{ port: 9090 }], route: to(9090) },
    ]);
    // A catch-all of the user replaces the implicit rules of every port.
    api.addRoute({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }] });
    const http = find(synthValid(chart), 'VirtualService', 'api').spec.http;
    expect(http.slice(4)).toEqual([
      { match: [{ port: 8080 }], route: [{ ...to(8080, 'v1')[0], weight: 90 }, { ...to(8080, 'v2')[0], weight: 10 }] },
      { match: [{ port: 9090 }], route: [{ ...to(9090, 'v1')[0], weight: 90 }, { ...to(9090, 'v2')[0], weight: 10 }] },
    ]);
    expect(() => api.addRoute({ matches: [HttpMatch.prefix('/late')] })).toThrow('test/api: this route is unreachable (IST0131)');
  });

  test('traffic policy: load balancer, connection pool, outlier detection, TLS, per port', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    new MeshService(chart, 'cart', {
      namespace: ns,
      image: 'c:1',
      ports: [{ port: 80 }, { port: 9090, protocol: Protocol.grpc(), name: 'grpc' }],
      trafficPolicy: {
        loadBalancer: LoadBalancer.consistentHashByCookie('session', Duration.minutes(30)),
        connectionPool: {
          maxConnections: 100,
          connectTimeout: Duration.millis(250),
          maxPendingRequests: 10,
          maxRequests: 200,
          maxRetries: 3,
          idleTimeout: Duration.seconds(60),
        },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
        portSettings: [{ port: 9090, loadBalancer: LoadBalancer.leastRequest(), tlsMode: ClientTlsMode.ISTIO_MUTUAL }],
      },
    });
    expect(find(synthValid(chart), 'DestinationRule', 'cart').spec).toEqual({
      host: 'cart.app.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: { consistentHash: { httpCookie: { name: 'session', ttl: '1800s' } } },
        connectionPool: {
          tcp: { maxConnections: 100, connectTimeout: '250ms' },
          http: { http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRetries: 3, idleTimeout: '60s' },
        },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [{ port: { number: 9090 }, loadBalancer: { simple: 'LEAST_REQUEST' }, tls: { mode: 'ISTIO_MUTUAL' } }],
      },
    });
  });

  test.each([
    ['round robin', LoadBalancer.roundRobin(), { simple: 'ROUND_ROBIN' }],
    ['random', LoadBalancer.random(), { simple: 'RANDOM' }],
    ['header', LoadBalancer.consistentHashByHeader('X-User'), { consistentHash: { httpHeaderName: 'x-user' } }],
    ['source IP', LoadBalancer.consistentHashBySourceIp(), { consistentHash: { useSourceIp: true } }],
    ['query', LoadBalancer.consistentHashByQueryParam('u'), { consistentHash: { httpQueryParameterName: 'u' } }],
  ])('load balancer %s', (_, lb, expected) => {
    const chart = meshChart();
    new MeshService(chart, 's', { namespace: new MeshNamespace(chart, 'app'), image: 's', port: 80, trafficPolicy: { loadBalancer: lb } });
    expect(find(synthValid(chart), 'DestinationRule', 's').spec.trafficPolicy.loadBalancer).toEqual(expected);
  });

  test('errors name the construct and the fix', () => {
    const { chart, ns, reviews } = setup();
    const plain = new MeshService(chart, 'plain', { namespace: ns, image: 'p', port: 80 });
    const outside = new MeshService(chart, 'out', { namespace: new MeshNamespace(chart, 'legacy', { injection: false }), image: 'o', port: 80 });
    reviews.addVersion('v2', { image: 'r:2' });
    const route = (o: any) => () => reviews.addRoute(o);
    expect(route({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 20 }] })).toThrow('test/reviews: destination weights total 110, not 100: adjust them (90 + 20)');
    expect(route({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2' }] })).toThrow('test/reviews: give every destination a weight when splitting traffic');
    expect(route({ destinations: [{ version: 'v3' }] })).toThrow('test/reviews: test/reviews has no version "v3" (versions: v1, v2)');
    expect(route({ destinations: [] })).toThrow('`destinations` is empty');
    expect(route({ matches: [] })).toThrow('`matches` is empty: omit it for a catch-all route');
    expect(route({ retries: { attempts: 0 } })).toThrow('test/reviews: retries.attempts is 0: use at least 1, or omit `retries` for Istio\'s default');
    expect(route({ timeout: Duration.millis(0) })).toThrow('test/reviews: timeout must be a whole number of milliseconds of at least 1ms, got 0ms');
    expect(route({ fault: { abort: { httpStatus: 503, percent: 120 } } })).toThrow('test/reviews: fault abort percent 120 is out of range: use 0 to 100');
    expect(route({ fault: { abort: { httpStatus: 42, percent: 1 } } })).toThrow('fault abort httpStatus 42 is out of range');
    expect(route({ redirect: { code: 200 } })).toThrow('redirect code 200 is not a redirect');
    expect(route({ redirect: { uri: '/' }, directResponse: { status: 200 } })).toThrow('a route either forwards (destinations), redirects or responds directly');
    expect(route({ destinations: [{ service: outside }] })).toThrow('test/reviews: route to test/out goes to a service outside the mesh');
    expect(route({ cors: { allowOrigins: [] } })).toThrow('cors.allowOrigins is empty');
    expect(() => HttpMatch.regex('a(')).toThrow('HttpMatch.regex: "a(" does not compile as RE2 (the syntax of Envoy and Istio): missing closing )');
    expect(() => StringMatch.regex('(?<=x)y')).toThrow('look-around is not RE2 syntax');
    expect(() => HttpMatch.any().withMethod('get')).toThrow('HttpMatch.withMethod: "get" is not an HTTP method');
    expect(() => HttpMatch.any().withQueryParam('q', StringMatch.prefix('a'))).toThrow('Istio matches query parameters only exactly or by regex');
    expect(() => HttpMatch.any().withHeader('bad header', StringMatch.exact('a'))).toThrow('"bad header" is not a valid header name');
    expect(() => plain.addVersion('v2', { image: 'x' })).toThrow("test/plain: set `version` (e.g. 'v1') on the service before addVersion('v2')");
    expect(() => reviews.addVersion('v2', { image: 'x' })).toThrow('test/reviews: version "v2" already exists');
    expect(() => new MeshService(chart, 'badv', { namespace: ns, image: 'x', port: 80, version: 'v 1' }))
      .toThrow('test/badv: version "v 1" cannot name a DestinationRule subset, which istiod wants to be a DNS label: use at most 63 lowercase letters, digits and \'-\'');
    expect(() => reviews.addVersion('v2.1')).toThrow('test/reviews: version "v2.1" cannot name a DestinationRule subset');
    reviews.addRoute({ destinations: [{ version: 'v1' }] });
    expect(route({ matches: [HttpMatch.prefix('/late')] })).toThrow('test/reviews: this route is unreachable (IST0131)');
    expect(() => new MeshService(chart, 'tp', { namespace: ns, image: 'x', port: 80, trafficPolicy: { outlierDetection: { maxEjectionPercent: 150 } } }))
      .toThrow('test/tp: outlierDetection.maxEjectionPercent 150 is out of range');
    expect(() => new MeshService(chart, 'tp2', { namespace: ns, image: 'x', port: 80, trafficPolicy: { portSettings: [{ port: 80 }, { port: 80 }] } }))
      .toThrow('test/tp2: port 80 appears twice in portSettings');
  });

  test('regular expressions are checked with RE2\'s rules, as Envoy and Istio read them', () => {
    const { chart, reviews } = setup();
    // Valid RE2 that JavaScript's RegExp refuses: inline flags and Python-style named groups.
    reviews.addRoute({ matches: [HttpMatch.regex('(?i)^/api/.*'), HttpMatch.any().withHeader('x-user', StringMatch.regex('(?P<name>[a-z]+)-[0-9]+'))] });
    const vs = find(synthValid(chart), 'VirtualService', 'reviews');
    expect(vs.spec.http[0].match).toEqual([{ uri: { regex: '(?i)^/api/.*' } }, { headers: { 'x-user': { regex: '(?P<name>[a-z]+)-[0-9]+' } } }]);
    // Refused by RE2 (JavaScript takes the first two): \Z, a repeat count above 1000, nested repeats, back-references, length.
    expect(() => HttpMatch.regex('^/api\\Z')).toThrow('does not compile as RE2 (the syntax of Envoy and Istio): invalid escape sequence: `\\Z`');
    expect(() => StringMatch.regex('x{1001}')).toThrow('invalid repeat count: `{1001}`');
    expect(() => StringMatch.regex('a++')).toThrow('invalid nested repetition operator');
    expect(() => StringMatch.regex('(a)\\1')).toThrow('back-references are not RE2 syntax');
    expect(() => StringMatch.regex(`^${'a'.repeat(1024)}$`)).toThrow('it is 1026 characters long; Istio allows 1024');
  });
});
