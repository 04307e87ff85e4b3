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
});
