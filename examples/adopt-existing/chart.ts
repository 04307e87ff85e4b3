// An app repository that already has its workloads, written with cdk8s-plus: they join the mesh
// as they are. `frontend` and `catalog` (v1 and a v2 canary) are Deployments with probes, volumes and
// env from Secrets; `cart-cache` is a StatefulSet with its own headless Service; `payments` belongs to
// another team and is only referenced; the ingress gateway is the one Istio's `gateway` Helm chart
// installed in istio-system. The library writes what the mesh needs and nothing the app already has.
// In an app repo the import is `from 'cdk8s-mesh'`.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import {
  HttpMatch, IngressGateway, InstalledGateway, MeshNamespace, MeshPlatform, MeshService, MtlsPolicy, Protocol,
} from 'cdk8s-mesh';

/** The app as its team wrote it, before any mesh: plain cdk8s-plus. */
export class ShopWorkloads extends Construct {
  public readonly frontend: kplus.Deployment;
  public readonly catalog: kplus.Deployment;
  public readonly catalogV2: kplus.Deployment;
  public readonly cache: kplus.StatefulSet;
  public readonly cacheService: kplus.Service;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const dbPassword = kplus.Secret.fromSecretName(this, 'db-secret', 'catalog-db');
    const settings = new kplus.ConfigMap(this, 'frontend-settings', { metadata: { name: 'frontend-settings' }, data: { 'theme.json': '{"color":"teal"}' } });

    this.frontend = new kplus.Deployment(this, 'frontend', {
      metadata: { name: 'frontend' },
      replicas: 2,
      serviceAccount: new kplus.ServiceAccount(this, 'frontend-sa', { metadata: { name: 'frontend' } }),
      containers: [{
        name: 'frontend',
        image: 'registry.example.com/shop/frontend:3.2.0',
        ports: [{ number: 8080, name: 'http' }],
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        volumeMounts: [
          { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'frontend-tmp', 'tmp') },
          { path: '/etc/frontend', volume: kplus.Volume.fromConfigMap(this, 'frontend-config', settings) },
        ],
      }],
    });

    const catalogSa = new kplus.ServiceAccount(this, 'catalog-sa', { metadata: { name: 'catalog' } });
    const catalog = (version: string, image: string) => {
      const deployment = new kplus.Deployment(this, `catalog-${version}`, {
        metadata: { name: `catalog-${version}` },
        serviceAccount: catalogSa,
        containers: [{
          name: 'catalog',
          image,
          ports: [{ number: 9090, name: 'grpc' }],
          readiness: kplus.Probe.fromTcpSocket({ port: 9090 }),
          envVariables: { DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: dbPassword, key: 'password' }) },
          volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, `catalog-${version}-tmp`, 'tmp') }],
        }],
      });
      deployment.podMetadata.addLabel('app', 'catalog');
      return deployment;
    };
    this.catalog = catalog('v1', 'registry.example.com/shop/catalog:1.8.0');
    this.catalogV2 = catalog('v2', 'registry.example.com/shop/catalog:2.0.0-rc.1');

    this.cacheService = new kplus.Service(this, 'cart-cache-service', {
      metadata: { name: 'cart-cache' },
      clusterIP: 'None',
      ports: [{ port: 6379, name: 'tcp-redis' }],
    });
    this.cache = new kplus.StatefulSet(this, 'cart-cache', {
      metadata: { name: 'cart-cache' },
      service: this.cacheService,
      serviceAccount: new kplus.ServiceAccount(this, 'cart-cache-sa', { metadata: { name: 'cart-cache' } }),
      containers: [{
        name: 'redis',
        image: 'redis:7.4',
        ports: [{ number: 6379, name: 'tcp-redis' }],
        securityContext: { user: 999, group: 999 },
        volumeMounts: [{ path: '/data', volume: kplus.Volume.fromEmptyDir(this, 'cart-cache-data', 'data') }],
      }],
    });
  }
}

export class AdoptExisting extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });
    MeshPlatform.istio().applyTo(this);

    const shop = new MeshNamespace(this, 'shop');
    shop.denyByDefault();
    new MtlsPolicy(this, 'mtls', { namespace: shop });
    const app = new ShopWorkloads(this, 'app');

    // The app's workloads join the mesh: labels, sidecar annotations and a Service with protocol-named ports are added.
    const frontend = new MeshService(this, 'frontend', { namespace: shop, workload: app.frontend });
    const catalog = new MeshService(this, 'catalog', { namespace: shop, workload: app.catalog, version: 'v1' });
    catalog.addVersion('v2', { workload: app.catalogV2 });
    catalog.addRoute({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }] });
    const cache = new MeshService(this, 'cart-cache', { namespace: shop, workload: app.cache, service: app.cacheService });

    // Another team's service: referenced, never deployed from here.
    const payments = MeshService.fromServiceAttributes(this, 'payments', {
      name: 'payments',
      namespace: MeshNamespace.fromNamespaceName(this, 'payments-ns', 'payments'),
      ports: [{ port: 8443, protocol: Protocol.grpc(), name: 'grpc' }],
      serviceAccountName: 'payments-api',
    });

    // The ingress gateway that Istio's Helm chart installed in istio-system.
    const gateway = new IngressGateway(this, 'gateway', {
      namespace: shop,
      name: 'shop-gateway',
      installed: InstalledGateway.istioHelmChart(),
      hosts: ['shop.example.com'],
    });
    gateway.route({ match: HttpMatch.prefix('/'), to: frontend });

    frontend.allowFrom(gateway);
    catalog.allowFrom(frontend);
    cache.allowFrom(catalog);
    frontend.talksTo(catalog, payments);
    catalog.talksTo(cache);
  }
}
