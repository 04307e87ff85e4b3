import { MeshAnalyzer } from '../../src';
import { readKubeYaml, resolvePlainScalar } from '../../src/analysis/kube-yaml';

describe('YAML read the way kubectl reads it (sigs.k8s.io/yaml over go-yaml v2)', () => {
  test('plain scalars resolve as go-yaml v2 resolves them', () => {
    const cases: [string, unknown][] = [
      ['.', '.'], ['.5', 0.5], ['1:20', '1:20'], ['0o17', 15], ['017', 15], ['08', 8], ['0x1F', 31], ['-0b101', -5], ['1_000', 1000],
      ['1e3', 1000], ['+1', 1], ['yes', true], ['Off', false], ['y', true], ['~', null], ['', null], ['2024-01-01', '2024-01-01'],
      ['2001:db8::1', '2001:db8::1'], ['fe80::', 'fe80::'], ['1.2.3.4', '1.2.3.4'], ['-', '-'], ['abc', 'abc'],
    ];
    for (const [text, value] of cases) expect([text, resolvePlainScalar(text)]).toEqual([text, value]);
  });

  test('a flow sequence keeps "x::" as one string, quoted and block scalars stay strings, null fields are dropped', () => {
    const [{ value: doc }] = readKubeYaml('exportTo: [.]\naddresses: [2001:db8::, "fd00::1", fe80::1]\nq: "yes"\nb: |\n  012\nn:\nlist: [null, 1]\nm: { a: null }\n');
    expect(doc).toEqual({ exportTo: ['.'], addresses: ['2001:db8::', 'fd00::1', 'fe80::1'], q: 'yes', b: '012\n', list: [null, 1], m: {} });
  });

  test('hand-written manifests with null fields, exportTo [.] and IPv6 flow sequences analyze clean', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: kiali
  namespace: istio-system
  annotations:
  labels: { istio: kiali }
spec:
  ports: [{ name: http, port: 20001 }]
  selector: { app: kiali }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: prometheus, namespace: istio-system, labels: { istio: prometheus } }
spec:
  selector: { matchLabels: { app: prometheus } }
  strategy:
    rollingUpdate:
    type: Recreate
  template:
    metadata: { labels: { app: prometheus } }
    spec: { containers: [{ name: prometheus, image: prom/prometheus }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: v6, namespace: istio-system }
spec:
  hosts: [v6.example.com]
  addresses: [2001:db8::]
  exportTo: [.]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: STATIC
  endpoints: [{ address: 2001:db8::10 }]
`;
    expect(MeshAnalyzer.analyzeYaml(text, 'addons.yaml').filter((f) => f.code === 'SCHEMA' || f.code === 'KIA0005')).toEqual([]);
  });

  test('what kubectl refuses stays refused: a YAML 1.1 boolean where a string belongs', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags, namespace: default }\ndata: { enabled: yes }\n';
    expect(MeshAnalyzer.analyzeYaml(text).map((f) => f.message)).toEqual(['data[enabled]: must be string, got boolean']);
  });

  test('documents kubectl refuses to decode are SCHEMA errors; empty documents and null List items are skipped', () => {
    const text = [
      '- apiVersion: v1\n  kind: Namespace\n  metadata: { name: app }\n',
      'apiVersion: v1\nKind: Service\nmetadata: { name: web, namespace: app }\n',
      '# only a comment\n',
      'just a string\n',
      '{ apiVersion: v1, metadata: { name: cm } }\n',
      'apiVersion: v1\nkind: List\nitems:\n  - null\n  - { metadata: { name: x } }\n  - 42\n  - { apiVersion: v1, kind: Namespace, metadata: { name: ok, labels: { istio-injection: enabled } } }\n',
    ].join('---\n');
    const findings = MeshAnalyzer.analyzeYaml(text, 'odd.yaml');
    expect(findings.map((f) => [f.code, f.severity, f.resource, f.file, f.message, f.fix])).toEqual([
      ['SCHEMA', 'Error', '(no kind) (no name)', 'odd.yaml', 'document 1: not a Kubernetes object (a sequence, where kubectl reads a mapping)', 'write each object as its own document, or as an item of a `kind: List`'],
      ['SCHEMA', 'Error', '(no kind) (no name)', 'odd.yaml', 'document 4: not a Kubernetes object (a string, where kubectl reads a mapping)', 'make the document a mapping with apiVersion and kind, or remove it'],
      ['SCHEMA', 'Error', '(no kind) (no name)', 'odd.yaml', 'document 6, items[2]: not a Kubernetes object (a number, where kubectl reads a mapping)', 'make the document a mapping with apiVersion and kind, or remove it'],
      ['SCHEMA', 'Error', '(no kind) app/web', 'odd.yaml', "document 2: not a Kubernetes object (kubectl: Object 'Kind' is missing)", 'rename "Kind" to "kind" (field names are case-sensitive)'],
      ['SCHEMA', 'Error', '(no kind) cm', 'odd.yaml', "document 5: not a Kubernetes object (kubectl: Object 'Kind' is missing)", 'set apiVersion and kind'],
      // A `kind: List` gives its kind-less items no kind.
      ['SCHEMA', 'Error', '(no kind) x', 'odd.yaml', "document 6, items[1]: not a Kubernetes object (kubectl: Object 'Kind' is missing)", 'set apiVersion and kind'],
    ]);
  });

  test('typed lists (any kind ending in List with items): kind-less items take the list\'s apiVersion and kind without List', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: VirtualServiceList
metadata: { resourceVersion: "1" }
items:
  - metadata: { name: web, namespace: app }
    spec: { hosts: [web.example.com], gateways: [other], http: [{ route: [{ destination: { host: web.example.com } }] }] }
---
apiVersion: v1
kind: NamespaceList
items:
  - metadata: { name: app, labels: { istio-injection: enabled } }
  - { apiVersion: networking.istio.io/v1, kind: Gateway, metadata: { name: other, namespace: app }, spec: { selector: { app: gw }, servers: [{ hosts: ["*"], port: { number: 80, name: http, protocol: HTTP } }] } }
`;
    // The items are VirtualService app/web (whose gateway resolves), Namespace app and Gateway app/other
    // (an item with its own kind keeps it); the lists are no objects (no SCHEMA "name is missing").
    expect(MeshAnalyzer.analyzeYaml(text).map((f) => [f.code, f.resource, f.message])).toEqual([
      ['IST0101', 'Gateway app/other', 'referenced selector not found: no workload has the labels app=gw'],
      ['IST0101', 'VirtualService app/web', 'http[0].route[0]: referenced host not found: "web.example.com"'],
    ]);
  });
});
