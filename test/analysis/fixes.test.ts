import { REVIEWS, ap, baseMesh, deploy, dr, svc } from './fixtures';
import { MeshAnalyzer } from '../../src';
import { analyzeFiles } from '../../src/analysis/analyzer';

/** `code resource: message` of every finding with one of these codes. */
const findings = (objects: any[], ...codes: string[]) => MeshAnalyzer.analyze(objects)
  .filter((f) => codes.includes(f.code)).map((f) => `${f.code} ${f.resource}: ${f.message}`);

const workloadEntry = (name: string, namespace: string, labels: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name, namespace }, spec: { address: '10.0.0.7', labels },
});

describe('IST0173 counts WorkloadEntries as endpoints', () => {
  const v2 = dr('d', 'app', { host: REVIEWS, subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
  test('a subset only a WorkloadEntry selected by the Service carries is not reported', () => {
    expect(findings([...baseMesh(), v2], 'IST0173')).toEqual([expect.stringContaining('IST0173 DestinationRule app/d: subset "v2" selects no pods')]);
    expect(findings([...baseMesh(), v2, workloadEntry('vm', 'app', { app: 'reviews', version: 'v2' })], 'IST0173')).toEqual([]);
  });
  test('a WorkloadEntry in another namespace, or without the Service selector\'s labels, does not count', () => {
    expect(findings([...baseMesh(), v2, workloadEntry('vm', 'gw', { app: 'reviews', version: 'v2' })], 'IST0173')).toHaveLength(1);
    expect(findings([...baseMesh(), v2, workloadEntry('vm', 'app', { app: 'ratings', version: 'v2' })], 'IST0173')).toHaveLength(1);
  });
});

describe('KIA0701 reads native sidecars and exempts istiod\'s Gateway API deployments', () => {
  const web = svc('web', 'app', [{ name: 'http', port: 8080 }, { name: 'status', port: 15021 }]);
  const proxy = (restartPolicy?: string) => ({ name: 'istio-proxy', image: 'auto', restartPolicy, ports: [{ containerPort: 15021 }] });
  const app = { name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] };
  test('a port exposed by an init container with restartPolicy: Always (a native sidecar) is exposed', () => {
    expect(findings([...baseMesh(), web, deploy('web', 'app', { podSpec: { containers: [app], initContainers: [proxy('Always')] } })], 'KIA0701')).toEqual([]);
  });
  test('a port of a plain init container is not', () => {
    expect(findings([...baseMesh(), web, deploy('web', 'app', { podSpec: { containers: [app], initContainers: [proxy()] } })], 'KIA0701'))
      .toEqual(['KIA0701 Service app/web: port 15021 targets 15021, which no container of Deployment app/web exposes']);
  });
  const managed = { 'gateway.istio.io/managed': 'istio.io-gateway-controller' };
  const gwSvc = (labels?: any) => svc('edge-istio', 'app', [{ name: 'http', port: 80 }], { labels, selector: { 'gateway.networking.k8s.io/gateway-name': 'edge' } });
  const gwDeploy = (labels?: any) => {
    const d: any = deploy('edge-istio', 'app', { labels: { 'gateway.networking.k8s.io/gateway-name': 'edge' }, podSpec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } });
    d.metadata.labels = labels;
    return d;
  };
  test('Services and Deployments labelled gateway.istio.io/managed are exempt', () => {
    expect(findings([...baseMesh(), gwSvc(), gwDeploy()], 'KIA0701')).toEqual(['KIA0701 Service app/edge-istio: port 80 targets 80, which no container of Deployment app/edge-istio exposes']);
    expect(findings([...baseMesh(), gwSvc(managed), gwDeploy()], 'KIA0701')).toEqual([]);
    expect(findings([...baseMesh(), gwSvc(), gwDeploy(managed)], 'KIA0701')).toEqual([]);
  });
});

