import { App, Testing } from 'cdk8s';
import { crdFindings, walk } from './crd-schema';
import { AsmQuickstart } from '../examples/asm-quickstart/chart';
import { SchemaValidator, Severity } from '../src';
import { CEL_RULES, goDurationNanos, requestUriScheme } from '../src/analysis/cel-rules';
import { schemaFindings } from '../src/analysis/schema';
import { ISTIO_CRD_SCHEMAS } from '../src/imports/istio-schemas';
import { K8S_SCHEMAS } from '../src/imports/k8s-schemas';

const obj = (apiVersion: string, kind: string, spec: any, metadata: any = { name: 'x', namespace: 'ns' }) => ({ apiVersion, kind, metadata, spec });
const net = (kind: string, spec: any) => obj('networking.istio.io/v1', kind, spec);
const sec = (kind: string, spec: any) => obj('security.istio.io/v1', kind, spec);
const messages = (o: any) => schemaFindings(o).map((f) => f.message);

const allSchemas = [...ISTIO_CRD_SCHEMAS.schemas, ...Object.values(K8S_SCHEMAS.defs)].flatMap((s) => [...walk(s)]);

describe('the generated schemas are fully understood', () => {
  test('every CEL rule in the CRDs has a predicate, and every predicate a rule', () => {
    const rules = new Set(allSchemas.flatMap((s) => (s['x-kubernetes-validations'] ?? []).map((v: any) => v.rule)));
    expect([...rules].filter((r) => !(r in CEL_RULES))).toEqual([]);
    expect(Object.keys(CEL_RULES).filter((r) => !rules.has(r))).toEqual([]);
    for (const s of allSchemas) for (const v of s['x-kubernetes-validations'] ?? []) expect(Object.keys(v).sort()).toEqual(['message', 'rule']);
  });

  test('every schema keyword is one the validator handles', () => {
    const handled = new Set(['type', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'format', 'nullable',
      'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'pattern',
      'oneOf', 'anyOf', 'allOf', 'not', 'x-kubernetes-validations', 'x-kubernetes-preserve-unknown-fields',
      'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', '$ref']);
    expect([...new Set(allSchemas.flatMap((s) => Object.keys(s)))].filter((k) => !handled.has(k))).toEqual([]);
    expect([...new Set(allSchemas.map((s) => s.format).filter(Boolean))].sort()).toEqual(['byte', 'date-time', 'double', 'int32']);
    expect([...new Set(allSchemas.map((s) => s['x-kubernetes-list-type']).filter(Boolean))]).toEqual(['map']);
    for (const s of allSchemas) if (s.pattern) expect(() => new RegExp(s.pattern, 'u')).not.toThrow();
  });

  test('covers the served versions of the pinned CRDs', () => {
    expect(ISTIO_CRD_SCHEMAS.version).toBe('1.30.3');
    expect(Object.keys(ISTIO_CRD_SCHEMAS.kinds)).toEqual(expect.arrayContaining([
      'networking.istio.io/v1/VirtualService', 'networking.istio.io/v1beta1/Gateway', 'networking.istio.io/v1alpha3/EnvoyFilter',
      'security.istio.io/v1/AuthorizationPolicy', 'telemetry.istio.io/v1/Telemetry', 'extensions.istio.io/v1alpha1/WasmPlugin',
    ]));
  });
});

