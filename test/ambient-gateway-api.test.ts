import { App, Testing } from 'cdk8s';
import { find, synthAppValid } from './validate';
import { AmbientGatewayApi } from '../examples/ambient-gateway-api/chart';
import { MeshAnalyzer, MeshDiagram } from '../src';

describe('examples/ambient-gateway-api', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new AmbientGatewayApi(app, 'ambient-gateway-api');
  // Synthesizes with the analysis on (an error would throw); every object passes the Gateway API,
  // Istio and Kubernetes schemas with their CEL rules, and the independent validators.
  const yaml = synthAppValid(app);
  const objects = Testing.synth(chart);

  test('YAML snapshot (deterministic, valid), and no finding of the analysis at all', () => {
    expect(yaml).toMatchSnapshot();
    expect(MeshAnalyzer.attach(app).findings()).toEqual([]);
  });

  test('ambient namespaces, no sidecar settings on the pods', () => {
    expect(find(objects, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      expect(d.spec.template.metadata.annotations ?? {}).toEqual({});
    }
  });

  test('ingress through a Gateway API Gateway, its route in the gateway namespace with a ReferenceGrant', () => {
    expect(find(objects, 'Gateway', 'ingress', 'bookinfo-ingress').spec).toEqual({
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
    });
    const route = find(objects, 'HTTPRoute', 'ingress-all', 'bookinfo-ingress');
    expect(route.spec.parentRefs).toEqual([{ name: 'ingress' }]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'productpage', namespace: 'bookinfo', port: 9080 }]);
    expect(find(objects, 'ReferenceGrant', 'from-bookinfo-ingress-to-services', 'bookinfo').spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'bookinfo-ingress' }],
      to: [{ group: '', kind: 'Service', name: 'productpage' }],
    });
  });

  test('a waypoint for reviews applies the version split (an HTTPRoute on the Service) and the L7 policy', () => {
    expect(find(objects, 'Gateway', 'waypoint', 'bookinfo').spec.gatewayClassName).toBe('istio-waypoint');
    expect(find(objects, 'Service', 'reviews', 'bookinfo').metadata.labels['istio.io/use-waypoint']).toBe('waypoint');
    expect(find(objects, 'HTTPRoute', 'reviews', 'bookinfo').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
    });
    expect(find(objects, 'Service', 'reviews-v2', 'bookinfo').spec.selector).toEqual({ app: 'reviews', version: 'v2' });
    const viewer = find(objects, 'AuthorizationPolicy', 'reviews-viewer', 'bookinfo').spec;
    expect(viewer.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
    expect(viewer.selector).toBeUndefined();
    // ztunnel lets only the waypoint reach the reviews pods: the GET-only rule is L7, enforced at the waypoint.
    expect(find(objects, 'AuthorizationPolicy', 'reviews-viewer-ztunnel', 'bookinfo').spec.rules)
      .toEqual([{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/waypoint'] } }] }]);
  });

  test('L4 policies stay at ztunnel (selectors), naming the ingress gateway Istio deploys', () => {
    const productpage = find(objects, 'AuthorizationPolicy', 'productpage-allow', 'bookinfo').spec;
    expect(productpage.selector).toEqual({ matchLabels: { app: 'productpage' } });
    expect(productpage.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/bookinfo-ingress/sa/ingress-istio']);
  });

  test('diagram: Gateway API routes, weights, the waypoint', () => {
    const d = MeshDiagram.fromApp(app);
    expect(d).toContain('subgraph ns_bookinfo["bookinfo · ambient · mTLS STRICT"]');
    expect(d).toContain('gw_bookinfo_ingress_ingress ==>|"/productpage | /static* | /login | /logout | /api/v1/products*"| svc_bookinfo_productpage');
    expect(d).toContain('svc_bookinfo_reviews ==>|"/* 90%"| svc_bookinfo_reviews_v1');
    expect(d).toContain('svc_bookinfo_reviews --o gw_bookinfo_waypoint');
    expect(d).toContain('gw_bookinfo_ingress_ingress --> svc_bookinfo_productpage');
  });
});
