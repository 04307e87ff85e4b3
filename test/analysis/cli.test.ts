// `cdk8s-mesh-analyze`: inputs (files, directories, stdin), --meshConfigFile, and each --output
// format parsed as its consumers parse it (SARIF against the SARIF 2.1.0 JSON schema).
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOMParser } from '@xmldom/xmldom';
import Ajv from 'ajv-draft-04';
import { NAMESPACE, VIRTUAL_SERVICE } from './manifests';
import { runCli } from '../../src/analysis/cli';

const SERVICE_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: web, namespace: app }
spec: { hosts: [web.example.com], ports: [{ number: 80, name: http, protocol: HTTP }], resolution: DNS, location: MESH_EXTERNAL }
`;
/** IST0101 (error): the VirtualService, which starts on line 11, names a missing Gateway. */
const BROKEN = `${NAMESPACE}---\n${SERVICE_ENTRY}---\n${VIRTUAL_SERVICE}`;
const GATEWAY_FIX = 'create the Gateway, or fix the name (<namespace>/<name>, or <name> in the VirtualService\'s namespace)';
/** IST0174 (warning): the DestinationRule's host is not found. */
const WARNING = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: d, namespace: app }\nspec: { host: nope }\n';
/** IST0157 (warning) unless the mesh config has default access-log providers. */
const TELEMETRY = 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: { name: logs, namespace: app }\nspec: { accessLogging: [{}] }\n';

function dir(files: { [name: string]: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

function run(args: string[], stdin = ''): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, (l) => out.push(l), (l) => err.push(l), () => stdin);
  return { code, out, err };
}

describe('cdk8s-mesh-analyze inputs', () => {
  test('text: finding lines and the summary line keep their format', () => {
    const root = dir({ 'app.yaml': BROKEN });
    const file = join(root, 'app.yaml');
    const r = run([file]);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`${file}: VirtualService app/web: IST0101 Error: referenced gateway not found: "app/missing" (no Gateway app/missing) (fix: ${GATEWAY_FIX})`]);
    expect(r.out).toEqual(['1 finding(s) in 1 file(s)']);
  });

  test('directories recursively (*.yaml, *.yml, *.json, sorted) and - for stdin, one object set', () => {
    const root = dir({
      'b/ns.yml': NAMESPACE,
      'a.yaml': `${SERVICE_ENTRY}---\n${VIRTUAL_SERVICE}`,
      'c.json': JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'missing', namespace: 'app' }, spec: { servers: [{ hosts: ['*'], port: { number: 80, name: 'http', protocol: 'HTTP' } }] } }),
      'notes.txt': 'not a manifest',
    });
    const r = run(['--output', 'json', root]);
    expect(r.err).toEqual(['1 finding(s) in 3 file(s)']);
    // The Gateway of c.json resolves the VirtualService's reference; what is left is a Gateway that selects no workload.
    expect(JSON.parse(r.out[0]).findings.map((f: any) => [f.code, f.file])).toEqual([['IST0101', join(root, 'c.json')]]);
    const fromStdin = run(['-', '--output=json'], BROKEN);
    expect(fromStdin.code).toBe(1);
    expect(JSON.parse(fromStdin.out[0]).findings[0]).toMatchObject({ code: 'IST0101', file: '<stdin>', line: 11 });
    // No file to point at: annotations and SARIF results name the object only.
    expect(run(['-o', 'github', '-'], BROKEN).out[0]).toMatch(/^::error title=IST0101 VirtualService app\/web::/);
    expect(JSON.parse(run(['-o', 'sarif', '-'], BROKEN).out[0]).runs[0].results[0].locations).toEqual([{ logicalLocations: [{ name: 'VirtualService app/web', kind: 'resource' }] }]);
  });

  test('directories: symbolic links to files and directories are followed, each target read once', () => {
    const dr = (name: string) => WARNING.replace('name: d,', `name: ${name},`).replace('nope', `${name}.example.com`);
    const root = dir({ 'tree/a.yaml': dr('a'), 'outside/linked.yaml': dr('linked'), 'outside/dir/nested.yml': dr('nested') });
    const tree = join(root, 'tree');
    symlinkSync(join(root, 'outside', 'linked.yaml'), join(tree, 'link.yaml'));
    symlinkSync(join(root, 'outside', 'dir'), join(tree, 'sub'));
    symlinkSync('.', join(tree, 'loop')); // a cycle
    symlinkSync('a.yaml', join(tree, 'again.yaml')); // a.yaml again
    symlinkSync('nowhere', join(tree, 'dangling')); // no manifest name: ignored, as kubectl ignores it
    const r = run(['-o', 'json', tree]);
    expect([r.code, r.err]).toEqual([0, ['3 finding(s) in 3 file(s)']]);
    expect(JSON.parse(r.out[0]).findings.map((f: any) => [f.resource, f.file])).toEqual([
      ['DestinationRule app/a', join(tree, 'a.yaml')],
      ['DestinationRule app/linked', join(tree, 'link.yaml')],
      ['DestinationRule app/nested', join(tree, 'sub', 'nested.yml')],
    ]);
    symlinkSync('nowhere.yaml', join(tree, 'broken.yaml'));
    expect(run([tree])).toMatchObject({ code: 2, err: [expect.stringMatching(/^cdk8s-mesh-analyze: ENOENT: no such file or directory, open '.*broken\.yaml'$/)] });
  });

  test('a directory without manifests is a read error, not a clean run', () => {
    const root = dir({ 'notes.txt': 'not a manifest', 'empty/README.md': '' });
    const message = `cdk8s-mesh-analyze: ${root}: no *.yaml, *.yml or *.json files found`;
    expect(run([root])).toEqual({ code: 2, out: [], err: [message] });
    const app = dir({ 'app.yaml': NAMESPACE });
    expect(run(['--assume', root, app])).toEqual({ code: 2, out: [], err: [message] });
  });

  test('documents kubectl refuses are SCHEMA errors with file, document and line', () => {
    const root = dir({ 'odd.yaml': `${NAMESPACE}---\n- ${NAMESPACE.replace(/\n(?=.)/g, '\n  ')}---\napiVersion: v1\nKind: Service\nmetadata: { name: web, namespace: app }\n---\n` });
    const file = join(root, 'odd.yaml');
    const r = run([file]);
    expect([r.code, r.out]).toEqual([1, ['2 finding(s) in 1 file(s)']]);
    expect(r.err).toEqual([
      `${file}: (no kind) (no name): SCHEMA Error: document 2: not a Kubernetes object (a sequence, where kubectl reads a mapping) (fix: write each object as its own document, or as an item of a \`kind: List\`)`,
      `${file}: (no kind) app/web: SCHEMA Error: document 3: not a Kubernetes object (kubectl: Object 'Kind' is missing) (fix: rename "Kind" to "kind" (field names are case-sensitive))`,
    ]);
    expect(JSON.parse(run(['-o', 'json', file]).out[0]).findings.map((f: any) => [f.resource, f.line])).toEqual([['(no kind) (no name)', 5], ['(no kind) app/web', 9]]);
  });

  test('typed lists: VirtualServiceList items are VirtualServices, located on their lines', () => {
    // VIRTUAL_SERVICE's object as a kind-less item (`kubectl get --raw` lists are written so).
    const item = VIRTUAL_SERVICE.split('\n').slice(3).join('\n  ').trimEnd();
    const root = dir({ 'list.yaml': `${NAMESPACE}---\napiVersion: networking.istio.io/v1\nkind: VirtualServiceList\nitems:\n- ${item}\n---\n${SERVICE_ENTRY}` });
    const file = join(root, 'list.yaml');
    const r = run(['-o', 'json', file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out[0]).findings.map((f: any) => [f.code, f.resource, f.line])).toEqual([['IST0101', 'VirtualService app/web', 8]]);
  });

  test('boolean flags take =true or =false, and no other value', () => {
    const root = dir({ 'dr.yaml': WARNING });
    const dr = join(root, 'dr.yaml');
    expect(run(['--warnings-as-errors=false', dr]).code).toBe(0);
    expect(run(['--warnings-as-errors=true', dr]).code).toBe(1);
    expect(run(['--warnings-as-errors', dr]).code).toBe(1);
    expect(run(['--warnings-as-errors=x', dr])).toMatchObject({ code: 2, err: ['cdk8s-mesh-analyze: --warnings-as-errors takes true or false, got "x"', expect.any(String)] });
    expect(run(['--help=true'])).toMatchObject({ code: 0, out: [expect.stringMatching(/^usage: /)] });
    expect(run(['--help=false', dr]).code).toBe(0);
    expect(run(['--help=1'])).toMatchObject({ code: 2, err: ['cdk8s-mesh-analyze: --help takes true or false, got "1"', expect.any(String)] });
  });

  test('--meshConfigFile: the MeshConfig is the mesh config of the analysis', () => {
    const root = dir({ 'telemetry.yaml': `${NAMESPACE}---\n${TELEMETRY}`, 'mesh.yaml': 'defaultProviders:\n  accessLogging: [envoy]\n', 'rooted.yaml': 'rootNamespace: mesh-root\ndefaultProviders: { accessLogging: [envoy] }\n', 'bad.yaml': '[a, b]\n' });
    const codes = (args: string[]) => JSON.parse(run(['-o', 'json', ...args, join(root, 'telemetry.yaml')]).out[0]).findings.map((f: any) => f.code);
    expect(codes([])).toEqual(['IST0157']);
    expect(codes(['--meshConfigFile', join(root, 'mesh.yaml')])).toEqual([]);
    // The ConfigMap goes to the MeshConfig's rootNamespace, which the analysis takes as the root namespace.
    expect(codes([`--meshConfigFile=${join(root, 'rooted.yaml')}`])).toEqual([]);
    const bad = run(['--meshConfigFile', join(root, 'bad.yaml'), join(root, 'telemetry.yaml')]);
    expect([bad.code, bad.err]).toEqual([2, [`cdk8s-mesh-analyze: ${join(root, 'bad.yaml')}: a MeshConfig is a YAML mapping`]]);
  });

  test('--istio-namespace: the mesh ConfigMap is read where istiod runs', () => {
    const configMap = (namespace: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: ${namespace} }\ndata:\n  mesh: "defaultProviders: { accessLogging: [envoy] }"\n`;
    const root = dir({ 'telemetry.yaml': `${NAMESPACE}---\n${TELEMETRY}`, 'mesh.yaml': configMap('istio-control') });
    const codes = (args: string[]) => JSON.parse(run(['-o', 'json', ...args, join(root, 'telemetry.yaml'), join(root, 'mesh.yaml')]).out[0]).findings.map((f: any) => f.code);
    // By default the mesh ConfigMap is read in the root namespace (istio-system).
    expect(codes([])).toEqual(['IST0157']);
    expect(codes(['--istio-namespace', 'istio-control'])).toEqual([]);
    expect(run(['--istio-namespace']).code).toBe(2);
  });

  test('--assume: objects owned elsewhere resolve references and are not reported on', () => {
    // The Gateway exists in the cluster (installed elsewhere); its pods are not among the inputs,
    // which analyzed would be IST0101 (no workload for its selector).
    const gateway = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: missing, namespace: app }\n'
      + 'spec: { selector: { istio: ingressgateway }, servers: [{ hosts: ["*"], port: { number: 80, name: http, protocol: HTTP } }] }\n';
    const root = dir({ 'app.yaml': BROKEN, 'cluster/gateway.yaml': gateway });
    const app = join(root, 'app.yaml');
    expect(run([app, join(root, 'cluster')]).code).toBe(1);
    const r = run(['--assume', join(root, 'cluster'), app]);
    expect([r.code, r.err, r.out]).toEqual([0, [], ['0 finding(s) in 1 file(s)']]);
    expect(run([`--assume=${join(root, 'cluster', 'gateway.yaml')}`, app]).code).toBe(0);
    expect(run(['--assume']).code).toBe(2);
  });

  test('usage and read errors exit 2', () => {
    expect(run(['--output', 'xml', 'x.yaml'])).toMatchObject({ code: 2, err: ['cdk8s-mesh-analyze: --output must be one of text, json, sarif, github, junit', expect.any(String)] });
    const missing = join(tmpdir(), 'mesh-cli-does-not-exist');
    expect(run([missing]).code).toBe(2);
    expect(run(['--meshConfigFile']).code).toBe(2);
  });
});

describe('cdk8s-mesh-analyze --output', () => {
  const root = dir({ 'app.yaml': BROKEN, 'dr.yaml': WARNING, 'clean/ns.yaml': NAMESPACE.replace('app', 'other') });
  const app = join(root, 'app.yaml');
  const dr = join(root, 'dr.yaml');
  const args = [app, dr, join(root, 'clean')];

  test('json: findings with file and line, and the counts', () => {
    const r = run(['--output', 'json', ...args]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out.join('\n'));
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'IST0101', severity: 'Error', resource: 'VirtualService app/web', file: app, line: 11, fatal: true }),
      expect.objectContaining({ code: 'IST0174', severity: 'Warning', resource: 'DestinationRule app/d', file: dr, line: 1, fatal: false }),
    ]);
    expect(report.summary).toEqual({ files: 3, findings: 2, errors: 1, warnings: 1, infos: 0, failed: true });
    expect(r.err).toEqual(['2 finding(s) in 3 file(s)']);
  });

  test('sarif: valid SARIF 2.1.0, a rule with its help URI per code, results located by file and line', () => {
    const r = run(['--output', 'sarif', ...args]);
    const log = JSON.parse(r.out.join('\n'));
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false); // no tool: the schema bites
    expect(log.version).toBe('2.1.0');
    const [sarifRun] = log.runs;
    expect(sarifRun.tool.driver).toMatchObject({ name: 'cdk8s-mesh-analyze', version: expect.any(String) });
    expect(sarifRun.tool.driver.rules).toEqual([
      { id: 'IST0101', shortDescription: { text: expect.stringContaining('IST0101') }, helpUri: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/', defaultConfiguration: { level: 'error' } },
      { id: 'IST0174', shortDescription: { text: expect.stringContaining('IST0174') }, helpUri: 'https://istio.io/latest/docs/reference/config/analysis/ist0174/', defaultConfiguration: { level: 'warning' } },
    ]);
    expect(sarifRun.results.map((x: any) => [x.ruleId, x.ruleIndex, x.level, x.locations[0].physicalLocation])).toEqual([
      ['IST0101', 0, 'error', { artifactLocation: { uri: encodeURI(app) }, region: { startLine: 11 } }],
      ['IST0174', 1, 'warning', { artifactLocation: { uri: encodeURI(dr) }, region: { startLine: 1 } }],
    ]);
    expect(sarifRun.artifacts).toHaveLength(3);
    // --warnings-as-errors raises a failing warning to error.
    const strict = JSON.parse(run(['-o', 'sarif', '--warnings-as-errors', dr]).out.join('\n'));
    expect(strict.runs[0].results[0].level).toBe('error');
  });

  test('github: an annotation per finding with file, line and title, then the summary', () => {
    const r = run(['--output', 'github', ...args]);
    const lines = r.out.join('\n').split('\n');
    expect(lines.map((l) => /^::(\w+) file=([^,]+),line=(\d+),title=([^:]+)::(.*)$/.exec(l)?.slice(1, 5))).toEqual([
      ['error', app, '11', 'IST0101 VirtualService app/web'],
      ['warning', dr, '1', 'IST0174 DestinationRule app/d'],
      undefined,
    ]);
    expect(lines[2]).toBe('2 finding(s) in 3 file(s)');
    // Workflow-command escaping: `,` and `:` in properties, `%` and newlines everywhere.
    const odd = dir({ 'a,b:c.yaml': WARNING });
    expect(run(['-o', 'github', join(odd, 'a,b:c.yaml')]).out[0]).toContain(`file=${join(odd, 'a%2Cb%3Ac.yaml')},line=1,`);
  });

  test('junit: a suite per file, a failing case per failing finding, a passing case for a clean file', () => {
    const r = run(['--output', 'junit', ...args]);
    const doc = new DOMParser().parseFromString(r.out.join('\n'), 'text/xml');
    const suites = Array.from(doc.getElementsByTagName('testsuite'));
    expect(suites.map((s) => [s.getAttribute('name'), s.getAttribute('tests'), s.getAttribute('failures')])).toEqual([
      [app, '1', '1'], [dr, '1', '0'], [join(root, 'clean', 'ns.yaml'), '1', '0'],
    ]);
    const root_ = doc.documentElement!;
    expect([root_.getAttribute('tests'), root_.getAttribute('failures')]).toEqual(['3', '1']);
    const failures = Array.from(doc.getElementsByTagName('failure'));
    expect(failures.map((f) => [f.getAttribute('type'), f.getAttribute('message'), f.textContent])).toEqual([[
      'IST0101', 'IST0101 Error: referenced gateway not found: "app/missing" (no Gateway app/missing)',
      `${app}:11: VirtualService app/web: referenced gateway not found: "app/missing" (no Gateway app/missing) (fix: ${GATEWAY_FIX})`,
    ]]);
  });
});
