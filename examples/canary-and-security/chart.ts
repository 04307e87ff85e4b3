// A shop on open-source Istio (revision 1-30): a canary release of `reviews` (90/10, and v2 for
// testers by header) with retries and a timeout, circuit breaking on `ratings`, JWT required at
// the gateway for /api, default-deny in the shop namespace with explicit allows, STRICT mTLS,
// REGISTRY_ONLY egress with one external API, and sidecars limited to declared dependencies.
// In an app repo the import is `from 'cdk8s-mesh'`.
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AccessLog, ExternalService, HttpMatch, IngressGateway, JwtAuthentication, LoadBalancer, MeshNamespace, MeshOptions, MeshPlatform,
  MeshService, MtlsPolicy, OutboundTrafficPolicy, RetryOn, StringMatch, Tracing, TracingConfig,
} from 'cdk8s-mesh';

export class CanaryAndSecurity extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // istiod runs with SHARED_MESH_CONFIG=istio-user: the app's MeshConfig goes there, under the installer's.
    MeshPlatform.istio({ revision: '1-30', sharedMeshConfig: 'istio-user' }).applyTo(this);

    const shop = new MeshNamespace(this, 'shop');
    const ingress = new MeshNamespace(this, 'istio-ingress');
    const egress = new MeshNamespace(this, 'egress');
    shop.denyByDefault();
    new MtlsPolicy(this, 'mtls');

    const ratings = new MeshService(this, 'ratings', {
      namespace: shop,
      image: 'registry.example.com/shop/ratings:1.4.0',
      port: 9080,
      trafficPolicy: {
        // Circuit breaking: bounded queues, and endpoints that keep failing are ejected.
        connectionPool: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 100 },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      },
    });

    const reviews = new MeshService(this, 'reviews', {
      namespace: shop,
      image: 'registry.example.com/shop/reviews:1.0.0',
      port: 9080,
      version: 'v1',
      trafficPolicy: { loadBalancer: LoadBalancer.leastRequest() },
    });
    reviews.addVersion('v2', { image: 'registry.example.com/shop/reviews:2.0.0' });
    reviews.addRoute({
      name: 'testers',
      matches: [HttpMatch.any().withHeader('x-canary', StringMatch.exact('always'))],
      destinations: [{ version: 'v2' }],
    });
    reviews.addRoute({
      name: 'canary',
      destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }],
      timeout: Duration.seconds(3),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(1), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM] },
    });

    const payments = new ExternalService(this, 'payments-api', { namespace: egress, hosts: ['api.payments.example.com'] });
    new MeshOptions(this, 'mesh', { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY });

    const frontend = new MeshService(this, 'frontend', { namespace: shop, image: 'registry.example.com/shop/frontend:3.2.1', port: 8080 });

    const gateway = new IngressGateway(this, 'gateway', {
      namespace: ingress,
      hosts: ['shop.example.com'],
      replicas: 2,
      tls: { credentialName: 'shop-example-com-tls', redirectHttp: true },
    });
    gateway.route({ to: frontend, match: HttpMatch.prefix('/') });

    const jwt = new JwtAuthentication(this, 'jwt', {
      gateway,
      issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json', audiences: ['shop'] }],
    });
    jwt.requireToken({ paths: ['/api/*'] });

    // Who may call whom (default-deny makes these the only allowed calls) and whom each calls.
    frontend.allowFrom(gateway);
    reviews.allowFrom(frontend);
    ratings.allowFrom(reviews);
    frontend.talksTo(reviews);
    reviews.talksTo(ratings, payments);

    new TracingConfig(this, 'observability', {
      accessLog: AccessLog.json(),
      tracing: Tracing.openTelemetry({ service: 'otel-collector.observability.svc.cluster.local', samplingPercent: 10 }),
    });
  }
}
