// A real consumer: pack the library, install it into a fresh TypeScript cdk8s app with cdk8s-cli
// from the npm registry, synthesize with the validation plugin configured, then break a
// reference and check that `cdk8s synth` fails with our message. Needs `npx projen package` first
// (run by `npx projen build`, which spawns this suite as `test:e2e`).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const root = path.join(__dirname, '..');
const versions = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies;
jest.setTimeout(10 * 60_000);

function tarball(): string {
  const dir = path.join(root, 'dist', 'js');
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.tgz')) : undefined;
  if (!found) throw new Error('dist/js/*.tgz is missing: run `npx projen compile && npx projen package:js` first');
  return path.join(dir, found);
}

/** The app: `web` is the app's own cdk8s-plus Deployment (of the app's major), adopted; `api` is created from an image. */
const APP = (plus: string, broken: boolean) => `import { App, Chart } from 'cdk8s';
import * as kplus from '${plus}';
import { HttpMatch, IngressGateway, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, networking } from 'cdk8s-mesh';

const app = new App();
const chart = new Chart(app, 'mesh');
MeshPlatform.asmManaged().applyTo(chart);
// The plugin analyzes the manifests; the in-app analysis is off so that the plugin is what catches mistakes.
MeshAnalyzer.attach(app, { enabled: false });
const ns = new MeshNamespace(chart, 'shop');
const api = new MeshService(chart, 'api', { namespace: ns, image: 'api:1', port: 8080 });
const webDeployment = new kplus.Deployment(chart, 'web-deployment', {
  metadata: { name: 'web', namespace: 'shop' },
  serviceAccount: new kplus.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web', namespace: 'shop' } }),
  containers: [{ image: 'web:1', ports: [{ number: 3000, name: 'http' }] }],
});
const web = new MeshService(chart, 'web', { namespace: ns, workload: webDeployment });
api.allowFrom(web);
const gw = new IngressGateway(chart, 'gw', { namespace: new MeshNamespace(chart, 'istio-gateway') });
gw.route({ match: HttpMatch.prefix('/'), to: web });
${broken ? `// A hand-written object with a dangling gateway reference.
new networking.VirtualService(chart, 'raw', {
  metadata: { name: 'raw', namespace: 'shop' },
  spec: { hosts: ['api.shop.svc.cluster.local'], gateways: ['istio-gateway/missing-gateway'], http: [{ route: [{ destination: { host: api.fqdn } }] }] },
});
` : ''}app.synth();
`;

/**
 * Two apps: one on cdk8s-plus-34 at the versions this library is developed with, one on cdk8s-plus-27
 * (another major) at the library's peer-dependency floors, which gets cdk8s-plus-34 beside its own.
 */
const APPS = [
  { plus: 'cdk8s-plus-34', dependencies: { 'cdk8s': '2.70.106', 'constructs': '10.8.1', 'cdk8s-plus-34': '2.0.54' } },
  { plus: 'cdk8s-plus-27', dependencies: { 'cdk8s': versions.cdk8s, 'constructs': versions.constructs, 'cdk8s-plus-27': '2.9.5' } },
];

describe.each(APPS)('a fresh cdk8s app on $plus consuming the packed library', ({ plus, dependencies }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-consumer-'));
  const cdk8s = (): ReturnType<typeof spawnSync> => spawnSync('npx', ['cdk8s', 'synth'], { cwd: dir, encoding: 'utf8', timeout: 5 * 60_000 });

  beforeAll(() => {
    // `cdk8s init typescript-app` would also import k8s from GitHub; the app is laid out by hand instead.
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
      name: 'mesh-consumer',
      version: '0.0.0',
      private: true,
      dependencies: { ...dependencies, 'cdk8s-mesh': `file:${tarball()}` },
      // The setup of docs/pipeline.md: tsx runs the app, with the current TypeScript major beside it.
      devDependencies: { 'cdk8s-cli': versions['cdk8s-cli'], 'tsx': '^4', 'typescript': '^7', '@types/node': '^20' },
    }, undefined, 2));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] },
      include: ['*.ts'],
    }));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'language: typescript',
      'app: npx tsx main.ts',
      'validations:',
      '  - package: ./node_modules/cdk8s-mesh',
      '    version: 0.0.0',
      '    class: MeshValidation',
      '    properties: {}',
      '',
    ].join('\n'));
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'pipe', timeout: 5 * 60_000 });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('synthesizes and the plugin passes', () => {
    fs.writeFileSync(path.join(dir, 'main.ts'), APP(plus, false));
    const run = cdk8s();
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/Validation failed/);
    expect(run.status).toBe(0);
    const yaml = fs.readFileSync(path.join(dir, 'dist', 'mesh.k8s.yaml'), 'utf8');
    expect(yaml).toContain('kind: VirtualService');
    expect(yaml).toContain('host: web.shop.svc.cluster.local');
    expect(yaml).toContain('- cluster.local/ns/shop/sa/web');
    // The adopted Deployment joined the mesh: the library's labels and annotations on its pods.
    const web = parseAllDocuments(yaml).map((d) => d.toJS()).find((o) => o?.kind === 'Deployment' && o.metadata.name === 'web');
    expect(web.spec.template.metadata.labels.app).toBe('web');
    expect(web.spec.template.metadata.annotations['proxy.istio.io/config']).toBe('{"holdApplicationUntilProxyStarts":true}');
    expect(yaml).toContain('istio.io/rev: asm-managed');
  });

  test('a broken reference fails `cdk8s synth` with our message', () => {
    fs.writeFileSync(path.join(dir, 'main.ts'), APP(plus, true));
    const run = cdk8s();
    const out = `${run.stdout}${run.stderr}`;
    expect(run.status).toBe(2);
    expect(out).toContain('IST0101');
    expect(out).toContain('missing-gateway');
    expect(out).toContain('Validation failed');
  });
});
