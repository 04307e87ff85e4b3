import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Duration, Include, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { DataplaneMode, HttpMatch, IngressGateway, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, Protocol, Source } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

/** A cdk8s-plus Deployment as an app defines it: its own ServiceAccount, probes, a volume and env from a Secret. */
interface AppDeploymentOptions { name?: string; sa?: string; port?: number; portName?: string; labels?: Record<string, string> }
function appDeployment(scope: Construct, id: string, options: AppDeploymentOptions = {}) {
  const saName = options.sa ?? id;
  const sa = (scope.node.tryFindChild(`${saName}-sa`) as kplus.ServiceAccount | undefined)
    ?? new kplus.ServiceAccount(scope, `${saName}-sa`, { metadata: { name: saName, namespace: 'shop' } });
  const secret = kplus.Secret.fromSecretName(scope, `${id}-secret`, 'db');
  const deployment = new kplus.Deployment(scope, id, {
    metadata: { name: options.name ?? id },
    serviceAccount: sa,
    podMetadata: { labels: options.labels ?? {} } as any,
    containers: [{
      image: `${id}:1`,
      ports: [{ number: options.port ?? 9080, name: options.portName ?? 'http' }],
      readiness: kplus.Probe.fromHttpGet('/health', { port: options.port ?? 9080 }),
      envVariables: { DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
      volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(scope, `${id}-tmp`, 'tmp') }],
    }],
  });
  for (const [k, v] of Object.entries(options.labels ?? {})) deployment.podMetadata.addLabel(k, v);
  return deployment;
}

/** A chart in namespace `shop` (the app's charts usually set it) with the mesh platform applied. */
function shopChart(): { chart: Chart; ns: MeshNamespace } {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'shop');
  return { chart, ns };
}

/** The analysis of the chart's app, as synth runs it. */
function findings(chart: Chart) {
  return MeshAnalyzer.attach(chart).findings();
}

