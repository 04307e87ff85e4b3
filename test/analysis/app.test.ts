import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Include, Testing } from 'cdk8s';
import { AsmQuickstart } from '../../examples/asm-quickstart/chart';
import { HttpMatch, IngressGateway, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, Severity, networking } from '../../src';
import { analyzeFiles } from '../../src/analysis/analyzer';
import { runCli } from '../../src/analysis/cli';
import { validateObjects } from '../validate';

function app(): { app: App; chart: Chart; front: MeshService; gateway: IngressGateway } {
  const a = Testing.app();
  const chart = new Chart(a, 'mesh');
  MeshPlatform.asmManaged().applyTo(chart);
  const ns = new MeshNamespace(chart, 'app');
  const front = new MeshService(chart, 'front', { namespace: ns, image: 'front:1', port: 3000 });
  const gateway = new IngressGateway(chart, 'gw', { namespace: new MeshNamespace(chart, 'istio-gateway') });
  gateway.route({ match: HttpMatch.prefix('/'), to: front });
  return { app: a, chart, front, gateway };
}

function tmpFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mesh-analyze-')), name);
  writeFileSync(file, text);
  return file;
}

const BROKEN_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: broken, namespace: app }
spec:
  hosts: [front]
  http:
    - route: [{ destination: { host: backend } }]
