// Istio's Bookinfo sample (samples/bookinfo of Istio 1.30.3) with the typed API only: the four
// services and their versions (platform/kube/bookinfo.yaml), the route through the ingress gateway
// `istioctl install` runs (networking/bookinfo-gateway.yaml), mutual TLS to every subset
// (destination-rule-all-mtls.yaml), the routing of the traffic-management tasks and the fault
// injection tasks (virtual-service-*.yaml), the policies of the HTTP authorization task, and TLS
// origination to Google APIs (egress-rule-google-apis.yaml). test/bookinfo.test.ts compares every
// object with the sample's, field by field, and lists each difference with its reason.
// In an app repo the import is `from 'cdk8s-mesh'`.
import { Chart, Duration } from 'cdk8s';
import { Volume } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import {
  AuthorizationPolicy, ExternalService, HttpMatch, HttpRouteOptions, IngressGateway, InstalledGateway, MeshNamespace, MeshPlatform,
  MeshService, MeshServiceProps, Protocol, Source, StringMatch,
} from 'cdk8s-mesh';

/** The routing of Istio's request-routing and traffic-shifting tasks (one `virtual-service-*.yaml` each). */
export enum BookinfoRouting {
  /** `virtual-service-all-v1.yaml`: every service to v1. */
  ALL_V1 = 'all-v1',
  /** `virtual-service-reviews-test-v2.yaml`: user jason to reviews v2, everyone else to v1. */
  REVIEWS_JASON_V2 = 'reviews-test-v2',
  /** `virtual-service-reviews-jason-v2-v3.yaml`: user jason to reviews v2, everyone else to v3. */
  REVIEWS_JASON_V2_ELSE_V3 = 'reviews-jason-v2-v3',
  /** `virtual-service-reviews-90-10.yaml`: reviews 90% v1, 10% v2. */
  REVIEWS_90_10 = 'reviews-90-10',
  /** `virtual-service-reviews-80-20.yaml`: reviews 80% v1, 20% v2. */
  REVIEWS_80_20 = 'reviews-80-20',
  /** `virtual-service-reviews-50-v3.yaml`: reviews 50% v1, 50% v3. */
  REVIEWS_50_V3 = 'reviews-50-v3',
  /** `virtual-service-reviews-v2-v3.yaml`: reviews 50% v2, 50% v3. */
  REVIEWS_V2_V3 = 'reviews-v2-v3',
  /** `virtual-service-reviews-v3.yaml`: reviews to v3. */
  REVIEWS_V3 = 'reviews-v3',
}

/** The fault-injection task's faults on ratings for user jason (the rest of ratings goes to v1). */
export enum BookinfoFault {
  /** `virtual-service-ratings-test-delay.yaml`: a 7 s delay. */
  RATINGS_DELAY = 'ratings-test-delay',
  /** `virtual-service-ratings-test-abort.yaml`: HTTP 500. */
  RATINGS_ABORT = 'ratings-test-abort',
}

/** Which of the sample's optional parts the chart includes. */
export interface BookinfoProps {
  /**
   * Routing by version. Variants other than ALL_V1 replace the reviews route of ALL_V1, as the
   * tasks apply them on top of it.
   * @default - no VirtualService: the Services balance over every version
   */
  readonly routing?: BookinfoRouting;
  /** @default - no fault */
  readonly fault?: BookinfoFault;
  /**
   * The policies of the HTTP authorization task: `allow-nothing` in the namespace, then GET to
   * productpage from anyone, to details and reviews from productpage, to ratings from reviews.
   * @default false
   */
  readonly authorization?: boolean;
  /**
   * `www.googleapis.com` as an external service, with HTTP on port 80 originated as TLS to 443
   * (details v2 calls it).
   * @default false
   */
  readonly egress?: boolean;
}

const IMAGE = (service: string, version: string) => `registry.istio.io/release/examples-bookinfo-${service}-${version}:1.20.3`;

export class Bookinfo extends Chart {
  public readonly productpage: MeshService;
  public readonly details: MeshService;
  public readonly ratings: MeshService;
  public readonly reviews: MeshService;
  public readonly gateway: IngressGateway;

