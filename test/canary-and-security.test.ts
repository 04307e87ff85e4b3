import { App, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { find, synthAppValid } from './validate';
import { CanaryAndSecurity } from '../examples/canary-and-security/chart';

describe('examples/canary-and-security', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new CanaryAndSecurity(app, 'canary-and-security');
  const yaml = synthAppValid(app);
  const objects = Testing.synth(chart);

  test('YAML snapshot (deterministic, valid)', () => {
    expect(yaml).toMatchSnapshot();
  });

  test('canary weights, tester header, retries and timeout', () => {
    const host = 'reviews.shop.svc.cluster.local';
    expect(find(objects, 'VirtualService', 'reviews', 'shop').spec.http).toEqual([
      { name: 'testers', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { host, subset: 'v2', port: { number: 9080 } } }] },
      {
        name: 'canary',
        route: [
          { destination: { host, subset: 'v1', port: { number: 9080 } }, weight: 90 },
          { destination: { host, subset: 'v2', port: { number: 9080 } }, weight: 10 },
        ],
        timeout: '3s',
        retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' },
      },
    ]);
    expect(find(objects, 'DestinationRule', 'reviews').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
  });

  test('circuit breaking on ratings', () => {
    expect(find(objects, 'DestinationRule', 'ratings').spec.trafficPolicy).toEqual({
      connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10, http2MaxRequests: 100 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      tls: { mode: 'ISTIO_MUTUAL' },
    });
  });

  test('JWT at the gateway and default-deny with explicit allows', () => {
    expect(find(objects, 'RequestAuthentication', 'istio-ingressgateway-jwt', 'istio-ingress').spec.jwtRules[0].jwksUri)
      .toBe('https://auth.example.com/.well-known/jwks.json');
    expect(find(objects, 'AuthorizationPolicy', 'istio-ingressgateway-jwt-required', 'istio-ingress').spec.rules)
      .toEqual([{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*'] } }] }]);
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing', 'shop').spec).toEqual({});
    const allowed = (name: string) => find(objects, 'AuthorizationPolicy', `${name}-allow`, 'shop').spec.rules[0].from[0].source.principals;
    expect(allowed('frontend')).toEqual(['cluster.local/ns/istio-ingress/sa/istio-ingressgateway']);
    expect(allowed('reviews')).toEqual(['cluster.local/ns/shop/sa/frontend-sa']);
    expect(allowed('ratings')).toEqual(['cluster.local/ns/shop/sa/reviews-sa']);
    expect(find(objects, 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('egress: REGISTRY_ONLY, one ServiceEntry, sidecars limited to dependencies; one merged mesh document', () => {
    const mesh = parse(find(objects, 'ConfigMap', 'istio-user', 'istio-system').data.mesh);
    expect(mesh.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(mesh.extensionProviders.map((p: any) => p.name)).toEqual(['envoy-access-log', 'otel-tracing']);
    // The tracing collector too: without it the proxy would have no cluster to export spans to.
    expect(find(objects, 'Sidecar', 'reviews', 'shop').spec.egress[0].hosts)
      .toEqual(['egress/api.payments.example.com', 'istio-system/*', 'observability/otel-collector.observability.svc.cluster.local', 'shop/ratings.shop.svc.cluster.local']);
    expect(find(objects, 'Gateway', 'istio-ingressgateway').spec.servers.map((s: any) => s.tls))
      .toEqual([{ httpsRedirect: true }, { mode: 'SIMPLE', credentialName: 'shop-example-com-tls' }]);
  });
});