describe('structural schema', () => {
  test('accepts a valid VirtualService and reports nothing for kinds it has no schema of', () => {
    expect(schemaFindings(net('VirtualService', { hosts: ['a'], http: [{ timeout: '5s', route: [{ destination: { host: 'a' } }] }] }))).toEqual([]);
    expect(schemaFindings({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' }, bogus: 1 })).toEqual([]);
  });

  test('unknown field: names the path, lists the known fields', () => {
    expect(schemaFindings(net('VirtualService', { hosts: ['a'], bogus: 1 }))).toEqual([{
      code: 'SCHEMA',
      severity: Severity.ERROR,
      resource: 'VirtualService ns/x',
      message: 'spec.bogus: unknown field',
      fix: 'remove "bogus" or correct its name; spec has exportTo, gateways, hosts, http, tcp, tls',
    }]);
    expect(messages({ ...net('Gateway', { servers: [] }), extra: true })).toEqual(['extra: unknown field']);
    expect(messages(obj('networking.istio.io/v1', 'Gateway', {}, { name: 'x', lables: {} }))).toEqual(['metadata.lables: unknown field']);
  });

  test('unknown fields are allowed under x-kubernetes-preserve-unknown-fields', () => {
    expect(messages({ ...net('Gateway', {}), status: { anything: { goes: 1 } } })).toEqual([]);
  });

  test('wrong types, missing required fields, enums', () => {
    expect(messages(net('VirtualService', { hosts: 'a' }))).toEqual(['spec.hosts: must be array, got string']);
    expect(schemaFindings(net('VirtualService', { hosts: [1] }))[0].fix).toBe('set spec.hosts[0] to a string');
    expect(messages(net('Gateway', { servers: [{ hosts: ['*'], port: { number: 80, name: 'http' } }] })))
      .toEqual(['spec.servers[0].port: required field "protocol" is missing']);
    expect(messages(sec('AuthorizationPolicy', { action: 'PERMIT' })))
      .toEqual(['spec.action: "PERMIT" is not one of "ALLOW", "DENY", "AUDIT", "CUSTOM"']);
    expect(messages(obj('networking.istio.io/v1', 'Gateway', {}, { namespace: 'ns' }))).toEqual(['metadata: required field "name" is missing']);
    expect(messages(obj('networking.istio.io/v1', 'Gateway', {}, { name: 'x', labels: { a: 1 } }))).toEqual(['metadata.labels[a]: must be string, got integer']);
  });

  test('uint32 and int32 ranges', () => {
    const gw = (number: number) => net('Gateway', { servers: [{ hosts: ['*'], port: { number, name: 'http', protocol: 'HTTP' } }] });
    expect(messages(gw(2 ** 32))).toEqual(['spec.servers[0].port.number: 4294967296 is greater than the maximum 4294967295']);
    expect(messages(gw(-1))).toEqual(['spec.servers[0].port.number: -1 is less than the minimum 0']);
    expect(messages(gw(1.5))).toEqual(['spec.servers[0].port.number: must be integer, got number']);
    const retries = (attempts: number) => net('VirtualService', { hosts: ['a'], http: [{ retries: { attempts } }] });
    expect(messages(retries(2 ** 31))).toEqual(['spec.http[0].retries.attempts: 2147483648 is out of the int32 range']);
    expect(messages(retries(2 ** 31 - 1))).toEqual([]);
  });

  test('strings: length, pattern; maps: size', () => {
    expect(messages(sec('PeerAuthentication', { selector: { matchLabels: { app: 'a'.repeat(64) } } })))
      .toEqual(['spec.selector.matchLabels[app]: is 64 characters long, more than 63']);
    expect(messages(obj('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://x', sha256: 'nope' })))
      .toEqual(['spec.sha256: "nope" does not match (^$|^[a-f0-9]{64}$)']);
    const labels = Object.fromEntries([...Array(257).keys()].map((i) => [`k${i}`, 'v']));
    expect(messages(net('Sidecar', { workloadSelector: { labels } }))).toEqual(['spec.workloadSelector.labels: has 257 entries, more than 256']);
  });

  test('proto oneof fields (oneOf/not/anyOf)', () => {
    const abort = (a: any) => net('VirtualService', { hosts: ['a'], http: [{ fault: { abort: { percentage: { value: 1 }, ...a } } }] });
    expect(schemaFindings(abort({ httpStatus: 503, grpcStatus: 'UNAVAILABLE' }))).toMatchObject([{
      message: 'spec.http[0].fault.abort: only one of httpStatus, grpcStatus, http2Error may be set',
      fix: 'keep one of httpStatus, grpcStatus, http2Error',
    }]);
    expect(messages(abort({ httpStatus: 503 }))).toEqual([]);
    expect(messages(abort({}))).toEqual([]);
  });

  test('list-type map keys are unique', () => {
    const se = net('ServiceEntry', { hosts: ['a.example.com'], ports: [{ number: 80, name: 'http' }, { number: 81, name: 'http' }] });
    expect(schemaFindings(se)).toMatchObject([{
      message: 'spec.ports[1]: duplicate entry with name="http"',
      fix: 'give every item of spec.ports a distinct name',
    }]);
  });

  test('a null field is absent, as the API server reads it (pruned from CRDs); a required one is missing', () => {
    expect(messages(obj('extensions.istio.io/v1alpha1', 'TrafficExtension', { lua: { inlineCode: 'x' }, priority: null }))).toEqual([]);
    expect(messages(net('VirtualService', { hosts: null }))).toEqual([]);
    expect(messages(net('VirtualService', { hosts: ['a'], http: [{ route: [{ destination: null }] }] }))).toEqual(['spec.http[0].route[0]: required field "destination" is missing']);
    expect(messages(net('VirtualService', { hosts: ['a'], tcp: [null] }))).toEqual(['spec.tcp[0]: must be object, got null']);
    expect(messages(net('VirtualService', { hosts: ['a'], bogus: null }))).toEqual([expect.stringMatching(/^spec.bogus: unknown field/)]);
  });

  test('names follow the API server\'s rule for the kind, namespaces are DNS-1123 labels', () => {
    const named = (apiVersion: string, kind: string, name: string, namespace?: string) =>
      messages({ apiVersion, kind, metadata: { name, namespace } });
    expect(named('v1', 'ConfigMap', 'mesh.config-1', 'app')).toEqual([]);
    expect(named('v1', 'ConfigMap', 'Mesh_Config', 'app')).toEqual(['metadata.name: "Mesh_Config" is not a valid ConfigMap name: the API server wants a DNS-1123 subdomain (at most 253 lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit)']);
    expect(named('v1', 'Service', '1web', 'app')).toEqual([expect.stringContaining('not a valid Service name: the API server wants a DNS-1035 label')]);
    // The suggested name is one the API server takes.
    expect(schemaFindings({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1web', namespace: 'app' } }).map((f) => f.fix)).toEqual(['rename it, e.g. "svc-1web"']);
    expect(named('v1', 'Service', 'web.v1', 'app')).toEqual([expect.stringContaining('DNS-1035 label')]);
    expect(named('v1', 'Namespace', 'a.b')).toEqual([expect.stringContaining('not a valid Namespace name: the API server wants a DNS-1123 label')]);
    expect(named('rbac.authorization.k8s.io/v1', 'Role', 'system:reader', 'app')).toEqual([]);
    expect(named('rbac.authorization.k8s.io/v1', 'Role', 'a/b', 'app')).toEqual([expect.stringContaining('a path segment')]);
    expect(named('batch/v1', 'CronJob', 'a'.repeat(53), 'app').filter((m) => m.startsWith('metadata'))).toEqual([expect.stringContaining('at most 52 characters')]);
    expect(named('networking.istio.io/v1', 'Gateway', 'Public', 'app').filter((m) => m.startsWith('metadata'))).toEqual([expect.stringContaining('not a valid Gateway name')]);
    expect(named('v1', 'ConfigMap', 'cfg', 'My_Ns')).toEqual(['metadata.namespace: "My_Ns" is not a valid namespace name: the API server wants a DNS-1123 label (at most 63 lowercase letters, digits and \'-\')']);
    expect(schemaFindings({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad Name' } })[0].fix).toBe('rename it, e.g. "bad-name"');
  });

  test('unknown kinds, versions and non-objects', () => {
    expect(schemaFindings(obj('networking.istio.io/v1', 'EnvoyFilter', {}))).toMatchObject([{
      message: 'apiVersion: Istio 1.30.3 serves no EnvoyFilter in networking.istio.io/v1',
      fix: 'use apiVersion networking.istio.io/v1alpha3',
    }]);
    expect(messages(obj('networking.istio.io/v1', 'Bogus', {}))).toEqual(['apiVersion: Istio 1.30.3 serves no Bogus in networking.istio.io/v1']);
    expect(schemaFindings(obj('install.istio.io/v1alpha1', 'IstioOperator', {}))).toMatchObject([{
      message: 'apiVersion: Istio 1.30.3 serves no IstioOperator in install.istio.io/v1alpha1',
      fix: 'an IstioOperator is an input of `istioctl install -f`, not an object to apply: keep it out of the manifests you apply and analyze',
    }]);
    expect(schemaFindings({ kind: 'X' })).toMatchObject([{ resource: 'X (no name)', message: '(root): not a Kubernetes object (apiVersion and kind must be strings)' }]);
  });

  test('agrees with ajv over the pinned CRD schemas (independent oracle) for the structural cases', () => {
    const cases = [
      net('VirtualService', { hosts: ['a'], bogus: 1 }),
      net('VirtualService', { hosts: 'a' }),
      net('Gateway', { servers: [{ hosts: ['*'], port: { number: 2 ** 32, name: 'http', protocol: 'HTTP' } }] }),
      net('VirtualService', { hosts: ['a'], http: [{ fault: { abort: { httpStatus: 503, grpcStatus: 'X' } } }] }),
      sec('AuthorizationPolicy', { action: 'PERMIT' }),
      net('VirtualService', { hosts: ['a'], http: [{ route: [{ destination: { host: 'a', port: { number: 80 } } }] }] }),
    ];
    for (const c of cases) expect([c.spec, schemaFindings(c).length === 0]).toEqual([c.spec, crdFindings(c).length === 0]);
    expect(cases.map((c) => crdFindings(c).length === 0)).toEqual([false, false, false, false, false, true]);
  });
});

describe('core Kubernetes objects', () => {
  const deployment = (container: any) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app', labels: { app: 'web' } },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ...container }] } } },
  });

  test('accepts a valid Deployment and Service', () => {
    expect(messages(deployment({ ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: 1024 } } }))).toEqual([]);
    expect(messages({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] } })).toEqual([]);
  });

  test('unknown fields, wrong types, enums, required fields', () => {
    expect(schemaFindings(deployment({ imagePullPolicy: 'Always', imagePulPolicy: 'Always' }))).toMatchObject([{
      resource: 'Deployment app/web',
      message: 'spec.template.spec.containers[0].imagePulPolicy: unknown field',
      fix: expect.stringMatching(/^remove "imagePulPolicy" or correct its name; spec.template.spec.containers\[0\] has args, command, .*imagePullPolicy/),
    }]);
    expect(messages(deployment({ ports: [{ containerPort: '80' }] }))).toEqual(['spec.template.spec.containers[0].ports[0].containerPort: must be number, got string']);
    expect(messages({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, protocol: 'HTTP' }] } }))
      .toEqual(['spec.ports[0].protocol: "HTTP" is not one of "SCTP", "TCP", "UDP"']);
    expect(messages({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'Role', apiGroup: 'rbac.authorization.k8s.io' } }))
      .toEqual(['roleRef: required field "name" is missing']);
    expect(messages({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { a: true } }, data: { k: 'v' } }))
      .toEqual(['metadata.annotations[a]: must be string, got boolean']);
    expect(messages({ apiVersion: 'v1', kind: 'Namespace', metadata: {} })).toEqual(['metadata: required field "name" is missing']);
  });

  test('covers every kind cdk8s-plus-34 emits', () => {
    expect(Object.keys(K8S_SCHEMAS.kinds)).toEqual(expect.arrayContaining(['v1/Namespace', 'v1/ServiceAccount', 'v1/Service', 'v1/ConfigMap',
      'apps/v1/Deployment', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding', 'batch/v1/CronJob', 'networking.k8s.io/v1/Ingress']));
    for (const [gvk, def] of Object.entries(K8S_SCHEMAS.kinds)) expect([gvk, K8S_SCHEMAS.defs[def]?.properties.metadata]).toEqual([gvk, { $ref: 'ObjectMeta' }]);
  });
});

describe('Go duration syntax (CEL duration())', () => {
  test.each([['1h2m', 3720e9], ['1.5s', 1.5e9], ['.5s', 0.5e9], ['5.s', 5e9], ['100ms', 1e8], ['1us', 1e3], ['1µs', 1e3], ['0', 0], ['-1s', -1e9], ['+2m', 120e9]])(
    '%s', (s, ns) => expect(goDurationNanos(s)).toBe(ns));
  test.each(['', '1', '1x', '.s', 's', '1s2', '-', '1.5.5s', '3000000h'])('rejects %j', (s) => expect(() => goDurationNanos(s)).toThrow(/invalid duration/));
});

describe('Go url.ParseRequestURI (CEL url())', () => {
  test.each([['https://x/keys', 'https'], ['HTTP://x:8080', 'http'], ['oci://r/i:1', 'oci'], ['/abs', ''], ['mailto:a@b', 'mailto']])(
    '%s', (s, scheme) => expect(requestUriScheme(s)).toBe(scheme));
  test.each(['', 'relative/path', '://x', 'http://x:port/', 'http://x/%zz', 'a\tb'])('rejects %j', (s) => expect(() => requestUriScheme(s)).toThrow());
});

const ap = (spec: any) => sec('AuthorizationPolicy', spec);
const se = (spec: any) => net('ServiceEntry', { hosts: ['a.example.com'], ...spec });
const ra = (spec: any) => sec('RequestAuthentication', spec);
const tel = (spec: any) => obj('telemetry.istio.io/v1', 'Telemetry', spec);
const wasm = (spec: any) => obj('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://r/i', ...spec });
const tls = (kind: string, t: any) => (kind === 'Gateway'
  ? net('Gateway', { servers: [{ hosts: ['*'], port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: t }] })
  : net('Sidecar', { ingress: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: t }] }));
