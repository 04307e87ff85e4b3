import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { HttpMatch, IngressGateway, InstalledGateway, MeshNamespace, MeshPlatform, MeshService, MeshValidation, networking } from '../src';
import { NAMESPACE, VIRTUAL_SERVICE } from './analysis/manifests';

/**
 * A stand-in for cdk8s-cli's ValidationContext, recording what the plugin reports; `metadata` is
 * construct-metadata.json's resources, which the CLI's report reads construct paths from.
 */
function context(yaml: string, metadata: { [name: string]: { path: string } } = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-')), 'app.k8s.yaml');
  fs.writeFileSync(file, yaml);
  const violations: any[] = [];
  const submitted: any[] = [];
  return {
    file,
    violations,
    submitted,
    metadata,
    ctx: {
      manifests: [file],
      metadata,
      report: { addViolation: (v: any) => violations.push(v), submit: (s: string, m: any) => submitted.push([s, m]) },
    },
  };
}

/** The VirtualService (line 6) names a missing gateway and host. */
const BROKEN = `${NAMESPACE}---\n${VIRTUAL_SERVICE}`;
/** A ServiceEntry with a TCP port and no addresses: IST0134, a warning. */
const WARNING_ONLY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: default }
spec:
  hosts: [db.example.com]
  ports: [{ number: 5432, name: tcp, protocol: TCP }]
  resolution: DNS
  location: MESH_EXTERNAL
