import { Chart, Testing } from 'cdk8s';
import { MeshNamespace, MeshPlatform } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

describe('MeshNamespace', () => {
  test.each([
    ['managed ASM', MeshPlatform.asmManaged(), { 'istio.io/rev': 'asm-managed' }],
    ['Cloud Service Mesh', MeshPlatform.cloudServiceMesh(), { 'istio-injection': 'enabled' }],
    ['Istio default revision', MeshPlatform.istio(), { 'istio-injection': 'enabled' }],
    ['Istio revision 1-30', MeshPlatform.istio({ revision: '1-30' }), { 'istio.io/rev': '1-30' }],
  ])('%s: one injection label', (_, platform, labels) => {
    const chart = meshChart(platform);
    new MeshNamespace(chart, 'shop', { labels: { team: 'a' } });
    expect(find(synthValid(chart), 'Namespace', 'shop').metadata.labels).toEqual({ ...labels, team: 'a' });
  });

  test('opt out of injection; name and platform from props', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'tools', { name: 'batch', injection: false, platform: MeshPlatform.istio() });
    expect(ns.injection).toBe(false);
    expect(find(synthValid(chart), 'Namespace', 'batch').metadata.labels).toEqual({ 'istio-injection': 'disabled' });
  });

  test('managed data plane annotation', () => {
    const chart = meshChart();
    new MeshNamespace(chart, 'on', { managedDataPlane: true });
    new MeshNamespace(chart, 'off', { managedDataPlane: false, annotations: { owner: 'me' } });
    const objects = synthValid(chart);
    expect(find(objects, 'Namespace', 'on').metadata.annotations).toEqual({ 'mesh.cloud.google.com/proxy': '{"managed":"true"}' });
    expect(find(objects, 'Namespace', 'off').metadata.annotations).toEqual({ 'mesh.cloud.google.com/proxy': '{"managed":"false"}', 'owner': 'me' });
  });

  test('a label equal to the platform\'s is accepted', () => {
    const chart = meshChart();
    expect(() => new MeshNamespace(chart, 'same', { labels: { 'istio.io/rev': 'asm-managed' } })).not.toThrow();
  });

  test('one namespace declared twice in an app (another chart, fromNamespaceName) must have one data plane', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const team = new Chart(app, 'team');
    MeshPlatform.istio().applyTo(app);
    new MeshNamespace(platform, 'legacy', { injection: false });
    expect(() => MeshNamespace.fromNamespaceName(team, 'legacy', 'legacy'))
      .toThrow('team/legacy: namespace "legacy" is declared here with istio-injection=enabled, but platform/legacy declares it with istio-injection=disabled: '
        + 'one namespace has one data plane; declare it once and pass that object around, or give both declarations the same platform, injection and dataplaneMode');
    expect(() => MeshNamespace.fromNamespaceName(team, 'legacy-again', 'legacy', { injection: false })).not.toThrow();
  });

  test('errors', () => {
    const chart = meshChart();
    expect(() => new MeshNamespace(chart, 'Bad_Name')).toThrow('test/Bad_Name: namespace name "Bad_Name" is not a valid DNS label');
    expect(() => new MeshNamespace(chart, 'both', { labels: { 'istio-injection': 'enabled' } }))
      .toThrow(/test\/both: both injection styles requested: the platform selects istio.io\/rev=asm-managed and labels set istio-injection=enabled/);
    expect(() => new MeshNamespace(chart, 'both2', { platform: MeshPlatform.istio(), labels: { 'istio.io/rev': 'canary' } }))
      .toThrow(/both injection styles requested/);
    expect(() => new MeshNamespace(chart, 'mdp', { platform: MeshPlatform.istio(), managedDataPlane: true }))
      .toThrow('test/mdp: managedDataPlane applies only to managed (Cloud) Service Mesh platforms; remove it for open-source Istio');
  });
});