  constructor(scope: Construct, id: string, props: BookinfoProps = {}) {
    super(scope, id);
    MeshPlatform.istio().applyTo(this);
    // The sample runs in `default`, labelled istio-injection=enabled by the install instructions.
    const ns = new MeshNamespace(this, 'default');

    // Each service: a Service `<name>` (labels app, service) with port `http` 9080, a
    // ServiceAccount `bookinfo-<name>` (label account), a Deployment `<name>-v1`.
    const service = (name: string, options: Partial<MeshServiceProps> = {}) => new MeshService(this, name, {
      namespace: ns,
      image: IMAGE(name, 'v1'),
      ports: [{ port: 9080, name: 'http' }],
      version: 'v1',
      serviceLabels: { service: name },
      serviceAccount: { name: `bookinfo-${name}`, labels: { account: name } },
      ...options,
    });

    this.details = service('details');
    this.details.addVersion('v2'); // bookinfo-details-v2.yaml, applied on its own

    this.ratings = service('ratings');
    // bookinfo-ratings-v2*.yaml: other manifests deploy these, with their own databases.
    for (const v of ['v2', 'v2-mysql', 'v2-mysql-vm']) this.ratings.addVersion(v);

    // Liberty writes its logs and work area: writable emptyDirs under the read-only root.
    const tmp = Volume.fromEmptyDir(this, 'reviews-tmp', 'tmp');
    const wlpOutput = Volume.fromEmptyDir(this, 'reviews-wlp-output', 'wlp-output');
    this.reviews = service('reviews', {
      env: { LOG_DIR: '/tmp/logs' },
      volumeMounts: [{ volume: tmp, path: '/tmp' }, { volume: wlpOutput, path: '/opt/ibm/wlp/output' }],
    });
    this.reviews.addVersion('v2', { image: IMAGE('reviews', 'v2') });
    this.reviews.addVersion('v3', { image: IMAGE('reviews', 'v3') });

    const pageTmp = Volume.fromEmptyDir(this, 'productpage-tmp', 'tmp');
    this.productpage = service('productpage', {
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080', 'prometheus.io/path': '/metrics' },
      volumeMounts: [{ volume: pageTmp, path: '/tmp' }],
    });

    this.gateway = new IngressGateway(this, 'bookinfo-gateway', {
      namespace: ns,
      name: 'bookinfo-gateway',
      installed: InstalledGateway.istioctl(), // istio: ingressgateway, listening on 8080
    });
    this.gateway.route({
      matches: [HttpMatch.exact('/productpage'), HttpMatch.prefix('/static'), HttpMatch.exact('/login'), HttpMatch.exact('/logout'), HttpMatch.prefix('/api/v1/products')],
      to: this.productpage,
      port: 9080,
    });

    this.route(props.routing, props.fault);
    if (props.authorization) this.authorize(ns);
    if (props.egress) {
      new ExternalService(this, 'googleapis', {
        namespace: ns,
        hosts: ['www.googleapis.com'],
        ports: [{ port: 80, protocol: Protocol.http(), name: 'http' }, { port: 443, protocol: Protocol.https(), name: 'https' }],
        tlsOrigination: {}, // HTTP on 80 leaves as TLS to 443
      });
    }
  }

  private route(routing: BookinfoRouting | undefined, fault: BookinfoFault | undefined): void {
    const to = (version: string): HttpRouteOptions => ({ destinations: [{ version }] });
    const split = (a: string, weight: number, b: string): HttpRouteOptions => ({
      destinations: [{ version: a, weight }, { version: b, weight: 100 - weight }],
    });
    const jason = [HttpMatch.any().withHeader('end-user', StringMatch.exact('jason'))];
    const reviews: Record<BookinfoRouting, HttpRouteOptions[]> = {
      [BookinfoRouting.ALL_V1]: [to('v1')],
      [BookinfoRouting.REVIEWS_JASON_V2]: [{ ...to('v2'), matches: jason }, to('v1')],
      [BookinfoRouting.REVIEWS_JASON_V2_ELSE_V3]: [{ ...to('v2'), matches: jason }, to('v3')],
      [BookinfoRouting.REVIEWS_90_10]: [split('v1', 90, 'v2')],
      [BookinfoRouting.REVIEWS_80_20]: [split('v1', 80, 'v2')],
      [BookinfoRouting.REVIEWS_50_V3]: [split('v1', 50, 'v3')],
      [BookinfoRouting.REVIEWS_V2_V3]: [split('v2', 50, 'v3')],
      [BookinfoRouting.REVIEWS_V3]: [to('v3')],
    };
    if (routing !== undefined) {
      for (const svc of [this.productpage, this.details]) svc.addRoute(to('v1'));
      reviews[routing].forEach((r) => this.reviews.addRoute(r));
    }
    if (fault !== undefined) {
      this.ratings.addRoute({
        ...to('v1'),
        matches: jason,
        fault: fault === BookinfoFault.RATINGS_DELAY
          ? { delay: { delay: Duration.seconds(7), percent: 100 } }
          : { abort: { httpStatus: 500, percent: 100 } },
      });
    }
    if (routing !== undefined || fault !== undefined) this.ratings.addRoute(to('v1'));
  }

  private authorize(ns: MeshNamespace): void {
    ns.denyByDefault(); // allow-nothing
    const get = [{ methods: ['GET'] }];
    new AuthorizationPolicy(this, 'productpage-viewer', { name: 'productpage-viewer', workload: this.productpage, rules: [{ to: get }] });
    for (const [target, caller] of [[this.details, this.productpage], [this.reviews, this.productpage], [this.ratings, this.reviews]]) {
      new AuthorizationPolicy(this, `${target.name}-viewer`, {
        name: `${target.name}-viewer`,
        workload: target,
        rules: [{ from: [Source.services(caller)], to: get }],
      });
    }
  }
}
