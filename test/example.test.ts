import { App, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { find, synthAppValid, validateObjects } from './validate';
import { AsmQuickstart } from '../examples/asm-quickstart/chart';

describe('examples/asm-quickstart reproduces the reference setup', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new AsmQuickstart(app, 'asm-quickstart');
  const yaml = synthAppValid(app);
  const objects = Testing.synth(chart);

  test('YAML snapshot (deterministic, valid)', () => {
    expect(yaml).toMatchSnapshot();
    validateObjects(objects);
  });

  test('object inventory', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual([
      'AuthorizationPolicy app/backend-allow',
      'ConfigMap istio-system/istio-asm-managed',
      'Deployment app/backend',
      'Deployment app/front',
      'Deployment istio-gateway/istio-ingressgateway',
      'Gateway istio-gateway/istio-ingressgateway',
      'Namespace /app',
      'Namespace /istio-gateway',
      'Role istio-gateway/istio-ingressgateway',
      'RoleBinding istio-gateway/istio-ingressgateway',
      'Service app/backend',
      'Service app/front',
      'Service istio-gateway/istio-ingressgateway',
      'ServiceAccount app/backend-sa',
      'ServiceAccount app/front-sa',
      'ServiceAccount istio-gateway/istio-ingressgateway',
      'VirtualService istio-gateway/istio-ingressgateway-all',
    ]);
  });

  test('namespaces carry the asm-managed revision label only', () => {
    for (const ns of ['app', 'istio-gateway']) {
      expect(find(objects, 'Namespace', ns).metadata.labels).toEqual({ 'istio.io/rev': 'asm-managed' });
    }
  });

  test('workloads: sidecar drain settings, Workload Identity, port name', () => {
    const front = find(objects, 'Deployment', 'front', 'app');
    expect(JSON.parse(front.spec.template.metadata.annotations['proxy.istio.io/config'])).toEqual({
      holdApplicationUntilProxyStarts: true,
      proxyMetadata: { MINIMUM_DRAIN_DURATION: '10s', EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true' },
    });
    expect(front.spec.template.spec.serviceAccountName).toBe('front-sa');
    expect(front.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(front.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(find(objects, 'ServiceAccount', 'front-sa').metadata.annotations)
      .toEqual({ 'iam.gke.io/gcp-service-account': 'front@my-project.iam.gserviceaccount.com' });
    const svc = find(objects, 'Service', 'front', 'app');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual({ app: 'front' });
    expect(svc.spec.ports).toEqual([{ name: 'http-web', port: 3000, targetPort: 3000, protocol: 'TCP' }]);
    expect(find(objects, 'Service', 'backend', 'app').spec.ports[0]).toMatchObject({ name: 'http-web', port: 3100 });
  });

  test('only front may call backend', () => {
    expect(find(objects, 'AuthorizationPolicy', 'backend-allow', 'app').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'backend' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/app/sa/front-sa'] } }] }],
    });
  });

  test('ingress gateway as in the reference', () => {
    const dep = find(objects, 'Deployment', 'istio-ingressgateway', 'istio-gateway');
    expect(dep.spec.template.metadata).toEqual({
      annotations: { 'inject.istio.io/templates': 'gateway' },
      labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    });
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.template.spec.containers).toEqual([{
      name: 'istio-proxy',
      image: 'auto',
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    }]);
    expect(find(objects, 'Role', 'istio-ingressgateway').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
    const svc = find(objects, 'Service', 'istio-ingressgateway');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['status-port', 15021], ['http2', 80], ['https', 443]]);
    expect(find(objects, 'Gateway', 'istio-ingressgateway').spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    expect(find(objects, 'VirtualService', 'istio-ingressgateway-all').spec).toEqual({
      hosts: ['*'],
      gateways: ['istio-ingressgateway'],
      http: [{
        match: [{ uri: { prefix: '/hello' } }],
        route: [{ destination: { host: 'front.app.svc.cluster.local', port: { number: 3000 } } }],
      }],
    });
  });

  test('mesh ConfigMap: JSON access logs and Cloud Trace', () => {
    const cm = find(objects, 'ConfigMap', 'istio-asm-managed', 'istio-system');
    const mesh = parse(cm.data.mesh);
    expect(mesh.accessLogFile).toBe('/dev/stdout');
    expect(mesh.accessLogEncoding).toBe('JSON');
    const format = JSON.parse(mesh.accessLogFormat);
    for (const key of ['protocol', 'duration', 'response_code', 'response_flags', 'method', 'path', 'authority', 'upstream_host', 'request_id']) {
      expect(format[key]).toMatch(/^%.+%$/);
    }
    expect(mesh.defaultConfig).toEqual({ tracing: { stackdriver: {} } });
  });
});