`;

describe('MeshAnalyzer at synth', () => {
  test('two objects with one name fail synth (DUPLICATE), naming both constructs', () => {
    const { app: a, chart, front } = app();
    new MeshService(chart, 'front2', { name: 'front', namespace: front.namespace, image: 'other:1', port: 3000 });
    expect(() => a.synthYaml()).toThrow(/DUPLICATE Error Deployment app\/front \(mesh\/front2\/Deployment[^)]*\): 2 objects are named Deployment app\/front \(mesh\/front\/Deployment\S*, mesh\/front2\/Deployment\S*\)/);
    expect(MeshAnalyzer.analyze([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'other' } }]))
      .toEqual([]);
    // The same kind and name in two API groups are two objects; three of one name are reported twice.
    const gateway = (apiVersion: string) => ({ apiVersion, kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' }, spec: {} });
    const codes = (objects: any[]) => MeshAnalyzer.analyze(objects).filter((f) => f.code === 'DUPLICATE').map((f) => f.message.slice(0, 39));
    expect(codes([gateway('gateway.networking.k8s.io/v1'), gateway('example.com/v1')])).toEqual([]);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } };
    expect(codes([cm, gateway('example.com/v1'), cm, cm])).toEqual(['3 objects are named ConfigMap default/a', '3 objects are named ConfigMap default/a']);
  });

  test('schema checks run with the analysis: an unknown field in a raw object fails synth', () => {
    const { app: a, chart } = app();
    new ApiObject(chart, 'raw', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'raw', namespace: 'app' },
      spec: { hosts: ['front'], http: [{ route: [{ destination: { host: 'front' } }] }], timeoutt: '5s' },
    });
    expect(() => a.synthYaml()).toThrow(/SCHEMA Error VirtualService app\/raw \(mesh\/raw\): spec.timeoutt: unknown field/);
  });

  test('the reference example analyzes clean (no findings at all)', () => {
    const a = new App();
    new AsmQuickstart(a, 'asm-quickstart');
    expect(MeshAnalyzer.attach(a).findings()).toEqual([]);
  });

  test('is on by default once a platform is applied: an error fails synth with code, object, path and fix', () => {
    const { chart } = app();
    new networking.VirtualService(chart, 'raw', { metadata: { name: 'raw', namespace: 'app' }, spec: { hosts: ['front'], gateways: ['nope'], http: [{ route: [{ destination: { host: 'front' } }] }] } });
    expect(() => Testing.synth(chart)).toThrow(/IST0101 Error VirtualService app\/raw \(mesh\/raw\): referenced gateway not found: "nope".*Fix: create the Gateway/);
  });

  test('covers raw L1 objects and Included YAML, with their construct paths', () => {
    const { app: a, chart } = app();
    const other = new Chart(a, 'other');
    new Include(other, 'manual', { url: tmpFile('manual.yaml', BROKEN_VS) });
    new ApiObject(other, 'plain-ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });
    const findings = MeshAnalyzer.attach(a).findings();
    expect(findings.map((f) => [f.code, f.severity, f.resource, f.path])).toEqual([
      ['IST0101', Severity.ERROR, 'VirtualService app/broken', 'other/manual/broken-virtualservice-app'],
      ['IST0102', Severity.INFO, 'Namespace plain', 'other/plain-ns'],
    ]);
    expect(() => a.synthYaml()).toThrow('referenced host not found: "backend"');
    expect(chart).toBeDefined();
  });

  test('suppression: per object by annotation, per code or code=resource by option; opt-out', () => {
    const { app: a, chart } = app();
    const vs = new networking.VirtualService(chart, 'raw', { metadata: { name: 'raw', namespace: 'app' }, spec: { hosts: ['front'], http: [{ route: [{ destination: { host: 'nope' } }] }] } });
    expect(MeshAnalyzer.attach(a).findings().map((f) => f.code)).toEqual(['IST0101']);
    vs.metadata.addAnnotation('galley.istio.io/analyze-suppress', 'IST0102, IST0101');
    expect(MeshAnalyzer.attach(a).findings()).toEqual([]);
    vs.metadata.addAnnotation('galley.istio.io/analyze-suppress', '*');
    expect(MeshAnalyzer.attach(a).findings()).toEqual([]);
    vs.metadata.addAnnotation('galley.istio.io/analyze-suppress', 'IST0102');
    expect(MeshAnalyzer.attach(a, { suppress: ['IST0101'] }).findings()).toEqual([]);
    expect(MeshAnalyzer.attach(a, { suppress: ['IST0101=VirtualService raw.app'] }).findings()).toEqual([]);
    expect(MeshAnalyzer.attach(a, { suppress: ['IST0101=VirtualService app/*'] }).findings()).toEqual([]);
    expect(MeshAnalyzer.attach(a, { suppress: ['IST0101=VirtualService other.app'] }).findings()).toHaveLength(1);
    MeshAnalyzer.attach(a, { enabled: false });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('one analysis per synth, however many charts cdk8s validates for; a tree changed in the same tick is analyzed again', () => {
    const { app: a, chart } = app();
    const second = new Chart(a, 'second');
    new ApiObject(second, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'app' } });
    const objects = a.node.findAll().filter(ApiObject.isApiObject).length;
    const toJson = jest.spyOn(ApiObject.prototype, 'toJson');
    a.synthYaml();
    // cdk8s validates the app three times here (once, then per chart); the analysis renders once,
    // and cdk8s writes that rendering (see shared-rendering.test.ts).
    expect(toJson.mock.calls.length).toBe(objects);
    toJson.mockRestore();
    new ApiObject(chart, 'late', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'late', namespace: 'app' },
      spec: { hosts: ['front'], gateways: ['nowhere'], http: [{ route: [{ destination: { host: 'front' } }] }] },
    });
    expect(() => a.synthYaml()).toThrow(/IST0101 Error VirtualService app\/late/);
  });

  test('warnings print, and fail synth with warningsAsErrors', () => {
    const { app: a, chart } = app();
    new networking.DestinationRule(chart, 'dr', { metadata: { name: 'front', namespace: 'app' }, spec: { host: 'fron' } });
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      validateObjects(Testing.synth(chart));
      expect(write).toHaveBeenCalledWith(expect.stringContaining('IST0174 Warning DestinationRule app/front (mesh/dr): host "fron" matches no Service'));
    } finally {
      write.mockRestore();
    }
    MeshAnalyzer.attach(a, { warningsAsErrors: true });
    expect(() => Testing.synth(chart)).toThrow('IST0174 Warning DestinationRule app/front');
  });

  test('a Pod of the app is a manifest, not a running pod: no live-pod findings (IST0103) at synth, as there are on a dump', () => {
    const { chart } = app();
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-1', namespace: 'app' }, spec: { containers: [{ name: 'job', image: 'job:1' }] } };
    new ApiObject(chart, 'bare', bare);
    const analyzer = MeshAnalyzer.attach(chart);
    expect(analyzer.findings().filter((f) => f.code === 'IST0103')).toEqual([]);
    expect(MeshAnalyzer.analyze(chart.toJson()).filter((f) => f.code === 'IST0103').map((f) => f.resource)).toEqual(['Pod app/job-1']);
  });
});

describe('analyzeYaml and the CLI', () => {
  test('analyzeYaml tags findings with the file; List items are objects; syntax errors name the file', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: { name: app, labels: { istio-injection: enabled } }\n---\n${BROKEN_VS}`;
    expect(MeshAnalyzer.analyzeYaml(list, 'm.yaml').map((f) => [f.file, f.code, f.message])).toEqual([
      ['m.yaml', 'IST0101', 'http[0].route[0]: referenced host not found: "backend"'],
    ]);
    expect(() => MeshAnalyzer.analyzeYaml('a: [1', 'bad.yaml')).toThrow(/^bad.yaml: /);
  });

  test('analyzeFiles reads the mesh config given beside the files (what --meshConfigFile passes) over a mesh ConfigMap among them', () => {
    const files = [{ file: 'se.yaml', text: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: db, namespace: app }\nspec: { hosts: [db.example.org], ports: [{ number: 5432, name: tcp, protocol: TCP }], resolution: DNS }\n' }];
    const autoAllocate = { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } };
    const configMap = { file: 'mesh.yaml', text: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: '${JSON.stringify(autoAllocate)}'\n` };
    const codes = (found: { code: string }[]) => found.map((f) => f.code);
    expect(codes(analyzeFiles(files, {}))).toContain('IST0134');
    expect(codes(analyzeFiles([...files, configMap], {}))).not.toContain('IST0134');
    expect(codes(analyzeFiles(files, {}, [], { meshConfig: autoAllocate }))).not.toContain('IST0134');
    expect(codes(analyzeFiles([...files, configMap], {}, [], { meshConfig: {} }))).toContain('IST0134');
  });

  test('CLI: findings per file, exit codes, --suppress, --warnings-as-errors, usage', () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = [(l: string) => out.push(l), (l: string) => err.push(l)] as const;
    const file = tmpFile('vs.yaml', BROKEN_VS);
    expect(runCli([file], ...io)).toBe(1);
    expect(err).toEqual([`${file}: VirtualService app/broken: IST0101 Error: http[0].route[0]: referenced host not found: "backend" (fix: create the Service (or a ServiceEntry for an external host), or fix the host name (<service>.<namespace>.svc.cluster.local))`]);
    expect(runCli(['--suppress', 'IST0101', file], ...io)).toBe(0);
    const dr = tmpFile('dr.yaml', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: d, namespace: app }\nspec: { host: nope }\n');
    expect(runCli([dr], ...io)).toBe(0);
    expect(runCli(['--warnings-as-errors', dr], ...io)).toBe(1);
    expect(runCli(['--suppress=IST0174=DestinationRule d.app', '--warnings-as-errors', dr], ...io)).toBe(0);
    err.length = 0;
    expect(runCli([], ...io)).toBe(2);
    expect(err[0]).toBe('cdk8s-mesh-analyze: no files given');
    expect(runCli(['--bogus', file], ...io)).toBe(2);
    expect(runCli([join(tmpdir(), 'does-not-exist.yaml')], ...io)).toBe(2);
    expect(runCli(['--help'], ...io)).toBe(0);
  });
});
