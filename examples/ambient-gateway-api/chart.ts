// Bookinfo on Istio's ambient data plane, described with the Kubernetes Gateway API: no sidecars
// (ztunnel carries mTLS and L4 policy), ingress through a Gateway of class `istio` in its own
// namespace (its route reaches productpage through a ReferenceGrant), a waypoint for `reviews` that
// applies an HTTPRoute splitting traffic between versions and an L7 policy (only productpage may GET).
// In an app repo the import is `from 'cdk8s-mesh'`.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AuthorizationPolicy, DataplaneMode, GatewayApiIngress, HttpMatch, MeshNamespace, MeshPlatform, MeshService, MtlsPolicy, Source, Waypoint,
} from 'cdk8s-mesh';

/** The Bookinfo images, as Istio publishes them. */
const image = (name: string, version: string) => `docker.io/istio/examples-bookinfo-${name}-${version}:1.20.3`;

export class AmbientGatewayApi extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    MeshPlatform.istio().applyTo(this);

    const bookinfo = new MeshNamespace(this, 'bookinfo', { dataplaneMode: DataplaneMode.AMBIENT });
    const ingressNs = new MeshNamespace(this, 'bookinfo-ingress', { dataplaneMode: DataplaneMode.AMBIENT });
    new MtlsPolicy(this, 'mtls'); // mesh-wide STRICT: ztunnel accepts only HBONE (mTLS) traffic

    const service = (name: string, version = 'v1') => new MeshService(this, name, {
      namespace: bookinfo,
      image: image(name, version),
      port: 9080,
      version,
      serviceAccount: { name: `bookinfo-${name}` },
    });
    const productpage = service('productpage');
    const details = service('details');
    const ratings = service('ratings');
    const reviews = service('reviews');
    reviews.addVersion('v2', { image: image('reviews', 'v2') });
    reviews.addVersion('v3', { image: image('reviews', 'v3') });

    // L7 for reviews only: its traffic goes through the waypoint, which applies the route and the policy below.
    const waypoint = new Waypoint(this, 'waypoint', { namespace: bookinfo });
    waypoint.addService(reviews);
    reviews.addRoute({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }] });

    // L7 policy, enforced by the waypoint (targetRefs: Service reviews): productpage may GET, nothing else.
    new AuthorizationPolicy(this, 'reviews-viewer', {
      workload: reviews,
      name: 'reviews-viewer',
      rules: [{ from: [Source.services(productpage)], to: [{ methods: ['GET'] }] }],
    });

    // Ingress through the Gateway API: istiod deploys the gateway (ServiceAccount ingress-istio).
    const ingress = new GatewayApiIngress(this, 'ingress', { namespace: ingressNs });
    ingress.route({
      matches: [
        HttpMatch.exact('/productpage'), HttpMatch.prefix('/static'), HttpMatch.exact('/login'), HttpMatch.exact('/logout'),
        HttpMatch.prefix('/api/v1/products'),
      ],
      to: productpage,
    });

    // L4 policies, enforced by ztunnel: who may open connections to whom.
    productpage.allowFrom(ingress);
    details.allowFrom(productpage);
    ratings.allowFrom(reviews);
  }
}
