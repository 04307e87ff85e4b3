import { App, Testing } from 'cdk8s';
import { find, synthAppValid } from './validate';
import { AdoptExisting } from '../examples/adopt-existing/chart';
import { MeshAnalyzer } from '../src';

describe('examples/adopt-existing', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new AdoptExisting(app, 'adopt-existing');
  const yaml = synthAppValid(app);
  const objects = Testing.synth(chart);

  test('no finding with the mesh analysis on', () => {
    expect(MeshAnalyzer.attach(app).findings()).toEqual([]);
  });

  test("the app's workloads keep their configuration and gain what the mesh needs", () => {
    const frontend = find(objects, 'Deployment', 'frontend', 'shop');
    expect(frontend.spec.template.metadata.labels).toMatchObject({ app: 'frontend' });
    expect(frontend.spec.template.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
    expect(frontend.spec.selector.matchLabels).not.toHaveProperty('app'); // the app's selector, untouched
    expect(frontend.spec.template.spec.containers[0].livenessProbe.httpGet.path).toBe('/healthz');
    expect(find(objects, 'Service', 'frontend', 'shop').spec).toEqual({
      type: 'ClusterIP', selector: { app: 'frontend' }, ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    for (const v of ['v1', 'v2']) {
      const catalog = find(objects, 'Deployment', `catalog-${v}`, 'shop');
      expect(catalog.spec.template.metadata.labels).toMatchObject({ app: 'catalog', version: v });
      expect(catalog.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'catalog-db', key: 'password' });
    }
    expect(find(objects, 'DestinationRule', 'catalog').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
    // The StatefulSet's own headless Service is adopted, not replaced.
    const cache = objects.filter((o) => o.kind === 'Service' && o.metadata.name === 'cart-cache');
    expect(cache).toHaveLength(1);
    expect(cache[0].spec.clusterIP).toBe('None');
    expect(find(objects, 'StatefulSet', 'cart-cache').spec.template.metadata.labels).toMatchObject({ app: 'cart-cache' });
  });

  test('the installed gateway and the other team\'s service: referenced, never written', () => {
    expect(objects.filter((o) => o.metadata.namespace !== 'shop' && o.kind !== 'Namespace')).toEqual([]);
    expect(find(objects, 'Gateway', 'shop-gateway').spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }],
    });
    expect(find(objects, 'AuthorizationPolicy', 'frontend-allow').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway']);
    expect(find(objects, 'Sidecar', 'frontend').spec.egress[0].hosts).toEqual([
      'istio-system/*', 'payments/payments.payments.svc.cluster.local', 'shop/catalog.shop.svc.cluster.local',
    ]);
  });

  test('YAML snapshot (deterministic, valid)', () => {
    expect(yaml).toMatchSnapshot();
  });
});
