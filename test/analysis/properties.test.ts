import { App, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { AmbientGatewayApi } from '../../examples/ambient-gateway-api/chart';
import { AsmQuickstart } from '../../examples/asm-quickstart/chart';
import { CanaryAndSecurity } from '../../examples/canary-and-security/chart';
import {
  HttpMatch, IngressGateway, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, MtlsMode, MtlsPolicy, Protocol,
  ProtocolSelection, ReleaseChannel, Severity, Tracing, TracingConfig,
} from '../../src';
import { meshChart } from '../helpers';
import { validateObjects } from '../validate';

const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'];
const PLATFORMS = [
  () => MeshPlatform.asmManaged({ channel: ReleaseChannel.RAPID }),
  () => MeshPlatform.cloudServiceMesh(),
  () => MeshPlatform.istio(),
  () => MeshPlatform.istio({ revision: '1-30' }),
];
const MODES = [MtlsMode.STRICT, MtlsMode.PERMISSIVE, MtlsMode.DISABLE];
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

/** A random valid mesh: namespaces, services (ports with protocols), gateway routes, allowFrom, mTLS. */
const meshConfig = fc.record({
  platform: fc.integer({ min: 0, max: PLATFORMS.length - 1 }),
  namespaces: fc.uniqueArray(label, { minLength: 1, maxLength: 3 }),
  services: fc.uniqueArray(fc.record({
    name: label,
    ns: fc.nat(),
    ports: fc.uniqueArray(fc.record({ port: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom(...PROTOCOLS) }),
      { minLength: 1, maxLength: 3, selector: (p) => p.port }),
    appProtocol: fc.boolean(),
  }), { minLength: 1, maxLength: 4, selector: (s) => s.name }),
  routes: fc.uniqueArray(fc.record({ prefix: fc.stringMatching(/^\/[a-z]{1,5}$/), to: fc.nat() }), { maxLength: 4, selector: (r) => r.prefix }),
  allow: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
  meshMtls: fc.option(fc.constantFrom(...MODES)),
  namespaceMtls: fc.option(fc.constantFrom(...MODES)),
});

describe('properties', () => {
  test('random valid configurations synthesize to schema-valid objects the analyzer finds clean', () => {
    fc.assert(fc.property(meshConfig, (c) => {
      const chart = meshChart(PLATFORMS[c.platform]());
      const namespaces = c.namespaces.map((n) => new MeshNamespace(chart, `ns-${n}`, { name: n }));
      const services = c.services.map((s) => new MeshService(chart, `svc-${s.name}`, {
        name: s.name,
        namespace: namespaces[s.ns % namespaces.length],
        image: `${s.name}:1`,
        ports: s.ports.map((p) => ({ port: p.port, protocol: Protocol.of(p.protocol) })),
        protocolSelection: s.appProtocol ? ProtocolSelection.APP_PROTOCOL : ProtocolSelection.PORT_NAME,
      }));
      const httpServices = services.filter((s) => s.defaultHttpPort);
      const routed = new Set<MeshService>();
      let gateway: IngressGateway | undefined;
      if (c.routes.length && httpServices.length) {
        gateway = new IngressGateway(chart, 'gw', { namespace: new MeshNamespace(chart, 'gw-ns', { name: 'istio-gateway' }) });
        for (const r of c.routes) {
          const to = httpServices[r.to % httpServices.length];
          gateway.route({ match: HttpMatch.prefix(r.prefix), to });
          routed.add(to);
        }
      }
      // allowFrom names callers by their mTLS identity, which a DISABLE mode takes away (KIA0105); a service
      // with callers allowed must allow the gateway that routes to it too.
      const mtlsOff = c.meshMtls === MtlsMode.DISABLE || c.namespaceMtls === MtlsMode.DISABLE;
      if (!mtlsOff) {
        for (const [to, from] of c.allow) {
          const target = services[to % services.length];
          target.allowFrom(services[from % services.length], ...gateway && routed.has(target) ? [gateway] : []);
        }
      }
      if (c.meshMtls) new MtlsPolicy(chart, 'mesh-mtls', { mode: c.meshMtls });
      if (c.namespaceMtls) new MtlsPolicy(chart, 'ns-mtls', { mode: c.namespaceMtls, namespace: namespaces[0] });

      const objects = Testing.synth(chart); // the attached analysis would throw on errors
      validateObjects(objects);
      const serious = MeshAnalyzer.analyze(objects).filter((f) => f.severity !== Severity.INFO);
      expect(serious).toEqual([]);
      expect(Yaml.stringify(...objects)).not.toContain('undefined');
    }), { numRuns: 50 });
  });

  test('random invalid inputs fail with a clear Error (never a TypeError), naming the problem', () => {
    const badName = fc.oneof(fc.stringMatching(/^[A-Z][A-Za-z]{0,5}$/), fc.stringMatching(/^-[a-z]{1,4}$/), fc.constant('a'.repeat(64)), fc.constant('a.b'));
    const badPort = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.1, max: 100, noInteger: true }));
    const badSampling = fc.oneof(fc.double({ min: 100.01, max: 1e6, noNaN: true }), fc.double({ max: -0.01, min: -1e6, noNaN: true }));
    const badProtocol = fc.stringMatching(/^[a-z]{2,8}$/).filter((p) => !PROTOCOLS.includes(p));
    const cases = fc.oneof(
      badName.map((name) => ({ make: () => new MeshNamespace(meshChart(), 'x', { name }), expect: 'is not a valid DNS label' })),
      badName.map((name) => ({ make: () => new MeshService(meshChart(), 'x', { name, namespace: new MeshNamespace(meshChart(), 'app'), image: 'i', port: 80 }), expect: 'is not a valid DNS label' })),
      badPort.map((port) => ({ make: () => new MeshService(meshChart(), 'x', { namespace: new MeshNamespace(meshChart(), 'app'), image: 'i', port }), expect: 'is out of range' })),
      badProtocol.map((p) => ({ make: () => Protocol.of(p), expect: `Unknown protocol "${p}"` })),
      badSampling.map((samplingPercent) => ({ make: () => new TracingConfig(meshChart(), 't', { tracing: Tracing.cloudTrace({ samplingPercent }) }), expect: 'samplingPercent' })),
    );
    fc.assert(fc.property(cases, (c) => {
      let error: unknown;
      try {
        c.make();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(c.expect);
    }), { numRuns: 100 });
  });
});

