import { Testing } from 'cdk8s';
import { AuthorizationPolicy, ClientTlsMode, MeshNamespace, MeshPlatform, MeshService, MtlsMode, MtlsPolicy, Source } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

describe('MtlsPolicy', () => {
  test('mesh-wide STRICT by default, in the root namespace', () => {
    const chart = meshChart(MeshPlatform.istio({ rootNamespace: 'mesh-root' }));
    new MtlsPolicy(chart, 'mtls');
    expect(find(synthValid(chart), 'PeerAuthentication', 'default', 'mesh-root').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('namespace and workload scope, per-port overrides', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    const legacy = new MeshNamespace(chart, 'legacy');
    const svc = new MeshService(chart, 'metrics', { namespace: ns, image: 'm:1', ports: [{ port: 80, targetPort: 8080 }, { port: 9100, name: 'http-metrics' }] });
    new MtlsPolicy(chart, 'ns', { namespace: legacy, mode: MtlsMode.PERMISSIVE });
    new MtlsPolicy(chart, 'wl', {
      workload: svc,
      namespace: ns,
      mode: MtlsMode.STRICT,
      portModes: [{ port: 9100, mode: MtlsMode.DISABLE }, { port: 8080, mode: MtlsMode.PERMISSIVE }],
    });
    const objects = synthValid(chart);
    expect(find(objects, 'PeerAuthentication', 'default', 'legacy').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(find(objects, 'PeerAuthentication', 'metrics', 'app').spec).toEqual({
      selector: { matchLabels: { app: 'metrics' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'PERMISSIVE' }, 9100: { mode: 'DISABLE' } },
    });
  });

  test('allowFrom names callers by certificate: plaintext to the service (client DISABLE, server DISABLE on a port) fails synth', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    const a = new MeshService(chart, 'a', { namespace: ns, image: 'a:1', port: 80 });
    const b = new MeshService(chart, 'b', { namespace: ns, image: 'b:1', port: 80, trafficPolicy: { tlsMode: ClientTlsMode.DISABLE } });
    b.allowFrom(a);
    expect(() => Testing.synth(chart)).toThrow('[test/b] allowFrom names callers by their mesh identity, but the trafficPolicy sets tlsMode DISABLE on port 80, so the callers send plaintext with no certificate '
      + 'to name them and every call there would be denied: keep mutual TLS (remove tlsMode DISABLE), or allow those callers by address (AuthorizationPolicy with Source.ipBlocks)');
    const other = meshChart();
    const otherNs = new MeshNamespace(other, 'app');
    const c = new MeshService(other, 'c', { namespace: otherNs, image: 'c:1', port: 80 });
    const d = new MeshService(other, 'd', { namespace: otherNs, image: 'd:1', ports: [{ port: 80 }, { port: 9100, name: 'http-metrics' }] });
    d.allowFrom(c);
    new MtlsPolicy(other, 'metrics', { workload: d, namespace: otherNs, portModes: [{ port: 9100, mode: MtlsMode.DISABLE }] });
    expect(() => Testing.synth(other)).toThrow('[test/metrics] disables mTLS on port 9100 of test/d, whose allowFrom names callers by their mesh identity: without a certificate no caller matches, '
      + 'so every call there would be denied; keep mTLS on, or allow those callers by address (AuthorizationPolicy with Source.ipBlocks)');
    // The fix both messages suggest: an ALLOW policy of the app's own lets the callers in by address.
    new AuthorizationPolicy(chart, 'by-address', { workload: b, rules: [{ from: [Source.ipBlocks('10.0.0.0/8')] }] });
    new AuthorizationPolicy(other, 'by-address', { workload: d, rules: [{ from: [Source.ipBlocks('10.0.0.0/8')] }] });
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(() => Testing.synth(other)).not.toThrow();
  });

  test('errors name the construct and the fix', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'app');
    const other = new MeshNamespace(chart, 'other');
    const svc = new MeshService(chart, 'web', { namespace: ns, image: 'w:1', port: 80 });
    expect(() => new MtlsPolicy(chart, 'a', { namespace: ns, portModes: [{ port: 80, mode: MtlsMode.DISABLE }] }))
      .toThrow('test/a: portModes need workload scope (Istio applies port-level mTLS only with a selector): set `workload`');
    expect(() => new MtlsPolicy(chart, 'b', { workload: svc, portModes: [{ port: 81, mode: MtlsMode.DISABLE }] }))
      .toThrow('test/b: port 81 is not a target port of test/web (80): use the container port');
    expect(() => new MtlsPolicy(chart, 'c', { workload: svc, portModes: [{ port: 70000, mode: MtlsMode.DISABLE }] }))
      .toThrow('test/c: portModes port 70000 is out of range');
    expect(() => new MtlsPolicy(chart, 'd', { workload: svc, portModes: [{ port: 80, mode: MtlsMode.DISABLE }, { port: 80, mode: MtlsMode.STRICT }] }))
      .toThrow('test/d: port 80 appears twice in portModes');
    expect(() => new MtlsPolicy(chart, 'e', { workload: svc, namespace: other }))
      .toThrow('test/e: workload test/web is in namespace "app", not "other": set only `workload`');
  });
});
