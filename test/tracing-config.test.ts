import { parse } from 'yaml';
import { AccessLog, AccessLogField, MeshPlatform, ReleaseChannel, Tracing, TracingConfig } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

const mesh = (objects: any[], name: string) => parse(find(objects, 'ConfigMap', name, 'istio-system').data.mesh);

describe('TracingConfig', () => {
  test('managed ASM (istiod): everything in the mesh ConfigMap of the channel', () => {
    const chart = meshChart(MeshPlatform.asmManaged({ channel: ReleaseChannel.RAPID }));
    new TracingConfig(chart, 'obs', {
      accessLog: AccessLog.json([AccessLogField.PROTOCOL, AccessLogField.custom('trace', '%REQ(X-CLOUD-TRACE-CONTEXT)%')]),
      tracing: Tracing.cloudTrace({ samplingPercent: 10 }),
    });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'Telemetry')).toEqual([]);
    expect(mesh(objects, 'istio-asm-managed-rapid')).toEqual({
      accessLogFile: '/dev/stdout',
      accessLogEncoding: 'JSON',
      accessLogFormat: '{\n  "protocol": "%PROTOCOL%",\n  "trace": "%REQ(X-CLOUD-TRACE-CONTEXT)%"\n}\n',
      defaultConfig: { tracing: { stackdriver: {}, sampling: 10 } },
    });
  });

  test('Cloud Service Mesh (Traffic Director): Telemetry with envoy and stackdriver, format in istio-asm-managed-rapid', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    const cfg = new TracingConfig(chart, 'obs', { accessLog: AccessLog.text('[%START_TIME%] %RESPONSE_CODE%\n'), tracing: Tracing.cloudTrace() });
    const objects = synthValid(chart);
    expect(cfg.telemetry).toBeDefined();
    expect(find(objects, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
      tracing: [{ providers: [{ name: 'stackdriver' }] }],
    });
    expect(mesh(objects, 'istio-asm-managed-rapid')).toEqual({ accessLogEncoding: 'TEXT', accessLogFormat: '[%START_TIME%] %RESPONSE_CODE%\n' });
  });

  test('open-source Istio: extension providers and a Telemetry that enables them', () => {
    const chart = meshChart(MeshPlatform.istio({ revision: '1-30' }));
    new TracingConfig(chart, 'obs', {
      accessLog: AccessLog.json([AccessLogField.RESPONSE_CODE]),
      tracing: Tracing.openTelemetry({ service: 'otel-collector.observability.svc.cluster.local', samplingPercent: 12.5 }),
    });
    const objects = synthValid(chart);
    expect(mesh(objects, 'istio-1-30')).toEqual({
      extensionProviders: [
        { name: 'envoy-access-log', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: { response_code: '%RESPONSE_CODE%' } } } },
        { name: 'otel-tracing', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } },
      ],
    });
    expect(find(objects, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({
      accessLogging: [{ providers: [{ name: 'envoy-access-log' }] }],
      tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 12.5 }],
    });
  });

  test('default JSON fields include the reference set', () => {
    const keys = AccessLogField.defaults().map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['protocol', 'duration', 'response_code', 'response_flags', 'method', 'path', 'authority', 'upstream_host', 'request_id']));
  });

  test('errors name the construct and the fix', () => {
    const chart = meshChart(MeshPlatform.istio());
    expect(() => new TracingConfig(chart, 'a', {})).toThrow('test/a: nothing to configure: set `accessLog`, `tracing` or both');
    expect(() => new TracingConfig(chart, 'b', { tracing: Tracing.cloudTrace() })).toThrow(/test\/b: Tracing.cloudTrace\(\) needs a managed mesh.*Use Tracing.openTelemetry\(\)/);
    expect(() => Tracing.cloudTrace({ samplingPercent: 101 })).toThrow('Tracing: samplingPercent 101 is out of range: use 0 to 100 in steps of 0.01');
    expect(() => Tracing.cloudTrace({ samplingPercent: -1 })).toThrow('samplingPercent -1 is out of range');
    expect(() => Tracing.openTelemetry({ service: 'c', samplingPercent: 0.001 })).toThrow('samplingPercent 0.001 is out of range');
    expect(() => Tracing.openTelemetry({ service: 'Not A Host' })).toThrow('Tracing.openTelemetry: service "Not A Host" is not a host name');
    expect(() => Tracing.openTelemetry({ service: 'c', port: 0 })).toThrow('Tracing.openTelemetry: port 0 is out of range');
    expect(() => Tracing.openTelemetry({ service: 'c', providerName: 'Otel' })).toThrow('providerName "Otel" must be lowercase');
    expect(() => AccessLog.json([])).toThrow('AccessLog.json: the field list is empty');
    expect(() => AccessLog.json([AccessLogField.PROTOCOL, AccessLogField.PROTOCOL])).toThrow('AccessLog.json: field "protocol" appears twice');
    expect(() => AccessLogField.custom('bad key', '%PROTOCOL%')).toThrow('AccessLogField.custom: key "bad key"');
    expect(() => AccessLogField.custom('k', 'PROTOCOL')).toThrow('AccessLogField.custom: "PROTOCOL" contains no Envoy command operator');
  });

  test('one mesh document: a second TracingConfig conflicts with a clear message', () => {
    const chart = meshChart();
    new TracingConfig(chart, 'one', { accessLog: AccessLog.json() });
    expect(() => new TracingConfig(chart, 'two', { accessLog: AccessLog.text() }))
      .toThrow('test/two: MeshConfig field "accessLogFile" is already set by test/one: a mesh has one MeshConfig document; set it in one place');
    const oss = meshChart(MeshPlatform.istio());
    new TracingConfig(oss, 'one', { tracing: Tracing.openTelemetry({ service: 'c' }) });
    expect(() => new TracingConfig(oss, 'two', { tracing: Tracing.openTelemetry({ service: 'd', providerName: 'other' }) }))
      .toThrow('test/two: the chart already has a mesh-wide Telemetry in "istio-system"');
  });
});