describe('the analyzer on malformed objects', () => {
  // Hand-written YAML (the CLI, Include) can put any value anywhere: the analyzer must report it
  // (SCHEMA and the other checks), never crash.
  // One app per example: each is a cluster's whole mesh (their gateways share a name, and the mesh-wide PeerAuthentication).
  const apps = [new App(), new App(), new App()];
  new AsmQuickstart(apps[0], 'quickstart');
  new CanaryAndSecurity(apps[1], 'canary');
  new AmbientGatewayApi(apps[2], 'ambient');
  const base: any[] = apps.flatMap((a) => a.charts).flatMap((c) => c.toJson());
  /** Every path to a value in an object, as keys. */
  const paths = (v: any, at: (string | number)[] = []): (string | number)[][] =>
    v && typeof v === 'object' ? [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))] : [at];
  const targets = base.flatMap((obj, i) => paths(obj).filter((p) => p.length > 0).map((p) => [i, ...p] as (string | number)[]));
  const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 5 }),
    fc.constant([]), fc.constant({}), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }));

  test('any value at any path yields findings, not a crash; schema-valid objects never stop a check', () => {
    fc.assert(fc.property(fc.constantFrom(...targets), junk, (target, value) => {
      const objects = structuredClone(base);
      const [i, ...path] = target;
      let node = objects[i as number];
      for (const key of path.slice(0, -1)) node = node[key];
      node[path[path.length - 1]] = value;
      const codes = new Set(MeshAnalyzer.analyze(objects).map((f) => f.code));
      // Objects that pass the schema check never stop a check.
      if (!codes.has('SCHEMA')) expect(codes).not.toContain('ANALYZER');
    }), { numRuns: 1000 });
  });

  test('a check that stops on an object of a kind without a schema check is reported (ANALYZER) instead of failing the analysis', () => {
    const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'app' }, spec: { template: { spec: { containers: 5 } } } };
    const findings = MeshAnalyzer.analyze([...base, replicaSet, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } }]);
    expect(findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'ANALYZER', severity: Severity.WARNING, message: expect.stringMatching(/^some checks stopped on an object they could not read \(index: /) }),
    ]));
    expect(findings.map((f) => f.code)).not.toContain('IST0102'); // the index stopped: no check across objects ran
    expect(MeshAnalyzer.analyze([...base, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } }]).map((f) => f.code)).toContain('IST0102');
  });
});
