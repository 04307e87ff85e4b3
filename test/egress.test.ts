import { ExternalService, MeshNamespace, MeshOptions, MeshPlatform, MeshService, OutboundTrafficPolicy, Protocol, Resolution } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

describe('egress: ExternalService, MeshOptions, talksTo', () => {
  test('ServiceEntry, REGISTRY_ONLY and a Sidecar from declared dependencies', () => {
    const chart = meshChart(MeshPlatform.istio());
    const ns = new MeshNamespace(chart, 'app');
    const egress = new MeshNamespace(chart, 'egress');
    const front = new MeshService(chart, 'front', { namespace: ns, image: 'f', port: 80 });
    const backend = new MeshService(chart, 'backend', { namespace: ns, image: 'b', port: 80 });
    const stripe = new ExternalService(chart, 'stripe', { namespace: egress, hosts: ['api.stripe.com'] });
    const db = new ExternalService(chart, 'db', {
      namespace: egress,
      hosts: ['db.internal'],
      resolution: Resolution.STATIC,
      endpoints: ['10.0.0.5'],
      addresses: ['10.0.0.0/24'],
      ports: [{ port: 5432, protocol: Protocol.tcp(), name: 'tcp-pg' }],
    });
    new MeshOptions(chart, 'mesh', { outboundTrafficPolicy: OutboundTrafficPolicy.REGISTRY_ONLY });
    front.talksTo(backend, stripe);
    front.talksTo(db, backend);
    const objects = synthValid(chart);
    expect(find(objects, 'ServiceEntry', 'stripe', 'egress').spec).toEqual({
      hosts: ['api.stripe.com'], ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }], location: 'MESH_EXTERNAL', resolution: 'DNS',
    });
    expect(find(objects, 'ServiceEntry', 'db').spec).toMatchObject({ resolution: 'STATIC', endpoints: [{ address: '10.0.0.5' }], addresses: ['10.0.0.0/24'] });
    expect(find(objects, 'ConfigMap', 'istio', 'istio-system').data.mesh).toBe('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n');
    expect(find(objects, 'Sidecar', 'front', 'app').spec).toEqual({
      workloadSelector: { labels: { app: 'front' } },
      egress: [{ hosts: ['app/backend.app.svc.cluster.local', 'egress/api.stripe.com', 'egress/db.internal', 'istio-system/*'] }],
    });
    expect(objects.filter((o) => o.kind === 'Sidecar')).toHaveLength(1);
  });

  test('errors', () => {
    const chart = meshChart();
    const ns = new MeshNamespace(chart, 'egress');
    const mk = (id: string, p: any) => () => new ExternalService(chart, id, { namespace: ns, hosts: ['a.example.com'], ...p });
    expect(mk('a', { hosts: [] })).toThrow('test/a: `hosts` is empty');
    expect(mk('b', { hosts: ['*'] })).toThrow('test/b: host "*" is not a DNS name (a bare "*" is not allowed)');
    expect(mk('c', { hosts: ['*.example.com'] })).toThrow('test/c: wildcard host "*.example.com" cannot be resolved through DNS: use Resolution.NONE or give endpoints');
    expect(mk('d', { addresses: ['10.0.0.0/8'] })).toThrow('test/d: CIDR address "10.0.0.0/8" needs Resolution.STATIC or Resolution.NONE (Istio rule)');
    expect(mk('e', { addresses: ['nope'] })).toThrow('test/e: address "nope" is not an IP address or CIDR range');
    expect(mk('f', { resolution: Resolution.NONE, endpoints: ['1.2.3.4'] })).toThrow('test/f: Resolution.NONE takes no endpoints');
    expect(mk('g', { resolution: Resolution.STATIC })).toThrow('test/g: Resolution.STATIC needs endpoints');
    expect(mk('h', { resolution: Resolution.STATIC, endpoints: ['db.example.com'] })).toThrow('test/h: STATIC endpoint "db.example.com" is not an IP address');
    expect(mk('i', { resolution: Resolution.DNS_ROUND_ROBIN, endpoints: ['a.com', 'b.com'] })).toThrow('test/i: Resolution.DNS_ROUND_ROBIN takes at most one endpoint');
    expect(mk('j', { ports: [{ port: 443 }, { port: 443 }] })).toThrow('test/j: duplicate port name "https-443"');
    expect(mk('k', { ports: [{ port: 0 }] })).toThrow('test/k: port 0 is out of range');
    expect(() => new MeshOptions(chart, 'm', {})).toThrow('test/m: nothing to configure: set `outboundTrafficPolicy`');
    const svc = new MeshService(chart, 's', { namespace: new MeshNamespace(chart, 'app'), image: 's', port: 80 });
    expect(() => svc.talksTo()).toThrow('test/s: talksTo needs at least one target');
  });
});