describe('MeshService adopts a workload the app defines', () => {
  test('a cdk8s-plus Deployment: app/version labels and sidecar annotations added, selector untouched, a Service with protocol-named ports', () => {
    const { chart, ns } = shopChart();
    const deployment = appDeployment(chart, 'reviews');
    const before = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const reviews = new MeshService(chart, 'reviews-mesh', { namespace: ns, workload: deployment, name: 'reviews', version: 'v1' });
    const objects = synthValid(chart);
    const d = find(objects, 'Deployment', 'reviews', 'shop');
    expect(d.spec.selector).toEqual(before.spec.selector);
    expect(d.spec.template.metadata.labels).toEqual({ ...before.spec.template.metadata.labels, app: 'reviews', version: 'v1' });
    expect(d.spec.template.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
    // The app's configuration stays as it was.
    expect(d.spec.template.spec.containers[0]).toEqual(before.spec.template.spec.containers[0]);
    expect(find(objects, 'Service', 'reviews', 'shop').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'reviews' },
      ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }],
    });
    expect(reviews.fqdn).toBe('reviews.shop.svc.cluster.local');
    expect(reviews.principal).toBe('cluster.local/ns/shop/sa/reviews');
    expect(reviews.serviceAccountName).toBe('reviews');
    expect(reviews.serviceAccount).toBeUndefined();
    expect(reviews.workload).toBe(ApiObject.of(deployment));
    expect(reviews.versions).toEqual(['v1']);
    expect(find(objects, 'DestinationRule', 'reviews', 'shop').spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
    expect(findings(chart)).toEqual([]);
  });

  test('everything derives as for a created service: routes, subsets, allowFrom, talksTo, gateway routes', () => {
    const { chart, ns } = shopChart();
    const reviews = new MeshService(chart, 'reviews', { namespace: ns, workload: appDeployment(chart, 'reviews-v1', { sa: 'reviews', labels: { version: 'v1' } }), name: 'reviews' });
    reviews.addVersion('v2', { workload: appDeployment(chart, 'reviews-v2', { sa: 'reviews' }) });
    const page = new MeshService(chart, 'productpage-mesh', { namespace: ns, workload: appDeployment(chart, 'productpage'), name: 'productpage' });
    reviews.addRoute({ destinations: [{ version: 'v1', weight: 80 }, { version: 'v2', weight: 20 }] });
    reviews.allowFrom(page);
    page.talksTo(reviews);
    const gw = new IngressGateway(chart, 'gw', { namespace: new MeshNamespace(chart, 'istio-gateway') });
    gw.route({ match: HttpMatch.prefix('/'), to: page });
    const objects = synthValid(chart);
    expect(reviews.versions).toEqual(['v1', 'v2']);
    expect(reviews.workloads.map((w) => w.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(find(objects, 'Deployment', 'reviews-v2').spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v2' });
    expect(find(objects, 'DestinationRule', 'reviews').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
    expect(find(objects, 'AuthorizationPolicy', 'reviews-allow').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/shop/sa/productpage']);
    expect(find(objects, 'Sidecar', 'productpage').spec.egress[0].hosts).toEqual(['istio-system/*', 'shop/reviews.shop.svc.cluster.local']);
    expect(reviews.virtualService?.name).toBe('reviews');
    expect(reviews.destinationRule?.name).toBe('reviews');
    expect(reviews.authorizationPolicy?.name).toBe('reviews-allow');
    expect(page.sidecarResource?.name).toBe('productpage');
    expect(findings(chart).filter((f) => f.severity !== 'Info')).toEqual([]);
  });

  test('a raw k8s L1 Deployment and its own Service: ports read from the Service, named targetPort resolved', () => {
    const { chart, ns } = shopChart();
    const labels = { 'app.kubernetes.io/name': 'details' };
    const deployment = new kplus.k8s.KubeDeployment(chart, 'details', {
      metadata: { name: 'details', namespace: 'shop' },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { serviceAccountName: 'details', containers: [{ name: 'details', image: 'details:1', ports: [{ containerPort: 9080, name: 'web' }] }] },
        },
      },
    });
    const service = new kplus.k8s.KubeService(chart, 'details-svc', {
      metadata: { name: 'details', namespace: 'shop' },
      spec: { selector: labels, ports: [{ port: 80, name: 'http', targetPort: kplus.k8s.IntOrString.fromString('web') }] },
    });
    const details = new MeshService(chart, 'details-mesh', { namespace: ns, workload: deployment, service });
    const objects = synthValid(chart);
    expect(details.name).toBe('details');
    expect(details.ports.map((p) => [p.port, p.targetPort, p.protocol.name, p.name])).toEqual([[80, 9080, 'http', 'http']]);
    expect(details.selectorLabels).toEqual(labels);
    expect(details.service).toBe(service);
    // The adopted Service keeps its selector; the pods only gain the label Istio's telemetry reads.
    expect(find(objects, 'Service', 'details').spec.selector).toEqual(labels);
    expect(find(objects, 'Deployment', 'details').spec.template.metadata.labels).toEqual({ ...labels, app: 'details' });
    expect(objects.filter((o) => o.kind === 'Service')).toHaveLength(1);
  });

  test('a StatefulSet: its claim templates and selector stay as they are', () => {
    const { chart, ns } = shopChart();
    const labels = { app: 'ratings-db' };
    const sts = new kplus.k8s.KubeStatefulSet(chart, 'db', {
      metadata: { name: 'ratings-db' },
      spec: {
        serviceName: 'ratings-db-headless', // governed by a headless Service of its own, beside the mesh's ClusterIP one
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { serviceAccountName: 'db', containers: [{ name: 'db', image: 'mysql:8', ports: [{ containerPort: 3306, name: 'tcp-mysql' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('1Gi') } } } }],
      },
    });
    const db = new MeshService(chart, 'ratings-db', { namespace: ns, workload: sts });
    const objects = synthValid(chart);
    const s = find(objects, 'StatefulSet', 'ratings-db', 'shop');
    expect(s.metadata.namespace).toBe('shop'); // the chart has no namespace: it joins the service's
    expect(s.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(s.spec.selector).toEqual({ matchLabels: labels });
    expect(db.ports.map((p) => p.protocol.name)).toEqual(['tcp']);
    expect(find(objects, 'Service', 'ratings-db').spec.ports).toEqual([{ name: 'tcp-mysql', port: 3306, targetPort: 3306, protocol: 'TCP' }]);
  });

  test('an object of an Include (YAML or Helm output)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adopt-'));
    const file = path.join(dir, 'ratings.yaml');
    fs.writeFileSync(file, [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: ratings-v1, namespace: shop, labels: {app: ratings, version: v1}}',
      'spec:', '  selector: {matchLabels: {app: ratings, version: v1}}',
      '  template:', '    metadata: {labels: {app: ratings, version: v1}}',
      '    spec: {serviceAccountName: bookinfo-ratings, containers: [{name: ratings, image: ratings:1, ports: [{containerPort: 9080}]}]}',
      '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: ratings, namespace: shop}',
      'spec: {selector: {app: ratings}, ports: [{port: 9080, name: http}]}',
    ].join('\n'));
    const { chart, ns } = shopChart();
    const include = new Include(chart, 'upstream', { url: file });
    const workload = include.apiObjects.find((o) => o.kind === 'Deployment')!;
    const ratings = new MeshService(chart, 'ratings', { namespace: ns, workload, service: include.apiObjects.find((o) => o.kind === 'Service') });
    ratings.addVersion('v2'); // deployed elsewhere: a subset only
    const objects = synthValid(chart);
    expect(ratings.versions).toEqual(['v1', 'v2']);
    expect(ratings.principal).toBe('cluster.local/ns/shop/sa/bookinfo-ratings');
    expect(find(objects, 'DestinationRule', 'ratings').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
    expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(1);
    expect(find(objects, 'Deployment', 'ratings-v1').spec.template.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
    // The v2 pods live elsewhere: the analysis assumes them instead of reporting an empty subset.
    expect(findings(chart)).toEqual([]);
  });

  test('sidecar options become annotations; a workload that configures its own proxy keeps it', () => {
    const { chart, ns } = shopChart();
    const own = appDeployment(chart, 'own');
    own.podMetadata.addAnnotation('proxy.istio.io/config', '{"holdApplicationUntilProxyStarts":false}');
    new MeshService(chart, 'own-mesh', { namespace: ns, workload: own, name: 'own' });
    new MeshService(chart, 'tuned-mesh', { namespace: ns, workload: appDeployment(chart, 'tuned'), name: 'tuned', sidecar: { holdApplicationUntilProxyStarts: false } });
    const objects = synthValid(chart);
    expect(find(objects, 'Deployment', 'own').spec.template.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":false}' });
    expect(find(objects, 'Deployment', 'tuned').spec.template.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":false}' });
  });

  test('a workload of another cdk8s-plus major is adopted through its ApiObject', () => {
    // cdk8s-plus majors wrap the same cdk8s ApiObject; any construct whose default child is one will do.
    const { chart, ns } = shopChart();
    const wrapper = new Construct(chart, 'other-major');
    new kplus.k8s.KubeDeployment(wrapper, 'Resource', {
      metadata: { name: 'legacy' },
      spec: { selector: { matchLabels: { app: 'legacy' } }, template: { metadata: { labels: { app: 'legacy' } }, spec: { serviceAccountName: 'legacy', containers: [{ name: 'c', image: 'l:1', ports: [{ containerPort: 80, name: 'http' }] }] } } },
    });
    const legacy = new MeshService(chart, 'legacy', { namespace: ns, workload: wrapper });
    expect(legacy.workload.name).toBe('legacy');
    synthValid(chart);
  });
});

describe('adoption errors name the construct and the fix', () => {
  test('not a workload, Jobs, Pods', () => {
    const { chart, ns } = shopChart();
    const cm = new kplus.ConfigMap(chart, 'cm', { data: { a: 'b' } });
    expect(() => new MeshService(chart, 'a', { namespace: ns, workload: cm })).toThrow('test/a: cannot adopt ConfigMap test/cm/Resource: it is not a workload: adopt a Deployment, StatefulSet, DaemonSet or ReplicaSet');
    const job = new kplus.Job(chart, 'job', { containers: [{ image: 'j:1' }] });
    expect(() => new MeshService(chart, 'b', { namespace: ns, workload: job })).toThrow("test/b: cannot adopt Job test/job/Resource: a Job's pod template is immutable");
    const svc = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }], selector: kplus.Pods.select(chart, 'p', { labels: { a: 'b' } }) });
    expect(() => new MeshService(chart, 'c', { namespace: ns, workload: svc })).toThrow('test/c: cannot adopt Service test/svc/Resource: a Service is not a workload: pass the workload as `workload` and the Service as `service`');
    expect(() => new MeshService(chart, 'd', { namespace: ns, workload: new Construct(chart, 'nothing') })).toThrow('test/d: workload test/nothing is not a Kubernetes object: pass a cdk8s-plus workload, a `k8s` L1 object or an ApiObject of an Include (include.apiObjects)');
  });

  test('a pod template without labels', () => {
    const { chart, ns } = shopChart();
    const d = new kplus.k8s.KubeDeployment(chart, 'bare', { spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } });
    expect(() => new MeshService(chart, 'bare-mesh', { namespace: ns, workload: d, port: 80 })).toThrow('test/bare-mesh: Deployment test/bare has a pod template without labels: give its pods labels (and select them in spec.selector) before adopting it');
  });

  test('a Service whose selector disagrees with the pod labels', () => {
    const { chart, ns } = shopChart();
    const deployment = appDeployment(chart, 'web');
    const service = new kplus.k8s.KubeService(chart, 'web-svc', { metadata: { name: 'web' }, spec: { selector: { app: 'website' }, ports: [{ port: 9080, name: 'http' }] } });
    expect(() => new MeshService(chart, 'web-mesh', { namespace: ns, workload: deployment, service }))
      .toThrow(/^test\/web-mesh: the Service selects app=website, but the pods of Deployment test\/web\/Resource have cdk8s.io\/metadata.addr=test-web-[0-9a-f]+: they disagree, so the Service would not reach these pods; align the Service selector and the pod labels$/);
  });

  test('a Service port whose container port the workload does not declare', () => {
    const { chart, ns } = shopChart();
    expect(() => new MeshService(chart, 'web', { namespace: ns, workload: appDeployment(chart, 'web-app'), port: 8080 }))
      .toThrow('test/web: Service port 8080 sends to container port 8080, which Deployment test/web-app/Resource does not declare (its container ports: 9080): add the port to its container, or fix the Service port');
  });

  test('ports that cannot be derived, or carry no protocol', () => {
    const { chart, ns } = shopChart();
    expect(() => new MeshService(chart, 'x', { namespace: ns, workload: appDeployment(chart, 'x-app', { portName: 'web' }) }))
      .toThrow('test/x: Deployment test/x-app/Resource has container ports without a protocol in their name (9080): pass `port` or `ports` to say which ports the Service exposes');
    const deployment = appDeployment(chart, 'y-app');
    const service = new kplus.k8s.KubeService(chart, 'y-svc', { metadata: { name: 'y' }, spec: { selector: { app: 'y' }, ports: [{ port: 9080, name: 'web' }] } });
    deployment.podMetadata.addLabel('app', 'y');
    expect(() => new MeshService(chart, 'y', { namespace: ns, workload: deployment, service }))
      .toThrow('test/y: port 9080 of Service test/y-svc carries no protocol (name "web"): name it "http", "http-<suffix>", "grpc", "tcp-<suffix>" … or set its appProtocol (IST0118)');
    const named = new kplus.k8s.KubeService(chart, 'z-svc', { metadata: { name: 'y2' }, spec: { selector: { app: 'y' }, ports: [{ port: 80, name: 'http', targetPort: kplus.k8s.IntOrString.fromString('admin') }] } });
    expect(() => new MeshService(chart, 'y2', { namespace: ns, workload: deployment, service: named }))
      .toThrow('test/y2: port 80 of Service test/z-svc targets the container port named "admin", which Deployment test/y-app/Resource does not declare');
  });

  test('an adopted Service port carries its protocol as istiod reads it', () => {
    const { chart, ns } = shopChart();
    const adopt = (id: string, port: any) => {
      const deployment = appDeployment(chart, `${id}-app`);
      deployment.podMetadata.addLabel('app', id);
      const service = new kplus.k8s.KubeService(chart, `${id}-svc`, { metadata: { name: id }, spec: { selector: { app: id }, ports: [{ targetPort: kplus.k8s.IntOrString.fromNumber(9080), ...port }] } });
      return new MeshService(chart, id, { namespace: ns, workload: deployment, service });
    };
    // appProtocol alone decides when set (Kubernetes' h2c name included), not the port name.
    expect(adopt('h2c', { port: 80, name: 'web', appProtocol: 'kubernetes.io/h2c' }).ports[0].protocol.name).toBe('http2');
    expect(() => adopt('odd', { port: 80, name: 'http', appProtocol: 'custom' }))
      .toThrow('test/odd: port 80 of Service test/odd-svc carries no protocol (appProtocol "custom"): name it "http", "http-<suffix>", "grpc", "tcp-<suffix>" … or set its appProtocol (IST0118)');
    // A grpc-web prefix is gRPC-Web even without a hyphen after it; a well-known port is TCP whatever its name.
    expect(adopt('gw', { port: 80, name: 'grpc-webapi' }).ports[0].protocol.name).toBe('grpc-web');
    expect(adopt('db', { port: 3306, name: 'db' }).ports[0].protocol.name).toBe('tcp');
    expect(Protocol.fromPortName('HTTP2-api')?.name).toBe('http2');
    expect(Protocol.fromPortName('http_proxy')).toBeUndefined(); // Istio parses it; the library offers no such Protocol
  });

  test('props that do not go together', () => {
    const { chart, ns } = shopChart();
    const d = appDeployment(chart, 'w');
    expect(() => new MeshService(chart, 'a', { namespace: ns, port: 80 })).toThrow('test/a: set exactly one of `workload` (adopt the app\'s workload) or `image` (create a Deployment)');
    expect(() => new MeshService(chart, 'b', { namespace: ns, workload: d, image: 'x:1' })).toThrow('test/b: set exactly one of `workload`');
    expect(() => new MeshService(chart, 'c', { namespace: ns, workload: d, replicas: 3 })).toThrow('test/c: `replicas` applies to a workload created from an image: set it on the adopted Deployment instead');
    expect(() => new MeshService(chart, 'e', { namespace: ns, image: 'e:1', port: 80, service: d })).toThrow('test/e: `service` adopts the Service of an adopted `workload`: set `workload` too, or remove `service`');
    const service = new kplus.k8s.KubeService(chart, 's', { metadata: { name: 'w' }, spec: { selector: { app: 'w' }, ports: [{ port: 9080, name: 'http' }] } });
    expect(() => new MeshService(chart, 'f', { namespace: ns, workload: d, service, port: 80 })).toThrow('test/f: the adopted Service test/s declares its own ports: remove `port`, `ports` and `protocolSelection`');
    expect(() => new MeshService(chart, 'g', { namespace: ns, workload: d, service, name: 'other' })).toThrow('test/g: name "other" differs from the adopted Service\'s name "w": omit `name`');
    const notService = new kplus.ConfigMap(chart, 'cm2');
    expect(() => new MeshService(chart, 'h', { namespace: ns, workload: d, service: notService })).toThrow('test/h: `service` test/cm2/Resource is a ConfigMap, not a Service');
  });

  test('namespace, version label and injection opt-out', () => {
    const { chart, ns } = shopChart();
    const elsewhere = new kplus.Deployment(chart, 'elsewhere', { metadata: { namespace: 'other' }, containers: [{ image: 'e:1', ports: [{ number: 80, name: 'http' }] }] });
    expect(() => new MeshService(chart, 'a', { namespace: ns, workload: elsewhere })).toThrow('test/a: Deployment test/elsewhere/Resource is in namespace "other", not "shop": adopt it with the MeshNamespace it runs in');
    const v1 = appDeployment(chart, 'v1', { labels: { version: 'v1' } });
    expect(() => new MeshService(chart, 'b', { namespace: ns, workload: v1, version: 'v2' })).toThrow('test/b: Deployment test/v1/Resource has pod label version=v1, not "v2": declare version "v1" or change the label');
    const optOut = appDeployment(chart, 'optout', { labels: { 'sidecar.istio.io/inject': 'false' } });
    expect(() => new MeshService(chart, 'c', { namespace: ns, workload: optOut })).toThrow('test/c: Deployment test/optout/Resource opts out of sidecar injection (sidecar.istio.io/inject: "false"): remove that label or annotation to put it in the mesh');
    const annotated = appDeployment(chart, 'annotated');
    annotated.podMetadata.addAnnotation('sidecar.istio.io/proxyCPU', '1');
    const { Cpu } = kplus;
    expect(() => new MeshService(chart, 'd', { namespace: ns, workload: annotated, sidecar: { cpuRequest: Cpu.millis(100), memoryRequest: Size.mebibytes(64) } }))
      .toThrow('test/d: Deployment test/annotated/Resource sets pod annotation sidecar.istio.io/proxyCPU itself and `sidecar` sets it too: configure the sidecar in one place');
  });

  test('pods the mesh never reaches: hostNetwork, ambient opt-out; Istio prefers the injection label to the annotation', () => {
    const { chart, ns } = shopChart();
    const l1 = (id: string, pod: any, meta: any = {}, spec: any = {}, kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' = 'Deployment') => {
      const labels = { app: id, ...meta.labels };
      const props = { metadata: { name: id }, spec: { selector: { matchLabels: { app: id } }, ...spec, template: { metadata: { ...meta, labels }, spec: { serviceAccountName: id, containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 8080, name: 'http' }] }], ...pod } } } };
      return kind === 'Deployment' ? new kplus.k8s.KubeDeployment(chart, id, props as any)
        : kind === 'StatefulSet' ? new kplus.k8s.KubeStatefulSet(chart, id, props as any)
          : new kplus.k8s.KubeDaemonSet(chart, id, props as any);
    };
    expect(() => new MeshService(chart, 'agent-mesh', { namespace: ns, name: 'agent', workload: l1('agent', { hostNetwork: true }, {}, {}, 'DaemonSet') }))
      .toThrow('test/agent-mesh: DaemonSet test/agent runs with hostNetwork: true: Istio injects no sidecar into such pods and ambient mode never captures them, so they have no mesh identity and no policy applies to them; keep it out of the mesh, or drop hostNetwork');
    const oss = meshChart(MeshPlatform.istio());
    const ambient = new MeshNamespace(oss, 'amb', { dataplaneMode: DataplaneMode.AMBIENT });
    const none = new kplus.k8s.KubeDeployment(oss, 'none', {
      metadata: { name: 'none', namespace: 'amb' },
      spec: {
        selector: { matchLabels: { app: 'none' } },
        template: { metadata: { labels: { 'app': 'none', 'istio.io/dataplane-mode': 'none' } }, spec: { serviceAccountName: 'none', containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 8080, name: 'http' }] }] } },
      },
    });
    expect(() => new MeshService(oss, 'none-mesh', { namespace: ambient, name: 'none', workload: none }))
      .toThrow('test/none-mesh: Deployment test/none opts out of ambient capture (istio.io/dataplane-mode: none): remove that label to put it in the mesh');
    // The label wins: these pods are injected.
    const both = l1('both', {}, { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } });
    expect(() => new MeshService(chart, 'both-mesh', { namespace: ns, name: 'both', workload: both })).not.toThrow();
    // A drain longer than the adopted pods' grace period would be cut short.
    expect(() => new MeshService(chart, 'drain-mesh', { namespace: ns, name: 'drain', workload: l1('drain', { terminationGracePeriodSeconds: 10 }), sidecar: { terminationDrainDuration: Duration.seconds(20) } }))
      .toThrow('test/drain-mesh: sidecar.terminationDrainDuration is 20s, but the pod has 10s to terminate before Kubernetes kills the proxy: the drain would be cut short; use at most 10s');
    // A StatefulSet's governing Service must be headless.
    expect(() => new MeshService(chart, 'db-mesh', { namespace: ns, name: 'db', workload: l1('db', {}, {}, { serviceName: 'db' }, 'StatefulSet') }))
      .toThrow('test/db-mesh: StatefulSet test/db is governed by the Service "db" (spec.serviceName), which must be headless to give its pods their DNS names, but the mesh would create a ClusterIP Service of that name: '
        + 'pass that Service as `service`, or give the mesh Service another `name`');
  });

  test('controllers that keep their running pods when the template changes are adopted: a ReplicaSet, updateStrategy OnDelete', () => {
    const { chart, ns } = shopChart();
    const props = (id: string, spec: any = {}) => ({
      metadata: { name: id },
      spec: { selector: { matchLabels: { tier: id } }, ...spec, template: { metadata: { labels: { tier: id } }, spec: { serviceAccountName: id, containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 8080, name: 'http' }] }] } } },
    });
    const rs = new MeshService(chart, 'rs-mesh', { namespace: ns, name: 'rs', version: 'v1', workload: new kplus.k8s.KubeReplicaSet(chart, 'rs', props('rs')) });
    const onDelete = { updateStrategy: { type: 'OnDelete' } };
    new MeshService(chart, 'agent-mesh', { namespace: ns, name: 'agent', workload: new kplus.k8s.KubeDaemonSet(chart, 'agent', props('agent', onDelete) as any) });
    new MeshService(chart, 'db-mesh', { namespace: ns, name: 'db', workload: new kplus.k8s.KubeStatefulSet(chart, 'db', props('db', { ...onDelete, serviceName: 'db-headless' }) as any) });
    const objects = synthValid(chart);
    for (const [kind, name] of [['ReplicaSet', 'rs'], ['DaemonSet', 'agent'], ['StatefulSet', 'db']]) {
      const o = find(objects, kind, name, 'shop');
      expect(o.spec.selector).toEqual({ matchLabels: { tier: name } });
      expect(o.spec.template.metadata.labels).toEqual({ tier: name, app: name, ...kind === 'ReplicaSet' ? { version: 'v1' } : {} });
      expect(o.spec.template.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
      expect(find(objects, 'Service', name, 'shop').spec.selector).toEqual({ app: name });
    }
    expect(find(objects, 'StatefulSet', 'db').spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(rs.workload).toBe(chart.node.findChild('rs'));
    expect(rs.principal).toBe('cluster.local/ns/shop/sa/rs');
    expect(findings(chart)).toEqual([]);
  });

  test('a Service port forwards the transport its container port listens on', () => {
    const { chart, ns } = shopChart();
    const d = (id: string, port: any) => new kplus.k8s.KubeDeployment(chart, id, {
      metadata: { name: id },
      spec: { selector: { matchLabels: { app: id } }, template: { metadata: { labels: { app: id } }, spec: { serviceAccountName: id, containers: [{ name: 'c', image: 'c:1', ports: [port] }] } } },
    });
    expect(() => new MeshService(chart, 'statsd', { namespace: ns, workload: d('statsd-app', { containerPort: 8125, name: 'tcp-statsd', protocol: 'UDP' }) }))
      .toThrow('test/statsd: Service port 8125 (tcp) forwards TCP to container port 8125, which Deployment test/statsd-app declares as UDP: name the port after its transport ("udp-…"), or fix the container port\'s protocol');
    expect(() => new MeshService(chart, 'dns', { namespace: ns, workload: d('dns-app', { containerPort: 5353, name: 'udp-dns' }) }))
      .toThrow('test/dns: Service port 5353 (udp) forwards UDP to container port 5353, which Deployment test/dns-app declares as TCP: name the port after its transport (not "udp-…"), or fix the container port\'s protocol');
    const ok = new MeshService(chart, 'dns2', { namespace: ns, workload: d('dns2-app', { containerPort: 5353, name: 'udp-dns', protocol: 'UDP' }) });
    expect(ok.ports[0].protocol.name).toBe('udp');
  });

  test('labels and annotations of a cdk8s-plus workload merge with what the app adds later; a later opt-out fails synth', () => {
    const { chart, ns } = shopChart();
    const d = appDeployment(chart, 'web');
    new MeshService(chart, 'web-mesh', { namespace: ns, workload: d, name: 'web' });
    d.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
    const pod = find(synthValid(chart), 'Deployment', 'web').spec.template.metadata;
    expect(pod.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
    expect(pod.labels.app).toBe('web');
    d.podMetadata.addAnnotation('sidecar.istio.io/inject', 'false');
    expect(() => Testing.synth(chart)).toThrow('[test/web-mesh] Deployment test/web/Resource was changed after it was adopted: it opts out of sidecar injection (sidecar.istio.io/inject: "false"): remove that label or annotation to put it in the mesh');
    // An L1 object: a later patch that replaces what adoption added.
    const other = shopChart();
    const l1 = new kplus.k8s.KubeDeployment(other.chart, 'l1', { metadata: { name: 'l1' }, spec: { selector: { matchLabels: { app: 'l1' } }, template: { metadata: { labels: { app: 'l1' } }, spec: { serviceAccountName: 'l1', containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 80, name: 'http' }] }] } } } });
    new MeshService(other.chart, 'l1-mesh', { namespace: other.ns, workload: l1, name: 'l1' });
    l1.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { team: 'shop' }));
    expect(() => Testing.synth(other.chart)).toThrow('[test/l1-mesh] Deployment test/l1\'s pod annotation proxy.istio.io/config is gone now, but it was "{"holdApplicationUntilProxyStarts":true}" when the mesh adopted it: set it before adopting');
    // The app's own annotations are its own to change after adoption; those adoption added or asked for are not.
    const own = shopChart();
    const annotated = new kplus.k8s.KubeDeployment(own.chart, 'own', {
      metadata: { name: 'own' },
      spec: {
        selector: { matchLabels: { app: 'own' } },
        template: {
          metadata: { labels: { app: 'own' }, annotations: { 'checksum/config': 'a1', 'prometheus.io/port': '9090', 'sidecar.istio.io/proxyCPU': '100m' } },
          spec: { serviceAccountName: 'own', containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 80, name: 'http' }] }] },
        },
      },
    });
    new MeshService(own.chart, 'own-mesh', { namespace: own.ns, workload: annotated, name: 'own', sidecar: { cpuRequest: kplus.Cpu.millis(100), memoryRequest: Size.mebibytes(64) } });
    annotated.addJsonPatch(JsonPatch.replace('/spec/template/metadata/annotations/checksum~1config', 'b2'));
    annotated.addJsonPatch(JsonPatch.remove('/spec/template/metadata/annotations/prometheus.io~1port'));
    expect(find(synthValid(own.chart), 'Deployment', 'own').spec.template.metadata.annotations).toEqual({
      'checksum/config': 'b2', 'sidecar.istio.io/proxyCPU': '100m', 'sidecar.istio.io/proxyMemory': '64Mi', 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
    });
    annotated.addJsonPatch(JsonPatch.replace('/spec/template/metadata/annotations/proxy.istio.io~1config', '{}'));
    annotated.addJsonPatch(JsonPatch.replace('/spec/template/metadata/annotations/sidecar.istio.io~1proxyCPU', '1'));
    expect(() => Testing.synth(own.chart)).toThrow('[test/own-mesh] Deployment test/own\'s pod annotation proxy.istio.io/config is "{}" now, but it was "{"holdApplicationUntilProxyStarts":true}" when the mesh adopted it: set it before adopting');
    expect(() => Testing.synth(own.chart)).toThrow('[test/own-mesh] Deployment test/own\'s pod annotation sidecar.istio.io/proxyCPU is "1" now, but it was "100m" when the mesh adopted it: set it before adopting');
  });

  test('a workload without a namespace joins the service\'s, but the objects its pods use must not stay behind', () => {
    const chart = meshChart(); // no namespace on the chart
    const ns = new MeshNamespace(chart, 'shop');
    const sa = new kplus.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web' } });
    const config = new kplus.ConfigMap(chart, 'web-config', { metadata: { name: 'web-config' }, data: { a: 'b' } });
    const d = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, serviceAccount: sa, containers: [{ image: 'web:1', ports: [{ number: 8080, name: 'http' }] }] });
    d.containers[0].env.copyFrom(kplus.Env.fromConfigMap(config));
    new MeshService(chart, 'web-mesh', { namespace: ns, workload: d, name: 'web' });
    expect(() => Testing.synth(chart)).toThrow('Deployment test/web/Resource renders without a namespace and was adopted into "shop", but ServiceAccount test/web-sa/Resource, ConfigMap test/web-config/Resource '
      + 'that its pods use render without one too, so they would land in the namespace kubectl applies to, not beside the pods: set the namespace on the chart, or on each of these objects');
    // Objects that state their namespace are where the pods are.
    const fine = meshChart();
    const shop = new MeshNamespace(fine, 'shop');
    const fineSa = new kplus.ServiceAccount(fine, 'web-sa', { metadata: { name: 'web', namespace: 'shop' } });
    new MeshService(fine, 'web-mesh', { namespace: shop, name: 'web', workload: new kplus.Deployment(fine, 'web', { metadata: { name: 'web' }, serviceAccount: fineSa, containers: [{ image: 'web:1', ports: [{ number: 8080, name: 'http' }] }] }) });
    expect(find(synthValid(fine), 'Deployment', 'web').metadata.namespace).toBe('shop');
    // An object is where it renders: a namespace set by a JSON patch counts.
    const patched = meshChart();
    const patchedNs = new MeshNamespace(patched, 'shop');
    const patchedSa = new kplus.ServiceAccount(patched, 'web-sa', { metadata: { name: 'web' } });
    ApiObject.of(patchedSa).addJsonPatch(JsonPatch.add('/metadata/namespace', 'shop'));
    new MeshService(patched, 'web-mesh', { namespace: patchedNs, name: 'web', workload: new kplus.Deployment(patched, 'web', { metadata: { name: 'web' }, serviceAccount: patchedSa, containers: [{ image: 'web:1', ports: [{ number: 8080, name: 'http' }] }] }) });
    expect(find(synthValid(patched), 'ServiceAccount', 'web').metadata.namespace).toBe('shop');
  });

  test('objects left behind: one check for the app sees every chart, and what was added since the last synth', () => {
    const app = Testing.app();
    const adopt = (id: string, sa: (chart: Chart) => kplus.IServiceAccount) => {
      const chart = new Chart(app, id); // no namespace on the chart
      MeshPlatform.asmManaged().applyTo(chart);
      const ns = new MeshNamespace(chart, 'ns', { name: id });
      const workload = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, serviceAccount: sa(chart), containers: [{ image: 'web:1', ports: [{ number: 8080, name: 'http' }] }] });
      new MeshService(chart, 'web-mesh', { namespace: ns, name: 'web', workload });
      return chart;
    };
    adopt('a', (chart) => new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'a', namespace: 'a' } }));
    const b = adopt('b', (chart) => kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'b'));
    expect(() => app.synthYaml()).not.toThrow();
    // A ServiceAccount without a namespace, added to the other chart after the first synth.
    new kplus.k8s.KubeServiceAccount(b, 'late-sa', { metadata: { name: 'b' } });
    expect(() => app.synthYaml()).toThrow('[a] Deployment b/web/Resource renders without a namespace and was adopted into "b", but ServiceAccount b/late-sa that its pods use render without one too');
  });

  test('service account names are DNS subdomains', () => {
    const { chart, ns } = shopChart();
    const other = MeshNamespace.fromNamespaceName(chart, 'pay-ns', 'pay');
    const pay = MeshService.fromServiceAttributes(chart, 'pay', { name: 'pay', namespace: other, ports: [{ port: 80 }], serviceAccountName: 'pay.api' });
    expect(pay.principal).toBe('cluster.local/ns/pay/sa/pay.api');
    expect(Source.serviceAccount(ns, 'ci.runner')._toIstio()).toEqual({ principals: ['cluster.local/ns/shop/sa/ci.runner'] });
  });

  test('versions: one identity, adopted services adopt, subsets need a first version', () => {
    const { chart, ns } = shopChart();
    const svc = new MeshService(chart, 'r', { namespace: ns, workload: appDeployment(chart, 'r1', { sa: 'r' }) });
    expect(() => svc.addVersion('v2')).toThrow("test/r: set `version` (e.g. 'v1') on the service before addVersion('v2'), so that every pod belongs to a subset");
    const versioned = new MeshService(chart, 'q', { namespace: ns, workload: appDeployment(chart, 'q1', { sa: 'q' }), version: 'v1' });
    expect(() => versioned.addVersion('v2', { image: 'q:2' })).toThrow("test/q: addVersion('v2', { image }) creates a Deployment, but this service adopts the app's workloads: adopt the version's workload with { workload }");
    expect(() => versioned.addVersion('v2', { workload: appDeployment(chart, 'q2', { sa: 'other' }) }))
      .toThrow('test/q: version "v2" (Deployment test/q2/Resource) runs as ServiceAccount "other", the service\'s pods as "q": a service has one identity; run every version as one ServiceAccount');
    expect(() => versioned.addVersion('v1')).toThrow('test/q: version "v1" already exists');
    expect(() => versioned.addVersion('v3', { workload: appDeployment(chart, 'q3', { sa: 'q' }), replicas: 2 })).toThrow("test/q: addVersion('v3'): `replicas` applies to a workload created from an image: set it on the adopted workload");
  });

  test('the default ServiceAccount is no identity to name', () => {
    const { chart, ns } = shopChart();
    const d = new kplus.k8s.KubeDeployment(chart, 'anon', { spec: { selector: { matchLabels: { app: 'anon' } }, template: { metadata: { labels: { app: 'anon' } }, spec: { containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 80, name: 'http' }] }] } } } });
    const anon = new MeshService(chart, 'anon-mesh', { namespace: ns, workload: d, name: 'anon' });
    expect(() => Source.services(anon)).toThrow('test/anon-mesh: its pods run as the namespace\'s `default` ServiceAccount, an identity every pod of namespace "shop" without its own shares: give them a ServiceAccount of their own (serviceAccountName) before naming the service as a caller');
  });

  test('a change to the workload after adoption fails synth instead of leaving a stale principal or selector', () => {
    const { chart, ns } = shopChart();
    const d = appDeployment(chart, 'late');
    new MeshService(chart, 'late-mesh', { namespace: ns, workload: d, name: 'late' });
    (d as any).addContainer({ image: 'x:1', name: 'second' });
    expect(() => Testing.synth(chart)).not.toThrow();
    const changed = new kplus.k8s.KubeDeployment(chart, 'changing', { spec: { selector: { matchLabels: { app: 'c' } }, template: { metadata: { labels: { app: 'c' } }, spec: { serviceAccountName: 'c', containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 80, name: 'http' }] }] } } } });
    new MeshService(chart, 'c', { namespace: ns, workload: changed });
    changed.addJsonPatch(JsonPatch.replace('/spec/template/spec/serviceAccountName', 'other'));
    expect(() => Testing.synth(chart)).toThrow('[test/c] Deployment test/changing runs as ServiceAccount "other" now, but it was adopted (and its principal derived) as "c": adopt it after setting its ServiceAccount');
  });

  test('workloads that share an `app` label: a Service created for one would select the other\'s pods', () => {
    const { chart, ns } = shopChart();
    const deployment = (name: string, component: string) => new kplus.k8s.KubeDeployment(chart, `${name}-deployment`, {
      metadata: { name, namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'shop', component } },
        template: { metadata: { labels: { app: 'shop', component } }, spec: { serviceAccountName: name, containers: [{ name: 'c', image: `${name}:1`, ports: [{ containerPort: 8080, name: 'http' }] }] } },
      },
    });
    new MeshService(chart, 'web', { namespace: ns, workload: deployment('web', 'web') });
    new MeshService(chart, 'api', { namespace: ns, workload: deployment('api', 'api') });
    // A created service named like the shared label is caught the same way.
    new MeshService(chart, 'shop-service', { namespace: ns, name: 'shop', image: 'shop:1', port: 80 });
    const fix = 'it would send this service\'s traffic to them, and its policies would apply to them; give each workload an `app` label of its own, '
      + 'or adopt each with a Service of its own that selects only its pods (`service`)';
    expect(() => Testing.synth(chart)).toThrow(`[test/web] the Service it creates selects app=shop, which the pods of test/api, test/shop-service carry too: ${fix}`);
    expect(() => Testing.synth(chart)).toThrow('[test/shop-service] the Service it creates selects app=shop, which the pods of test/web, test/api carry too');
  });

  test('workloads adopted with Services of their own may share labels', () => {
    const { chart, ns } = shopChart();
    for (const component of ['web', 'api']) {
      const labels = { app: 'shop', component };
      const d = new kplus.k8s.KubeDeployment(chart, component, {
        metadata: { name: component, namespace: 'shop' },
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: component, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 8080 }] }] } } },
      });
      const svc = new kplus.k8s.KubeService(chart, `${component}-svc`, { metadata: { name: component, namespace: 'shop' }, spec: { selector: labels, ports: [{ port: 80, targetPort: kplus.k8s.IntOrString.fromNumber(8080), name: 'http' }] } });
      new MeshService(chart, `${component}-mesh`, { namespace: ns, workload: d, service: svc });
    }
    expect(find(synthValid(chart), 'Service', 'web').spec.selector).toEqual({ app: 'shop', component: 'web' });
  });
});

void Protocol;
