import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';
import { MeshPlatform, MeshPlatformKind, ReleaseChannel, Tracing, TracingConfig } from '../src';

describe('MeshPlatform', () => {
  test.each([
    [ReleaseChannel.REGULAR, 'asm-managed'],
    [ReleaseChannel.RAPID, 'asm-managed-rapid'],
    [ReleaseChannel.STABLE, 'asm-managed-stable'],
  ])('managed ASM %s → revision %s, ConfigMap istio-<revision>', (channel, revision) => {
    const p = MeshPlatform.asmManaged({ channel });
    expect(p.kind).toBe(MeshPlatformKind.ASM_MANAGED_ISTIOD);
    expect([p.injectionLabel, p.injectionValue, p.revision]).toEqual(['istio.io/rev', revision, revision]);
    expect(p.meshConfigName).toBe(`istio-${revision}`);
    expect(p.rootNamespace).toBe('istio-system');
    expect(p.trustDomain).toBe('cluster.local');
    expect(p.isManaged).toBe(true);
  });

  test('Cloud Service Mesh (Traffic Director): istio-injection, MeshConfig in istio-asm-managed-rapid', () => {
    const p = MeshPlatform.cloudServiceMesh({ trustDomain: 'my-project.svc.id.goog' });
    expect([p.injectionLabel, p.injectionValue, p.revision]).toEqual(['istio-injection', 'enabled', undefined]);
    expect(p.meshConfigName).toBe('istio-asm-managed-rapid');
    expect(p.trustDomain).toBe('my-project.svc.id.goog');
  });

  test('open-source Istio: default and named revision', () => {
    const d = MeshPlatform.istio();
    expect([d.injectionLabel, d.injectionValue, d.meshConfigName, d.isManaged]).toEqual(['istio-injection', 'enabled', 'istio', false]);
    const r = MeshPlatform.istio({ revision: '1-30', rootNamespace: 'mesh-root' });
    expect([r.injectionLabel, r.injectionValue, r.meshConfigName, r.rootNamespace]).toEqual(['istio.io/rev', '1-30', 'istio-1-30', 'mesh-root']);
  });

  test('istiod in a namespace of its own: the shared mesh config goes there, and the analysis reads it there', () => {
    const chart = meshChart(MeshPlatform.istio({ rootNamespace: 'istio-config', istioNamespace: 'istio-system', sharedMeshConfig: 'istio-user' }));
    new TracingConfig(chart, 'obs', { tracing: Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local' }) });
    // Synthesized with the analysis on: the Telemetry's provider is found in the mesh config.
    const objects = synthValid(chart);
    expect(find(objects, 'ConfigMap', 'istio-user').metadata.namespace).toBe('istio-system');
    expect(find(objects, 'Telemetry', 'mesh-default').metadata.namespace).toBe('istio-config');
    expect(MeshPlatform.istio({ rootNamespace: 'mesh-root' }).istioNamespace).toBe('mesh-root');
    expect(() => MeshPlatform.istio({ istioNamespace: 'Istio' })).toThrow('MeshPlatform.istio: istioNamespace "Istio" is not a valid namespace name');
  });

  test('found from the nearest scope it was applied to', () => {
    const chart = new Chart(Testing.app(), 'c');
    const inner = new Construct(chart, 'inner');
    const outer = MeshPlatform.istio();
    const near = MeshPlatform.asmManaged();
    outer.applyTo(chart);
    near.applyTo(inner);
    expect(MeshPlatform.of(new Construct(inner, 'x'))).toBe(near);
    expect(MeshPlatform.of(new Construct(chart, 'y'))).toBe(outer);
  });

  test('errors: none applied, bad revision, bad trust domain', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(MeshPlatform.tryOf(chart)).toBeUndefined();
    expect(() => MeshPlatform.of(new Construct(chart, 'orphan'))).toThrow('c/orphan: no mesh platform found: call e.g. MeshPlatform.asmManaged().applyTo(chart) once, or pass `platform` in the props');
    expect(() => MeshPlatform.istio({ revision: '1.30' })).toThrow(/revision "1.30" is not a valid label value.*"1-30"/);
    expect(() => MeshPlatform.asmManaged({ trustDomain: 'Bad_Domain' })).toThrow(/trust domain "Bad_Domain" is not a valid domain/);
  });
});
