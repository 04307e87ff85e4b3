import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { AsmQuickstart } from '../examples/asm-quickstart/chart';
import { CanaryAndSecurity } from '../examples/canary-and-security/chart';
import { MeshDiagram } from '../src';

function diagramOf(build: (app: App) => void): string {
  const app = new App();
  build(app);
  return MeshDiagram.fromApp(app);
}

describe('MeshDiagram', () => {
  const quickstart = diagramOf((app) => new AsmQuickstart(app, 'asm-quickstart'));

  test('quickstart: gateway route, allowed caller, mTLS per namespace', () => {
    expect(quickstart).toMatchSnapshot();
    expect(quickstart).toContain('gw_istio_gateway_istio_ingressgateway ==>|"/hello*"| svc_app_front');
    expect(quickstart).toContain('svc_app_front --> svc_app_backend');
    expect(quickstart).toContain('subgraph ns_app["app · mTLS PERMISSIVE (default)"]');
    expect(quickstart).not.toContain('svc_app_backend --> svc_app_front');
  });

  test('docs/constructs.md shows the current quickstart diagram', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'constructs.md'), 'utf8');
    const block = quickstart.slice(quickstart.indexOf('```mermaid'), quickstart.lastIndexOf('```') + 3);
    expect(readme).toContain(block);
  });

  test('canary-and-security: versions, STRICT, deny by default, egress, gateway caller', () => {
    const d = diagramOf((app) => new CanaryAndSecurity(app, 'canary-and-security'));
    expect(d).toMatchSnapshot();
    expect(d).toContain('svc_shop_reviews["reviews :9080<br/>v1, v2"]');
    expect(d).toContain('subgraph ns_shop["shop · mTLS STRICT · deny by default"]');
    expect(d).toContain('svc_shop_reviews -.-> ext_external_hosts_api_payments_example_com');
    expect(d).toContain('gw_istio_ingress_istio_ingressgateway --> svc_shop_frontend');
    expect(d).toContain('svc_shop_reviews --> svc_shop_ratings');
  });

  test('works on plain objects parsed from YAML and writes next to the YAML', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-')) });
    new AsmQuickstart(app, 'asm-quickstart');
    app.synth();
    const file = MeshDiagram.writeToOutdir(app);
    expect(file).toBe(path.join(app.outdir, 'mesh-diagram.md'));
    expect(fs.readFileSync(file, 'utf8')).toBe(quickstart);
    const yaml = fs.readFileSync(path.join(app.outdir, 'asm-quickstart.k8s.yaml'), 'utf8');
    expect(MeshDiagram.fromObjects(parseAllDocuments(yaml).map((doc) => doc.toJS()))).toBe(quickstart);
  });

  test('names that read alike as ids (a-b/c and a/b-c) are two nodes', () => {
    const service = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ port: 80 }] } });
    const d = MeshDiagram.fromObjects([service('a-b', 'c'), service('a', 'b-c')]);
    expect(d).toContain('svc_a_b_c["c :80"]');
    expect(d).toContain('svc_a_b_c_2["b-c :80"]');
    expect(d).toContain('subgraph ns_a_b["a-b');
    expect(d).toContain('subgraph ns_a["a');
  });

  test('Gateways whose pods istiod deploys call as their ServiceAccounts (<name>-istio, east-west and waypoint <name>)', () => {
    const gateway = (name: string, gatewayClassName: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name, namespace: 'edge' },
      spec: { gatewayClassName, listeners: [{ name: 'l', port: 15008, protocol: 'HBONE' }] },
    });
    const d = MeshDiagram.fromObjects([
      gateway('ingress', 'istio'), gateway('eastwest', 'istio-east-west'), gateway('remote', 'istio-remote'), gateway('waypoint', 'istio-waypoint'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'app' }, spec: { ports: [{ port: 80 }] } },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'api', namespace: 'app' },
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: 'api' }],
          rules: [{ from: [{ source: { principals: ['ingress-istio', 'eastwest', 'waypoint', 'remote-istio-remote', 'remote'].map((sa) => `cluster.local/ns/edge/sa/${sa}`) } }] }],
        },
      },
    ]);
    expect(d).toContain('gw_edge_ingress --> svc_app_api');
    expect(d).toContain('gw_edge_eastwest --> svc_app_api');
    expect(d).toContain('gw_edge_waypoint --> svc_app_api');
    // istiod deploys nothing for istio-remote: the principal names no pod of the diagram.
    expect(d).not.toContain('gw_edge_remote -->');
  });

  test('an empty app renders an empty flowchart', () => {
    expect(MeshDiagram.fromObjects([])).toContain('```mermaid\nflowchart LR\n```');
    // An empty YAML document parses to null.
    expect(MeshDiagram.fromObjects([null])).toBe(MeshDiagram.fromObjects([]));
  });
});