`;

describe('MeshValidation (cdk8s CLI plugin)', () => {
  test('errors become violations with rule, recommendation, fix and file, and fail the report', async () => {
    const c = context(BROKEN);
    await new MeshValidation().validate(c.ctx);
    const v = c.violations.find((x) => x.ruleName === 'IST0101 (error)' && x.recommendation.includes('missing'));
    expect(v).toBeDefined();
    expect(v.recommendation).toMatch(/^VirtualService app\/web: .*missing/);
    expect(v.fix.length).toBeGreaterThan(0);
    // A location per violation (the CLI counts them as occurrences): the object's file and line.
    expect(v.violatingResources).toEqual([{ resourceName: 'VirtualService app/web', locations: [`${c.file}:6`], manifestPath: c.file }]);
    expect(c.submitted[0][0]).toBe('failure');
  });

  test('suppressed codes are dropped; a clean set succeeds', async () => {
    const c = context(BROKEN);
    await new MeshValidation({ suppress: ['IST0101'] }).validate(c.ctx);
    expect(c.violations.filter((x) => x.ruleName.startsWith('IST0101'))).toEqual([]);
    const clean = context('apiVersion: v1\nkind: Namespace\nmetadata: { name: app, labels: { istio-injection: enabled } }\n');
    await new MeshValidation().validate(clean.ctx);
    expect(clean.violations).toEqual([]);
    expect(clean.submitted).toEqual([['success', { findings: '0' }]]);
  });

  test('warnings are reported without failing, unless warningsAsErrors', async () => {
    const yaml = WARNING_ONLY;
    const lenient = context(yaml);
    await new MeshValidation().validate(lenient.ctx);
    const warnings = lenient.violations.filter((x) => x.ruleName.endsWith('(warning)'));
    expect(lenient.violations.filter((x) => x.ruleName.endsWith('(error)'))).toEqual([]);
    expect(warnings.map((x) => x.ruleName)).toEqual(['IST0134 (warning)']);
    expect(lenient.submitted[0][0]).toBe('success');
    const strict = context(yaml);
    await new MeshValidation({ warningsAsErrors: true }).validate(strict.ctx);
    expect(strict.violations.every((x) => x.ruleName.endsWith('(error)'))).toBe(true);
    expect(strict.submitted[0][0]).toBe('failure');
  });

  test('istioNamespace: the mesh ConfigMap is read where istiod runs', async () => {
    // IST0157 (warning) unless the mesh config names default access-log providers.
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-control }\ndata:\n  mesh: "defaultProviders: { accessLogging: [envoy] }"\n---\n'
      + 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: { name: logs, namespace: istio-system }\nspec: { accessLogging: [{}] }\n';
    const byDefault = context(yaml);
    await new MeshValidation().validate(byDefault.ctx);
    expect(byDefault.violations.map((x) => x.ruleName)).toContain('IST0157 (warning)');
    const there = context(yaml);
    await new MeshValidation({ istioNamespace: 'istio-control' }).validate(there.ctx);
    expect(there.violations.map((x) => x.ruleName)).not.toContain('IST0157 (warning)');
  });

  test('construct paths: by kind, namespace and name from what the app recorded; by name only when the name is unique', async () => {
    const withServiceAccount = `${BROKEN}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: web, namespace: app }\n`;
    // construct-metadata.json keys by name: `web` is the ServiceAccount's path, not the VirtualService's.
    const ambiguous = context(withServiceAccount, { web: { path: 'mesh/web-sa' } });
    await new MeshValidation().validate(ambiguous.ctx);
    expect(ambiguous.metadata['VirtualService app/web']).toBeUndefined();
    const unique = context(BROKEN, { web: { path: 'mesh/raw' } });
    await new MeshValidation().validate(unique.ctx);
    expect(unique.metadata['VirtualService app/web']).toEqual({ path: 'mesh/raw' });
    const recorded = context(withServiceAccount, { web: { path: 'mesh/web-sa' } });
    fs.writeFileSync(path.join(path.dirname(recorded.file), 'mesh-construct-paths.json'), JSON.stringify({
      version: 1,
      objects: [
        { kind: 'ServiceAccount', namespace: 'app', name: 'web', path: 'mesh/web-sa' },
        { kind: 'VirtualService', namespace: 'app', name: 'web', path: 'mesh/routes/web' },
      ],
    }));
    await new MeshValidation().validate(recorded.ctx);
    expect(recorded.metadata['VirtualService app/web']).toEqual({ path: 'mesh/routes/web' });
  });

  test('an app records every object\'s construct path when the cdk8s CLI records construct metadata', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-app-'));
    const record = path.join(outdir, 'mesh-construct-paths.json');
    const synth = () => {
      const app = new App({ outdir });
      const chart = new Chart(app, 'mesh');
      MeshPlatform.istio().applyTo(chart);
      new MeshService(chart, 'web', { namespace: new MeshNamespace(chart, 'app'), image: 'web:1', port: 80 });
      new networking.VirtualService(chart, 'raw', { metadata: { name: 'web', namespace: 'app' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] } });
      app.synth();
    };
    synth();
    expect(fs.existsSync(record)).toBe(false);
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    try {
      synth();
    } finally {
      delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    }
    const objects: any[] = JSON.parse(fs.readFileSync(record, 'utf8')).objects;
    const web = objects.filter((o) => o.name === 'web').map((o) => [o.kind, o.path]);
    expect(new Set(web.map(([, p]) => p)).size).toBe(web.length);
    expect(web).toEqual(expect.arrayContaining([['VirtualService', 'mesh/raw'], ['Deployment', expect.stringMatching(/^mesh\/web\//)]]));
  });

  test('what the app references outside its manifests resolves in the plugin as in the app (installed gateways, other teams\' services)', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-assumed-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'mesh');
    MeshPlatform.istio().applyTo(chart);
    const shop = new MeshNamespace(chart, 'shop');
    const payments = MeshService.fromServiceAttributes(chart, 'payments', {
      name: 'payments', namespace: MeshNamespace.fromNamespaceName(chart, 'payments-ns', 'payments'), ports: [{ port: 8080 }],
    });
    const gateway = new IngressGateway(chart, 'gw', { namespace: shop, installed: InstalledGateway.istioHelmChart() });
    gateway.route({ match: HttpMatch.prefix('/pay'), to: payments });
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    try {
      app.synth();
    } finally {
      delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    }
    const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join(outdir, f));
    const run = async () => {
      const violations: any[] = [];
      const report = { addViolation: (v: any) => violations.push(v), submit: () => undefined };
      await new MeshValidation().validate({ manifests, metadata: {}, report });
      return violations.map((v) => v.ruleName);
    };
    expect(await run()).toEqual([]);
    // Without the app's record, the gateway's pods and the payments Service are not among the files.
    fs.rmSync(path.join(outdir, 'mesh-construct-paths.json'));
    expect(await run()).toEqual(expect.arrayContaining(['IST0101 (error)']));
  });
});
