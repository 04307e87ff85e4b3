import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-34';
import { MeshNamespace, MeshPlatform, MeshService, Protocol, ProtocolSelection } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup(platform?: MeshPlatform) {
  const chart = meshChart(platform);
  const ns = new MeshNamespace(chart, 'app');
  return { chart, ns };
}

describe('MeshService', () => {
  test('defaults: one HTTP port, <name>-sa, secure container, hold until proxy starts', () => {
    const { chart, ns } = setup();
    const svc = new MeshService(chart, 'api', { namespace: ns, image: 'api:1', port: 8080 });
    const objects = synthValid(chart);
    expect(svc.fqdn).toBe('api.app.svc.cluster.local');
    expect(svc.principal).toBe('cluster.local/ns/app/sa/api-sa');
    expect(find(objects, 'Service', 'api').spec.ports).toEqual([{ name: 'http-8080', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
    const pod = find(objects, 'Deployment', 'api').spec.template;
    expect(pod.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
    expect(pod.spec.serviceAccountName).toBe('api-sa');
    const container = pod.spec.containers[0];
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  test('trust domain from the platform forms the principal', () => {
    const { chart, ns } = setup(MeshPlatform.cloudServiceMesh({ trustDomain: 'p.svc.id.goog' }));
    const svc = new MeshService(chart, 'api', { namespace: ns, image: 'api:1', port: 80, serviceAccount: { name: 'runner' } });
    expect(svc.principal).toBe('p.svc.id.goog/ns/app/sa/runner');
  });

  test('several ports, protocols by name prefix or appProtocol', () => {
    const { chart, ns } = setup();
    new MeshService(chart, 'multi', {
      namespace: ns,
      image: 'm:1',
      ports: [{ port: 80, targetPort: 8080 }, { port: 9090, protocol: Protocol.grpc(), name: 'grpc' }, { port: 5432, protocol: Protocol.tcp(), name: 'tcp-db' }],
    });
    new MeshService(chart, 'byapp', {
      namespace: ns,
      image: 'b:1',
      protocolSelection: ProtocolSelection.APP_PROTOCOL,
      ports: [{ port: 80, name: 'web' }, { port: 9090, protocol: Protocol.of('GRPC'), name: 'rpc' }],
    });
    const objects = synthValid(chart);
    expect(find(objects, 'Service', 'multi').spec.ports.map((p: any) => [p.name, p.port, p.targetPort]))
      .toEqual([['http-80', 80, 8080], ['grpc', 9090, 9090], ['tcp-db', 5432, 5432]]);
    expect(find(objects, 'Deployment', 'multi').spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8080, 9090, 5432]);
    expect(find(objects, 'Service', 'byapp').spec.ports.map((p: any) => [p.name, p.appProtocol])).toEqual([['web', 'http'], ['rpc', 'grpc']]);
  });

  test('sidecar settings, resources, env, Workload Identity, replicas', () => {
    const { chart, ns } = setup();
    new MeshService(chart, 'w', {
      namespace: ns,
      image: 'w:1',
      port: 80,
      replicas: 3,
      env: { B: '2', A: '1' },
      resources: { cpuRequest: Cpu.millis(250), memoryLimit: Size.gibibytes(1) },
      serviceAccount: { gcpServiceAccount: 'w@p.iam.gserviceaccount.com', annotations: { x: 'y' } },
      sidecar: {
        holdApplicationUntilProxyStarts: false,
        minimumDrainDuration: Duration.millis(1500),
        exitOnZeroActiveConnections: true,
        terminationDrainDuration: Duration.seconds(30),
        cpuRequest: Cpu.millis(50),
        cpuLimit: Cpu.units(1),
        memoryRequest: Size.mebibytes(64),
        memoryLimit: Size.mebibytes(256),
      },
    });
    const objects = synthValid(chart);
    const dep = find(objects, 'Deployment', 'w');
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.template.metadata.annotations).toEqual({
      'proxy.istio.io/config': JSON.stringify({
        holdApplicationUntilProxyStarts: false,
        terminationDrainDuration: '30s',
        proxyMetadata: { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true', MINIMUM_DRAIN_DURATION: '1500ms' },
      }),
      'sidecar.istio.io/proxyCPU': '50m',
      'sidecar.istio.io/proxyCPULimit': '1',
      'sidecar.istio.io/proxyMemory': '64Mi',
      'sidecar.istio.io/proxyMemoryLimit': '256Mi',
    });
    const c = dep.spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '1024Mi' } });
    expect(find(objects, 'ServiceAccount', 'w-sa').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'w@p.iam.gserviceaccount.com', 'x': 'y' });
  });

  test('allowFrom: one ALLOW policy, principals deduplicated and sorted, callers added later included', () => {
    const { chart, ns } = setup();
    const other = new MeshNamespace(chart, 'other');
    const backend = new MeshService(chart, 'backend', { namespace: ns, image: 'b:1', port: 80 });
    const front = new MeshService(chart, 'front', { namespace: ns, image: 'f:1', port: 80 });
    const batch = new MeshService(chart, 'batch', { namespace: other, image: 'j:1', port: 80 });
    backend.allowFrom(front);
    backend.allowFrom(batch, front);
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'AuthorizationPolicy')).toHaveLength(1);
    expect(find(objects, 'AuthorizationPolicy', 'backend-allow', 'app').spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { app: 'backend' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/app/sa/front-sa', 'cluster.local/ns/other/sa/batch-sa'] } }] }],
    });
  });

  test('errors name the construct and the fix', () => {
    const { chart, ns } = setup();
    const mk = (id: string, props: any) => () => new MeshService(chart, id, { namespace: ns, image: 'x', ...props });
    expect(mk('a', { port: 0 })).toThrow('test/a: port 0 is out of range: use a whole number from 1 to 65535');
    expect(mk('b', { port: 65536 })).toThrow('test/b: port 65536 is out of range');
    expect(mk('c', { ports: [{ port: 80, name: 'http' }, { port: 81, name: 'http' }] })).toThrow('test/c: duplicate port name "http": give each port a unique name');
    expect(mk('d', { ports: [{ port: 80, name: 'web' }] })).toThrow('test/d: port name "web" does not carry protocol "http" (IST0118): name it "http" or "http-<suffix>", or use ProtocolSelection.APP_PROTOCOL');
    expect(mk('e', {})).toThrow('test/e: set exactly one of `port` (one HTTP port) or `ports`');
    expect(mk('f', { port: 80, ports: [] })).toThrow('set exactly one of');
    expect(mk('g', { ports: [] })).toThrow('test/g: `ports` is empty');
    expect(mk('Bad', { port: 80 })).toThrow('test/Bad: service name "Bad" is not a valid DNS label');
    expect(mk('h', { port: 80, serviceAccount: { gcpServiceAccount: 'nope' } })).toThrow('test/h: gcpServiceAccount "nope" is not an email address');
    expect(mk('i', { port: 80, sidecar: { minimumDrainDuration: Duration.millis(0) } })).toThrow('test/i: sidecar.minimumDrainDuration must be a whole number of milliseconds of at least 1ms');
    expect(mk('j', { port: 80, replicas: -1 })).toThrow('test/j: replicas -1 is out of range');
    expect(() => Protocol.of('quic')).toThrow('Unknown protocol "quic": use one of http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis, udp');
    const ok = new MeshService(chart, 'ok', { namespace: ns, image: 'x', port: 80 });
    expect(() => ok.allowFrom()).toThrow('test/ok: allowFrom needs at least one caller');
  });
});