describe('KIA0104 resolves Services written svc.ns', () => {
  const hostsAp = (hosts: string[]) => ap('a', 'app', { rules: [{ to: [{ operation: { hosts } }] }] });
  test('svc, svc.ns and svc.ns.svc.cluster.local (with or without a port) name the Service', () => {
    expect(findings([...baseMesh(), hostsAp(['reviews', 'reviews.app', 'ratings.app:9080', REVIEWS])], 'KIA0104')).toEqual([]);
  });
  test('a svc.ns host of a Service that does not exist is still reported', () => {
    expect(findings([...baseMesh(), hostsAp(['details.app', 'reviews.gw'])], 'KIA0104')).toEqual([
      'KIA0104 AuthorizationPolicy app/a: operation.hosts "details.app" matches no Service, ServiceEntry or VirtualService host',
      'KIA0104 AuthorizationPolicy app/a: operation.hosts "reviews.gw" matches no Service, ServiceEntry or VirtualService host',
    ]);
  });
});

describe('SCHEMA keeps managedFields[].fieldsV1 free-form', () => {
  const managedFields = [{
    manager: 'kubectl',
    operation: 'Apply',
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:ports': { 'k:{"port":9080,"protocol":"TCP"}': { '.': {} } } } },
  }];
  const withManaged = (o: any) => ({ ...o, metadata: { ...o.metadata, managedFields } });
  test('a Service and an Istio object with fieldsV1 content pass the schema', () => {
    const objects = [...baseMesh(), withManaged(svc('web', 'app', [{ name: 'http', port: 9080 }])), withManaged(dr('d', 'app', { host: REVIEWS }))];
    expect(findings(objects, 'SCHEMA')).toEqual([]);
  });
  test('the other fields of a managedFields entry are still checked', () => {
    const bad = { ...svc('web', 'app', [{ name: 'http', port: 9080 }]) };
    bad.metadata = { ...bad.metadata, managedFields: [{ ...managedFields[0], manager: 7 }] } as any;
    expect(findings([...baseMesh(), bad], 'SCHEMA')).toEqual([expect.stringMatching(/^SCHEMA Service app\/web: metadata\.managedFields\[0\]\.manager: /)]);
  });
});

describe('SCHEMA keeps GatewayClass spec.description', () => {
  const gatewayClass = (spec: any) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'nginx' }, spec });
  test('a description is accepted, as the Gateway API CRD declares it', () => {
    expect(findings([...baseMesh(), gatewayClass({ controllerName: 'example.com/gateway', description: 'The example gateway' })], 'SCHEMA')).toEqual([]);
  });
  test('its CRD constraints still apply (at most 64 characters, a string)', () => {
    expect(findings([...baseMesh(), gatewayClass({ controllerName: 'example.com/gateway', description: 'x'.repeat(65) })], 'SCHEMA'))
      .toEqual([expect.stringMatching(/^SCHEMA GatewayClass nginx: spec\.description: /)]);
    expect(findings([...baseMesh(), gatewayClass({ controllerName: 'example.com/gateway', description: 3 })], 'SCHEMA'))
      .toEqual([expect.stringMatching(/^SCHEMA GatewayClass nginx: spec\.description: /)]);
  });
});

describe('objects sharing a name each keep their own suppress annotation and line', () => {
  const configMap = (annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'app', annotations } });
  const duplicates = (objects: any[]) => MeshAnalyzer.analyze(objects).filter((f) => f.code === 'DUPLICATE').map((f) => f.resource);
  test('the annotation of one object suppresses only its own findings', () => {
    const suppress = { 'galley.istio.io/analyze-suppress': 'DUPLICATE' };
    // The later objects carry the finding: an annotation on the first suppressed the second's too.
    expect(duplicates([configMap(suppress), configMap(), configMap()])).toEqual(['ConfigMap app/a', 'ConfigMap app/a']);
    expect(duplicates([configMap(), configMap(suppress), configMap()])).toEqual(['ConfigMap app/a']);
    expect(duplicates([configMap(), configMap(suppress), configMap(suppress)])).toEqual([]);
  });
  test('the CLI gives each finding the line of its own object, not of the first with that name', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: app}\n';
    const text = [doc, doc, doc].join('---\n');
    const found = analyzeFiles([{ file: 'cm.yaml', text }], {}).filter((f) => f.code === 'DUPLICATE').map((f) => f.line).sort();
    expect(found).toEqual([5, 9]);
  });
});