const ep = (e: any) => se({ resolution: 'STATIC', endpoints: [e] });

/** [case, object, expected messages (`path: message (CRD rule: ...)`), none when valid]. */
const CEL_CASES: Array<[string, any, string | string[]]> = [
  ['duration >= 1ms', net('VirtualService', { hosts: ['a'], http: [{ timeout: '0.5ms' }] }), 'spec.http[0].timeout: must be a valid duration greater than 1ms'],
  ['duration unparsable', net('VirtualService', { hosts: ['a'], http: [{ retries: { perTryTimeout: '5' } }] }), 'spec.http[0].retries.perTryTimeout: must be a valid duration greater than 1ms'],
  ['duration ok', net('VirtualService', { hosts: ['a'], http: [{ timeout: '1ms', retries: { perTryTimeout: '1m30s' } }] }), ''],
  ['DR duration', net('DestinationRule', { host: 'a', subsets: [{ name: 's', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, outlierDetection: { interval: '0s' } }] } }] }),
    'spec.subsets[0].trafficPolicy.portLevelSettings[0].outlierDetection.interval: must be a valid duration greater than 1ms'],
  ['Sidecar duration', net('Sidecar', { inboundConnectionPool: { tcp: { connectTimeout: '1ns' } } }), 'spec.inboundConnectionPool.tcp.connectTimeout: must be a valid duration'],
  ['RA duration', ra({ jwtRules: [{ issuer: 'i', timeout: '-1s' }] }), 'spec.jwtRules[0].timeout: must be a valid duration'],
  ['Telemetry duration', tel({ metrics: [{ reportingInterval: '10' }] }), 'spec.metrics[0].reportingInterval: must be a valid duration'],
  ['selector key wildcard', ap({ selector: { matchLabels: { 'a*': 'b' } } }), 'spec.selector.matchLabels: wildcard not allowed in label key match'],
  ['selector empty key', sec('PeerAuthentication', { selector: { matchLabels: { '': 'b' } } }), 'spec.selector.matchLabels: key must not be empty'],
  ['selector value wildcard', tel({ selector: { matchLabels: { a: '*' } } }), 'spec.selector.matchLabels[a]: wildcard not allowed in label value match'],
  ['DR workloadSelector', net('DestinationRule', { host: 'a', workloadSelector: { matchLabels: { a: 'b*' } } }), 'spec.workloadSelector.matchLabels[a]: wildcard not allowed in label value match'],
  ['selector ok', ap({ selector: { matchLabels: { app: 'b' } } }), ''],
  ['Sidecar labels wildcard', net('Sidecar', { workloadSelector: { labels: { app: '*' } } }), 'spec.workloadSelector.labels[app]: wildcard is not supported in selector'],
  ['SE labels wildcard', se({ workloadSelector: { labels: { app: 'a*' } } }), 'spec.workloadSelector.labels[app]: wildcard is not supported in selector'],
  ['AP selector + targetRefs', ap({ selector: { matchLabels: { a: 'b' } }, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' }] }),
    'spec: only one of targetRefs or selector can be set'],
  ['AP cross-namespace targetRef', ap({ targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g', namespace: 'other' } }),
    'spec.targetRef.namespace: cross namespace referencing is not currently supported'],
  ['AP targetRefs ok', ap({ targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' }] }), ''],
  ['AP serviceAccounts + principals', ap({ rules: [{ from: [{ source: { serviceAccounts: ['ns/sa'], principals: ['p'] } }] }] }),
    'spec.rules[0].from[0].source: Cannot set serviceAccounts with namespaces or principals'],
  ['AP serviceAccounts alone', ap({ rules: [{ from: [{ source: { serviceAccounts: ['ns/sa'] } }] }] }), ''],
  ['Gateway credentialName + credentialNames', tls('Gateway', { mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] }),
    'spec.servers[0].tls: only one of credentialName or credentialNames can be set'],
  ['Gateway credentialNames + tlsCertificates', tls('Gateway', { mode: 'SIMPLE', credentialNames: ['b'], tlsCertificates: [{ serverCertificate: 'c' }] }), [
    'spec.servers[0].tls: only one of credentialNames or tlsCertificates can be set',
    // The CRD checks this pair twice, the second time under the credentialName message.
    'spec.servers[0].tls: only one of credentialName or tlsCertificates can be set',
  ]],
  ['Gateway credentialName + tlsCertificates (not CEL-enforced, upstream quirk)', tls('Gateway', { mode: 'SIMPLE', credentialName: 'a', tlsCertificates: [{ serverCertificate: 'c' }] }), ''],
  ['Sidecar credentialName + credentialNames', tls('Sidecar', { mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] }),
    'spec.ingress[0].tls: only one of credentialName or credentialNames can be set'],
  ['SE workloadSelector + endpoints', se({ resolution: 'STATIC', workloadSelector: { labels: { a: 'b' } }, endpoints: [{ address: '1.1.1.1' }] }),
    'spec: only one of WorkloadSelector or Endpoints can be set'],
  ['SE CIDR with DNS', se({ addresses: ['10.0.0.0/8'], resolution: 'DNS' }), 'spec: CIDR addresses are allowed only for NONE/STATIC resolution types'],
  ['SE CIDR with NONE', se({ addresses: ['10.0.0.0/8'] }), ''],
  ['SE NONE with endpoints', se({ endpoints: [{ address: '1.1.1.1' }] }), 'spec: NONE mode cannot set endpoints'],
  ['SE DNS_ROUND_ROBIN endpoints', se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.com' }, { address: 'b.com' }] }), 'spec: DNS_ROUND_ROBIN mode cannot have multiple endpoints'],
  ['SE wildcard host', net('ServiceEntry', { hosts: ['*'] }), 'spec.hosts[0]: hostname cannot be wildcard'],
  ['SE duplicate port number', se({ ports: [{ number: 80, name: 'a' }, { number: 80, name: 'b' }] }), 'spec.ports: port number cannot be duplicated'],
  ['SE port 0', se({ ports: [{ number: 0, name: 'a' }] }), 'spec.ports[0].number: port must be between 1-65535'],
  ['SE ports ok', se({ ports: [{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 8080 }] }), ''],
  ['SE endpoint without address', ep({ labels: { a: 'b' } }), 'spec.endpoints[0]: Address is required'],
  ['SE UDS with ports', ep({ address: 'unix:///var/run/s.sock', ports: { http: 80 } }), 'spec.endpoints[0]: UDS may not include ports'],
  ['SE UDS relative', ep({ address: 'unix://var/s.sock' }), 'spec.endpoints[0].address: UDS must be an absolute path or abstract socket'],
  ['SE UDS too short', ep({ address: 'unix://' }), [
    'spec.endpoints[0].address: UDS must be an absolute path or abstract socket',
    'spec.endpoints[0].address: UDS may not be a dir',
  ]],
  ['SE UDS dir', ep({ address: 'unix:///var/run/' }), 'spec.endpoints[0].address: UDS may not be a dir'],
  ['SE UDS ok', ep({ address: 'unix://@abstract' }), ''],
  ['SE endpoint port name', ep({ address: '1.1.1.1', ports: { '-bad': 80 } }), 'spec.endpoints[0].ports: port name must be valid'],
  ['SE endpoint port value', ep({ address: '1.1.1.1', ports: { http: 70000 } }), 'spec.endpoints[0].ports[http]: port must be between 1-65535'],
  ['PA portLevelMtls without selector', sec('PeerAuthentication', { portLevelMtls: { 8080: { mode: 'DISABLE' } } }), 'spec: portLevelMtls requires selector'],
  ['PA portLevelMtls bad key', sec('PeerAuthentication', { selector: { matchLabels: { a: 'b' } }, portLevelMtls: { http: { mode: 'DISABLE' } } }),
    'spec.portLevelMtls: port must be between 1-65535'],
  ['PA portLevelMtls ok', sec('PeerAuthentication', { selector: { matchLabels: { a: 'b' } }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), ''],
  ['RA jwksUri + jwks', ra({ jwtRules: [{ issuer: 'i', jwksUri: 'https://x/k', jwks: '{}' }] }), 'spec.jwtRules[0]: only one of jwks or jwksUri can be set'],
  ['RA jwksUri scheme', ra({ jwtRules: [{ issuer: 'i', jwksUri: 'ftp://x/k' }] }), 'spec.jwtRules[0].jwksUri: url must have scheme http:// or https://'],
  ['RA jwks_uri relative', ra({ jwtRules: [{ issuer: 'i', jwks_uri: 'x/k' }] }), 'spec.jwtRules[0].jwks_uri: url must have scheme http:// or https://'],
  ['RA selector + targetRef', ra({ selector: { matchLabels: { a: 'b' } }, targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' } }),
    'spec: only one of targetRefs or selector can be set'],
  ['RA ok', ra({ jwtRules: [{ issuer: 'i', jwksUri: 'https://x/k', timeout: '5s' }] }), ''],
  ['Telemetry UPSERT without value', tel({ metrics: [{ overrides: [{ tagOverrides: { t: { operation: 'UPSERT' } } }] }] }),
    'spec.metrics[0].overrides[0].tagOverrides[t]: value must be set when operation is UPSERT'],
  ['Telemetry REMOVE with value', tel({ metrics: [{ overrides: [{ tagOverrides: { t: { operation: 'REMOVE', value: 'v' } } }] }] }),
    'spec.metrics[0].overrides[0].tagOverrides[t]: value must not be set when operation is REMOVE'],
  ['Telemetry overrides ok', tel({ metrics: [{ overrides: [{ tagOverrides: { t: { value: 'v' }, u: { operation: 'REMOVE' } } }] }] }), ''],
  ['WasmPlugin url scheme', wasm({ url: 'ftp://x/p.wasm' }), 'spec.url: url must have schema one of [http, https, file, oci]'],
  ['WasmPlugin bare reference ok', wasm({ url: 'ghcr.io/org/plugin:1' }), ''],
  ['WasmPlugin env HOST value', wasm({ vmConfig: { env: [{ name: 'A', valueFrom: 'HOST', value: 'v' }] } }), 'spec.vmConfig.env[0]: value may only be set when valueFrom is INLINE'],
  ['TrafficExtension wasm + lua', obj('extensions.istio.io/v1alpha1', 'TrafficExtension', { wasm: { url: 'oci://r/i' }, lua: { inlineCode: 'x' } }),
    ['spec: only one of wasm, lua may be set', 'spec: exactly one of wasm or lua must be set']],
  ['TrafficExtension url', obj('extensions.istio.io/v1alpha1', 'TrafficExtension', { wasm: { url: 'ftp://x' } }), 'spec.wasm.url: url must have schema one of'],
  ['TrafficExtension selector + targetRefs', obj('extensions.istio.io/v1alpha1', 'TrafficExtension', {
    lua: { inlineCode: 'x' }, selector: { matchLabels: { a: 'b' } }, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' }],
  }), 'spec: only one of targetRefs or selector can be set'],
  ['EnvoyFilter workloadSelector + targetRefs', obj('networking.istio.io/v1alpha3', 'EnvoyFilter', {
    workloadSelector: { labels: { a: 'b' } }, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' }],
  }), 'spec: only one of targetRefs or workloadSelector can be set'],
  ['EnvoyFilter waypoint without WAYPOINT context', obj('networking.istio.io/v1alpha3', 'EnvoyFilter', {
    configPatches: [{ applyTo: 'CLUSTER', match: { context: 'SIDECAR_INBOUND', waypoint: {} } }],
  }), 'spec.configPatches[0].match: only support waypointMatch when context is WAYPOINT'],
  ['WorkloadGroup probe scheme', obj('networking.istio.io/v1', 'WorkloadGroup', { template: {}, probe: { httpGet: { port: 80, scheme: 'FTP' } } }),
    'spec.probe.httpGet.scheme: scheme must be one of [HTTP, HTTPS]'],
];

describe('CEL rules (x-kubernetes-validations)', () => {
  test.each(CEL_CASES)('%s', (_, o, expected) => {
    const found = messages(o);
    expect(found).toEqual([expected].flat().filter(Boolean).map((m) => expect.stringContaining(m)));
    if (expected.length) expect(found.some((m) => / \(CRD rule: .+\)$/.test(m))).toBe(true);
  });

  test('every rule has a failing case, and the finding says how to fix it', () => {
    const failed = new Set<string>();
    for (const [, o] of CEL_CASES) {
      for (const f of schemaFindings(o)) {
        const rule = Object.keys(CEL_RULES).find((r) => f.message.endsWith(`(CRD rule: ${r.replace(/\n/g, ' ')})`));
        if (rule) {
          failed.add(rule);
          expect(f.fix).toBe(CEL_RULES[rule].fix);
        }
      }
    }
    expect(Object.keys(CEL_RULES).filter((r) => !failed.has(r))).toEqual([]);
  });
});

describe('the public entry point and the reference example', () => {
  test('SchemaValidator.findings is schemaFindings', () => {
    const vs = net('VirtualService', { hosts: 'a' });
    expect(SchemaValidator.findings(vs)).toEqual(schemaFindings(vs));
  });

  test('every object of examples/asm-quickstart passes', () => {
    const objects = Testing.synth(new AsmQuickstart(new App({ outdir: Testing.app().outdir }), 'asm-quickstart'));
    expect(objects.filter((o) => o.apiVersion.includes('istio.io')).length).toBeGreaterThanOrEqual(3);
    expect(objects.filter((o) => !o.apiVersion.includes('istio.io')).map((o) => `${o.apiVersion}/${o.kind}`).filter((k) => !K8S_SCHEMAS.kinds[k])).toEqual([]);
    expect(objects.flatMap(schemaFindings)).toEqual([]);
  });
});
