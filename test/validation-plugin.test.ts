import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MeshValidation } from '../src';

/** A stand-in for cdk8s-cli's ValidationContext, recording what the plugin reports. */
function context(yaml: string) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-')), 'app.k8s.yaml');
  fs.writeFileSync(file, yaml);
  const violations: any[] = [];
  const submitted: any[] = [];
  return {
    file,
    violations,
    submitted,
    ctx: { manifests: [file], report: { addViolation: (v: any) => violations.push(v), submit: (s: string, m: any) => submitted.push([s, m]) } },
  };
}

const BROKEN = `apiVersion: v1
kind: Namespace
metadata: { name: app, labels: { istio-injection: enabled } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: app }
spec:
  hosts: [web.example.com]
  gateways: [app/missing]
  http: [{ route: [{ destination: { host: web.example.com } }] }]
`;
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
    expect(v.violatingResources).toEqual([{ resourceName: 'web', locations: [], manifestPath: c.file }]);
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
});
