// The analysis grows linearly with the mesh on every shape, measured without a clock: the work of
// the look-ups across objects is counted as the basic operations they call, at two sizes.
import { ap, deploy, dr, gw, ns, pa, ra, se, sidecar, svc, telemetry, vs } from './fixtures';
import { floorObjects } from '../../bench/floor';
import { SHAPES } from '../../bench/shape';
import { MeshAnalyzer } from '../../src';
import { MeshIndex } from '../../src/analysis/mesh-index';
import { countWork } from '../work-count';

/**
 * The operations the analysis of `objects` performs from the moment the index links the objects
 * (the checks across objects; the per-object schema checks before it are linear by construction).
 */
function work(objects: any[]): number {
  const link = MeshIndex.prototype.link;
  return countWork((start) => {
    MeshIndex.prototype.link = function (this: MeshIndex) {
      start();
      return link.call(this);
    };
    try {
      MeshAnalyzer.analyze(objects);
    } finally {
      MeshIndex.prototype.link = link;
    }
  });
}

/**
 * Objects that meet in the index the way large meshes do, `n` services' worth: one namespace with
 * every workload (shared labels, namespace-wide policies), tenants behind shared gateways (one
 * certificate, one Gateway listing every host, JWT claim routes), namespace-wide mTLS rules,
 * wildcard ServiceEntries and DestinationRules (subsets of external hosts select pods mesh-wide),
 * namespace patterns, VirtualServices exported to their namespace only, and a gateway
 * VirtualService with nested prefixes.
 */
function tangled(n: number): any[] {
  const out: any[] = [ns('shared'), ns('gateways'), ns('istio-system', {})];
  const gatewayPods = { istio: 'ingressgateway' };
  out.push(
    deploy('ingress', 'gateways', { labels: gatewayPods, podSpec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } }),
    svc('ingress', 'gateways', [{ name: 'https', port: 443 }], { labels: gatewayPods, selector: gatewayPods }),
    ap('allow-all', 'shared', { rules: [{}] }), ap('deny-all', 'shared', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['PATCH'] } }] }] }),
    pa('default', 'shared', { mtls: { mode: 'STRICT' } }), sidecar('default', 'shared', { egress: [{ hosts: ['./*', 'istio-system/*'] }] }),
    telemetry('web', 'shared', { selector: { matchLabels: { tier: 'web' } }, accessLogging: [{ providers: [{ name: 'envoy' }] }] }),
    gw('all-tenants', 'gateways', {
      selector: gatewayPods,
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [], tls: { mode: 'SIMPLE', credentialName: 'tenants' } }],
    }),
    gw('wildcard', 'gateways', {
      selector: gatewayPods,
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*/*.tenants.example.com'], tls: { mode: 'SIMPLE', credentialName: 'wildcard' } }],
    }),
    vs('partners', 'istio-system', { hosts: ['*.partner.example.com'], http: [{ route: [{ destination: { host: 'egress.istio-system.svc.cluster.local' } }] }] }),
  );
  const allTenants = out.find((o) => o.metadata.name === 'all-tenants').spec.servers[0].hosts;
  const prefixes: any[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    const tenantNs = `tenant-${Math.floor(i / 50)}`;
    if (i % 50 === 0) {
      out.push(ns(tenantNs), dr('mtls', tenantNs, { host: `*.${tenantNs}.svc.cluster.local`, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }));
    }
    const labels = { app: name, version: 'v1', tier: 'web' };
    out.push(
      deploy(name, 'shared', { labels, ports: [8080] }),
      svc(name, 'shared', [{ name: 'http', port: 8080 }]),
      dr(name, 'shared', { host: `${name}.shared.svc.cluster.local`, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      ap(name, 'shared', { selector: { matchLabels: { version: 'v1' } }, rules: [{ from: [{ source: { namespaces: ['tenant-*', '*-prod', 'zz*'] } }] }] }),
      dr(name, tenantNs, { host: `${name}.${tenantNs}.svc.cluster.local` }),
      se(`${name}-partner`, tenantNs, { hosts: [`*.${name}.partner.example.com`], exportTo: ['.'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'NONE' }),
      dr(`${name}-partner`, tenantNs, { host: `*.${name}.partner.example.com`, trafficPolicy: { tls: { mode: 'SIMPLE' } } }),
      // A subset of an external host: its pods are any with the label, mesh-wide.
      dr(`${name}-api`, tenantNs, { host: `api.${name}.partner.example.com`, subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      sidecar(name, tenantNs, { workloadSelector: { labels: { app: name } }, egress: [{ hosts: [`./api.${name}.partner.example.com`] }] }),
      vs(`${name}-partner`, tenantNs, { hosts: [`api.${name}.partner.example.com`], exportTo: ['.'], http: [{ route: [{ destination: { host: `api.${name}.partner.example.com` } }] }] }),
    );
    if (i % 5 === 0) {
      const host = `t-${i}.tenants.example.com`;
      allTenants.push(`*/${host}`);
      out.push(
        gw(`tenant-${i}`, 'gateways', {
          selector: gatewayPods,
          servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [host], tls: { mode: 'SIMPLE', credentialName: 'tenants' } }],
        }),
        vs(`tenant-${i}`, 'gateways', {
          hosts: [host],
          gateways: ['gateways/all-tenants'],
          http: [{ match: [{ headers: { '@request.auth.claims.tenant': { exact: `t-${i}` } } }], route: [{ destination: { host: `${name}.shared.svc.cluster.local` } }] }],
        }),
        ra(`tenant-${i}`, 'gateways', { selector: { matchLabels: { app: `tenant-${i}` } }, jwtRules: [{ issuer: `https://t-${i}.example.com` }] }),
      );
    }
    prefixes.push({ match: [{ uri: { prefix: `/${name}/api` }, headers: { 'x-api': { exact: 'v2' } } }], route: [{ destination: { host: `${name}.shared.svc.cluster.local` } }] });
    prefixes.push({ match: [{ uri: { prefix: `/${name}` } }], route: [{ destination: { host: `${name}.shared.svc.cluster.local` } }] });
  }
  out.push(vs('routes', 'gateways', { hosts: ['*'], gateways: ['gateways/wildcard'], http: prefixes }));
  return out;
}

const SIZE = 250;
/** work(2n) / work(n): 2 when the work is linear; a quadratic part pushes it towards 4. */
const LIMIT = 2.1;

describe('the analysis stays linear on any mesh shape (work counted, not timed)', () => {
  const shapes: [string, (n: number) => any[]][] = [
    ...SHAPES.map((s): [string, (n: number) => any[]] => [s.name, (n) => floorObjects(n, s)]),
    ['tangled', tangled],
  ];
  test.each(shapes)('%s', (_name, objects) => {
    const small = work(objects(SIZE));
    const large = work(objects(2 * SIZE));
    expect(small).toBeGreaterThan(SIZE);
    expect(large / small).toBeLessThanOrEqual(LIMIT);
  });

  test('the count sees a scan of every workload per workload', () => {
    const link = MeshIndex.prototype.link;
    MeshIndex.prototype.link = function (this: MeshIndex) {
      link.call(this);
      for (const w of this.workloads) this.workloads.filter((o) => o.namespace === w.namespace);
    };
    try {
      const objects = (n: number) => floorObjects(n, SHAPES[0]);
      expect(work(objects(2 * SIZE)) / work(objects(SIZE))).toBeGreaterThan(LIMIT + 0.3);
    } finally {
      MeshIndex.prototype.link = link;
    }
  });
});
