import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { AccessLog, AccessLogField, MeshNamespace, MeshPlatform, MeshService, ReleaseChannel, Tracing, TracingConfig } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';
import { checkEnvoyFormat } from '../src/telemetry/access-log';

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

  test('open-source Istio: extension providers in the shared mesh config and a Telemetry that enables them', () => {
    const chart = meshChart(MeshPlatform.istio({ revision: '1-30', sharedMeshConfig: 'istio-user' }));
    new TracingConfig(chart, 'obs', {
      accessLog: AccessLog.json([AccessLogField.RESPONSE_CODE]),
      tracing: Tracing.openTelemetry({ service: 'otel-collector.observability.svc.cluster.local', samplingPercent: 12.5 }),
    });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['istio-user']);
    expect(mesh(objects, 'istio-user')).toEqual({
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

  test('a Sidecar that scopes a proxy\'s egress (talksTo) imports the tracing collector, created before or after it', () => {
    const chart = meshChart(MeshPlatform.istio({ sharedMeshConfig: 'istio-user' }));
    const ns = new MeshNamespace(chart, 'app');
    const a = new MeshService(chart, 'a', { namespace: ns, image: 'a:1', port: 80 });
    const b = new MeshService(chart, 'b', { namespace: ns, image: 'b:1', port: 80 });
    a.talksTo(b);
    new TracingConfig(chart, 'obs', { tracing: Tracing.openTelemetry({ service: 'otel-collector.observability.svc.cluster.local' }) });
    expect(find(synthValid(chart), 'Sidecar', 'a', 'app').spec.egress[0].hosts)
      .toEqual(['app/b.app.svc.cluster.local', 'istio-system/*', 'observability/otel-collector.observability.svc.cluster.local']);
    // A collector outside the cluster (a ServiceEntry host) may be declared in any namespace.
    const other = meshChart(MeshPlatform.istio({ sharedMeshConfig: 'istio-user' }));
    const otherNs = new MeshNamespace(other, 'app');
    new TracingConfig(other, 'obs', { tracing: Tracing.openTelemetry({ service: 'otel.example.com' }) });
    const c = new MeshService(other, 'c', { namespace: otherNs, image: 'c:1', port: 80 });
    c.talksTo(new MeshService(other, 'd', { namespace: otherNs, image: 'd:1', port: 80 }));
    expect(find(synthValid(other), 'Sidecar', 'c', 'app').spec.egress[0].hosts).toEqual(['*/otel.example.com', 'app/d.app.svc.cluster.local', 'istio-system/*']);
  });

  test('openTelemetry: a service istiod cannot find in its registry is refused (it would configure no tracer, silently)', () => {
    const otel = (service: string) => () => Tracing.openTelemetry({ service });
    const silent = 'istiod looks providers up by registry host name and would silently configure no tracer';
    // A Kubernetes short name: resolves in a pod's DNS, but the registry knows only the full name.
    expect(otel('otel-collector')).toThrow(`Tracing.openTelemetry: service "otel-collector" is not the collector's full host name: ${silent}: `
      + 'use "otel-collector.<namespace>.svc.cluster.local"');
    expect(otel('observability/otel-collector')).toThrow(`service "observability/otel-collector" is not the collector's full host name: ${silent}: `
      + 'use "observability/otel-collector.observability.svc.cluster.local"');
    // `<name>.<namespace>`: refused, like any two-label name (see OpenTelemetryOptions.service).
    expect(otel('otel-collector.observability')).toThrow(`Tracing.openTelemetry: service "otel-collector.observability" is not the collector's full host name: ${silent}: `
      + 'use "otel-collector.observability.svc.cluster.local" (for a collector outside the cluster, a ServiceEntry host of three labels or more)');
    expect(otel('example.com')).toThrow('service "example.com" is not the collector\'s full host name');
    expect(otel('otel-collector.observability.svc')).toThrow(`service "otel-collector.observability.svc" is not the collector's full host name: ${silent}: `
      + 'use "otel-collector.observability.svc.cluster.local"');
    // IP addresses are not registry host names.
    for (const ip of ['10.0.0.1', 'observability/10.0.0.1', '::1']) {
      expect(otel(ip)).toThrow(`Tracing.openTelemetry: service "${ip}" is an IP address, not the collector's host name: ${silent}: `
        + 'use its Service\'s "<name>.<namespace>.svc.cluster.local", or the host of a ServiceEntry for a collector outside the cluster');
    }
    // `<namespace>/<host>`: istiod looks the host up in that namespace only.
    expect(otel('tracing/otel.observability.svc.cluster.local')).toThrow('Tracing.openTelemetry: service "tracing/otel.observability.svc.cluster.local" names namespace "tracing", '
      + 'but the Service "otel.observability.svc.cluster.local" is in namespace "observability": istiod looks the host up in the namespace given and would silently configure no tracer: '
      + 'use "observability/otel.observability.svc.cluster.local" or "otel.observability.svc.cluster.local"');
    expect(otel('a/b/c.d.svc.cluster.local')).toThrow('service "a/b/c.d.svc.cluster.local" is not a host name');
    // What istiod finds: a Service's full name (in its own namespace), a ServiceEntry host, another cluster domain.
    for (const service of ['otel-collector.observability.svc.cluster.local', 'observability/otel-collector.observability.svc.cluster.local',
      'otel.example.com', 'egress/otel.example.com', 'otel-collector.observability.svc.corp.internal', 'tracing/otel.observability.svc.corp.internal']) {
      expect(Tracing.openTelemetry({ service }).service).toBe(service);
    }
  });

  test('openTelemetry: providerName may not replace a built-in provider nor TracingConfig\'s access-log provider', () => {
    const otel = (providerName: string) => () => Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', providerName });
    const builtIn = 'is the name of an Istio built-in provider: a provider of that name replaces it, which';
    expect(otel('prometheus')).toThrow(`Tracing.openTelemetry: providerName "prometheus" ${builtIn} removes every Istio metric, mesh-wide: choose another name, e.g. "otel-tracing"`);
    expect(otel('Prometheus')).toThrow(`providerName "Prometheus" ${builtIn} removes every Istio metric, mesh-wide`);
    expect(otel('envoy')).toThrow(`providerName "envoy" ${builtIn} breaks the access logs of every Telemetry that names "envoy": choose another name`);
    expect(otel('ENVOY')).toThrow(`providerName "ENVOY" ${builtIn} breaks the access logs`);
    expect(otel('stackdriver')).toThrow(`providerName "stackdriver" ${builtIn} breaks every Telemetry that names "stackdriver": choose another name`);
    expect(otel('envoy-access-log')).toThrow('Tracing.openTelemetry: providerName "envoy-access-log" is the name of TracingConfig\'s access-log provider: '
      + 'with an access-log format of its own, TracingConfig writes a provider of that name too, and istiod keeps the last provider of a name, '
      + 'so the tracer would replace it and no access log would be written: choose another name, e.g. "otel-tracing"');
    expect(() => Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', providerName: 42 as any })).toThrow('Tracing.openTelemetry: `providerName` must be a string, got 42');
    // Other names, and names that merely contain a built-in one, are fine.
    for (const providerName of ['otel-tracing', 'otel', 'prometheus-tracing', 'envoy-otel', 'stackdriver2']) {
      expect(otel(providerName)().providerName).toBe(providerName);
    }
    expect(Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local' }).providerName).toBe('otel-tracing');
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
    expect(() => Tracing.openTelemetry({ service: 'c.o.svc.cluster.local', samplingPercent: 0.001 })).toThrow('samplingPercent 0.001 is out of range');
    expect(() => new TracingConfig(meshChart(MeshPlatform.asmManaged()), 'c', { tracing: Tracing.cloudTrace({ samplingPercent: 0 }) }))
      .toThrow('test/c: Tracing.cloudTrace({ samplingPercent: 0 }) on managed ASM would trace 1% of requests, not none: istiod reads a sampling of 0 as unset; to trace nothing, omit `tracing`');
    expect(() => Tracing.openTelemetry({ service: 'Not A Host' })).toThrow('Tracing.openTelemetry: service "Not A Host" is not a host name');
    expect(() => Tracing.openTelemetry({ service: 'c.o.svc.cluster.local', port: 0 })).toThrow('Tracing.openTelemetry: port 0 is out of range');
    expect(() => Tracing.openTelemetry({ service: 'c.o.svc.cluster.local', providerName: 'Otel' })).toThrow('providerName "Otel" must be lowercase');
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
    // Both constructs are named.
    const oss = meshChart(MeshPlatform.istio({ sharedMeshConfig: 'istio-user' }));
    new TracingConfig(oss, 'one', { tracing: Tracing.openTelemetry({ service: 'c.o.svc.cluster.local' }) });
    expect(() => new TracingConfig(oss, 'two', { tracing: Tracing.openTelemetry({ service: 'd.o.svc.cluster.local', providerName: 'other' }) }))
      .toThrow('test/two: test/one already writes the app\'s mesh-wide Telemetry in "istio-system" (Istio allows one selector-less Telemetry per namespace): use one TracingConfig per mesh');
  });

  test('one mesh document per app: contributions from two charts merge into one ConfigMap, in the first chart', () => {
    const app = Testing.app();
    const platform = MeshPlatform.asmManaged();
    const [one, two] = ['one', 'two'].map((id) => {
      const chart = new Chart(app, id);
      platform.applyTo(chart);
      return chart;
    });
    new TracingConfig(one, 'logs', { accessLog: AccessLog.json() });
    new TracingConfig(two, 'traces', { tracing: Tracing.cloudTrace({ samplingPercent: 5 }) });
    const maps = [...synthValid(one), ...synthValid(two)].filter((o) => o.kind === 'ConfigMap');
    expect(maps.map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual(['istio-system/istio-asm-managed']);
    expect(parse(maps[0].data.mesh)).toEqual(expect.objectContaining({ accessLogEncoding: 'JSON', defaultConfig: { tracing: { stackdriver: {}, sampling: 5 } } }));
  });

  test('Cloud Service Mesh with tracing only: a Telemetry, and no mesh ConfigMap (an empty document would replace the cluster\'s)', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    new TracingConfig(chart, 'obs', { tracing: Tracing.cloudTrace() });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(find(objects, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({ tracing: [{ providers: [{ name: 'stackdriver' }] }] });
  });

  test('Cloud Service Mesh: a sampling rate goes in the Telemetry, as Google\'s Cloud Trace guide for Traffic Director documents', () => {
    const chart = meshChart(MeshPlatform.cloudServiceMesh());
    new TracingConfig(chart, 'obs', { tracing: Tracing.cloudTrace({ samplingPercent: 10 }) });
    const objects = synthValid(chart);
    expect(find(objects, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({ tracing: [{ providers: [{ name: 'stackdriver' }], randomSamplingPercentage: 10 }] });
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
  });

  test('open-source Istio: the default text log uses the built-in envoy provider, with no MeshConfig and no null logFormat', () => {
    const chart = meshChart(MeshPlatform.istio());
    new TracingConfig(chart, 'obs', { accessLog: AccessLog.text() });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(find(objects, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({ accessLogging: [{ providers: [{ name: 'envoy' }] }] });
    // A format of its own goes in a provider of the shared mesh config, as `text`.
    const shared = meshChart(MeshPlatform.istio({ sharedMeshConfig: 'istio-user' }));
    new TracingConfig(shared, 'obs', { accessLog: AccessLog.text('%RESPONSE_CODE% 100%%\n') });
    expect(mesh(synthValid(shared), 'istio-user').extensionProviders).toEqual([
      { name: 'envoy-access-log', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { text: '%RESPONSE_CODE% 100%%\n' } } },
    ]);
  });

  test('open-source Istio without a shared mesh config: MeshConfig is refused (the installer\'s ConfigMap would be replaced whole)', () => {
    const chart = meshChart(MeshPlatform.istio({ revision: '1-30' }));
    expect(() => new TracingConfig(chart, 'obs', { accessLog: AccessLog.json() }))
      .toThrow('test/obs: open-source Istio keeps its mesh config in the ConfigMap "istio-1-30" that its installer writes, and a ConfigMap written here would replace that document whole');
    expect(() => MeshPlatform.istio({ sharedMeshConfig: 'istio' }))
      .toThrow('MeshPlatform.istio: sharedMeshConfig "istio" is the installer\'s own ConfigMap: name the ConfigMap istiod reads as SHARED_MESH_CONFIG, e.g. "istio-user"');
    expect(() => MeshPlatform.istio({ sharedMeshConfig: 'Not A Name' })).toThrow('MeshPlatform.istio: sharedMeshConfig "Not A Name" is not a ConfigMap name');
  });

  test('access-log formats are checked as Envoy parses them', () => {
    expect(() => AccessLog.text('[%START_TIME] %RESPONSE_CODE%'))
      .toThrow('AccessLog.text: "%START_TIME] %" at position 1 is not a command operator: Envoy rejects the format. Operators read %NAME%, %NAME(argument)% or %NAME(argument):length%, in upper case; write a literal % as %%');
    expect(() => AccessLog.text('%RESPONSE_CODE% %DURATION'))
      .toThrow('AccessLog.text: "%DURATION" at position 16 is not a command operator (no closing %)');
    expect(() => AccessLog.text('%RESPONSE_CODES%'))
      .toThrow('AccessLog.text: %RESPONSE_CODES% is not an Envoy command operator, and Envoy rejects the format (Not supported field): use one of Envoy\'s operators');
    expect(() => AccessLogField.custom('ua', '%REQ%')).toThrow('AccessLogField.custom("ua"): %REQ% needs an argument, e.g. %REQ(X-REQUEST-ID)%');
    expect(() => AccessLogField.custom('ua', '%REQ()%')).toThrow('AccessLogField.custom("ua"): %REQ()% needs an argument, e.g. %REQ(X-REQUEST-ID)%');
    expect(() => AccessLogField.custom('d', '%DURATION(ms)%')).toThrow('AccessLogField.custom("d"): %DURATION(ms)%: %DURATION% takes no argument or length: write %DURATION%');
    expect(() => AccessLog.text('  ')).toThrow('AccessLog.text: the format is empty: omit it for Istio\'s default text format');
    // Istio's own default format, and the operators with arguments and lengths, pass.
    expect(() => AccessLog.text('[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% '
      + '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% '
      + '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" '
      + '%UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME% '
      + '%START_TIME(%s.%3f)% %REQ(USER-AGENT):20% %CEL(request.path)% %METADATA(ROUTE:istio)%\n')).not.toThrow();
    for (const f of AccessLogField.defaults()) expect(checkEnvoyFormat('default', f.operator)).toBe(1);
  });
});
