// examples/bookinfo against Istio's Bookinfo sample (istio/istio 1.30.3, samples/bookinfo), field
// by field. The sample's objects below are written from a reading of its manifests (facts, not a
// copy): platform/kube/bookinfo.yaml, networking/bookinfo-gateway.yaml,
// networking/destination-rule-all-mtls.yaml, networking/virtual-service-*.yaml, the HTTP
// authorization task's policies, networking/egress-rule-google-apis.yaml. Every difference must be
// one the table BY_DESIGN explains; lists whose items carry a `name` compare item by item by name
// (as a strategic merge patch does), other lists by position.
import { App, Testing } from 'cdk8s';
import { Bookinfo, BookinfoFault, BookinfoProps, BookinfoRouting } from '../examples/bookinfo/chart';
import { MeshAnalyzer, Severity } from '../src';
import { synthAppValid } from './validate';

// ---- The sample, as its manifests describe it --------------------------------------------------

const NS = 'default';
const jason = [{ headers: { 'end-user': { exact: 'jason' } } }];

function service(name: string): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name, service: name } }, spec: { ports: [{ port: 9080, name: 'http' }], selector: { app: name } } };
}

function serviceAccount(name: string): any {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `bookinfo-${name}`, labels: { account: name } } };
}

function deployment(name: string, version: string, container: any = {}, pod: any = {}, annotations?: any): any {
  const labels = { app: name, version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-${version}`, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations },
        spec: {
          serviceAccountName: `bookinfo-${name}`,
          containers: [{
            name,
            image: `registry.istio.io/release/examples-bookinfo-${name}-${version}:1.20.3`,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 9080 }],
            ...container,
          }],
          ...pod,
        },
      },
    },
  };
}

/** platform/kube/bookinfo.yaml */
function bookinfoYaml(): any[] {
  const tmpMount = { name: 'tmp', mountPath: '/tmp' };
  const reviews = (v: string) => deployment('reviews', v,
    { env: [{ name: 'LOG_DIR', value: '/tmp/logs' }], volumeMounts: [tmpMount, { name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }] },
    { volumes: [{ name: 'wlp-output', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] });
  return [
    service('details'), serviceAccount('details'), deployment('details', 'v1'),
    service('ratings'), serviceAccount('ratings'), deployment('ratings', 'v1'),
    service('reviews'), serviceAccount('reviews'), reviews('v1'), reviews('v2'), reviews('v3'),
    service('productpage'), serviceAccount('productpage'),
    deployment('productpage', 'v1', { volumeMounts: [tmpMount] }, { volumes: [{ name: 'tmp', emptyDir: {} }] },
      { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080', 'prometheus.io/path': '/metrics' }),
  ];
}

/** networking/bookinfo-gateway.yaml */
function bookinfoGatewayYaml(): any[] {
  const uri = (kind: string, value: string) => ({ uri: { [kind]: value } });
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'bookinfo' },
      spec: {
        hosts: ['*'],
        gateways: ['bookinfo-gateway'],
        http: [{
          match: [uri('exact', '/productpage'), uri('prefix', '/static'), uri('exact', '/login'), uri('exact', '/logout'), uri('prefix', '/api/v1/products')],
          route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
        }],
      },
    },
  ];
}

/** networking/destination-rule-all-mtls.yaml */
function destinationRulesAllMtls(): any[] {
  const rule = (host: string, versions: string[]) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host },
    spec: { host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: versions.map((v) => ({ name: v, labels: { version: v } })) },
  });
  return [rule('productpage', ['v1']), rule('reviews', ['v1', 'v2', 'v3']), rule('ratings', ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm']), rule('details', ['v1', 'v2'])];
}

function virtualService(host: string, http: any[]): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: host }, spec: { hosts: [host], http } };
}
const to = (host: string, subset: string, weight?: number) => ({ destination: { host, subset }, weight });
const reviewsVs = (...http: any[]) => virtualService('reviews', http);

/** networking/virtual-service-*.yaml: the reviews rules of each routing variant. */
const REVIEWS: Record<BookinfoRouting, any> = {
  [BookinfoRouting.ALL_V1]: reviewsVs({ route: [to('reviews', 'v1')] }),
  [BookinfoRouting.REVIEWS_JASON_V2]: reviewsVs({ match: jason, route: [to('reviews', 'v2')] }, { route: [to('reviews', 'v1')] }),
  [BookinfoRouting.REVIEWS_JASON_V2_ELSE_V3]: reviewsVs({ match: jason, route: [to('reviews', 'v2')] }, { route: [to('reviews', 'v3')] }),
  [BookinfoRouting.REVIEWS_90_10]: reviewsVs({ route: [to('reviews', 'v1', 90), to('reviews', 'v2', 10)] }),
  [BookinfoRouting.REVIEWS_80_20]: reviewsVs({ route: [to('reviews', 'v1', 80), to('reviews', 'v2', 20)] }),
  [BookinfoRouting.REVIEWS_50_V3]: reviewsVs({ route: [to('reviews', 'v1', 50), to('reviews', 'v3', 50)] }),
  [BookinfoRouting.REVIEWS_V2_V3]: reviewsVs({ route: [to('reviews', 'v2', 50), to('reviews', 'v3', 50)] }),
  [BookinfoRouting.REVIEWS_V3]: reviewsVs({ route: [to('reviews', 'v3')] }),
};

/** virtual-service-ratings-test-delay.yaml, virtual-service-ratings-test-abort.yaml */
const RATINGS_FAULT: Record<BookinfoFault, any> = {
  [BookinfoFault.RATINGS_DELAY]: { delay: { percentage: { value: 100 }, fixedDelay: '7s' } },
  [BookinfoFault.RATINGS_ABORT]: { abort: { percentage: { value: 100 }, httpStatus: 500 } },
};

/** The HTTP authorization task (tasks/security/authorization/authz-http). */
function authorizationPolicies(): any[] {
  const policy = (name: string, spec: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: NS }, spec });
  const viewer = (app: string, from?: string) => policy(`${app}-viewer`, {
    selector: { matchLabels: { app } },
    action: 'ALLOW',
    rules: [{ from: from && [{ source: { principals: [`cluster.local/ns/default/sa/bookinfo-${from}`] } }], to: [{ operation: { methods: ['GET'] } }] }],
  });
  return [policy('allow-nothing', {}), viewer('productpage'), viewer('details', 'productpage'), viewer('reviews', 'productpage'), viewer('ratings', 'reviews')];
}

/** networking/egress-rule-google-apis.yaml */
function egressRuleGoogleApis(): any[] {
  const host = 'www.googleapis.com';
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'googleapis' },
      spec: { hosts: [host], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'rewrite-port-for-googleapis' },
      spec: { hosts: [host], http: [{ match: [{ port: 80 }], route: [{ destination: { host, port: { number: 443 } } }] }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'originate-tls-for-googleapis' },
      spec: { host, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] } },
    },
  ];
}

/** The sample's objects for the chart's props, as the tasks apply them. */
function upstream(props: BookinfoProps): any[] {
  const objects = [...bookinfoYaml(), ...bookinfoGatewayYaml(), ...destinationRulesAllMtls()];
  if (props.routing !== undefined) {
    objects.push(virtualService('productpage', [{ route: [to('productpage', 'v1')] }]), REVIEWS[props.routing], virtualService('details', [{ route: [to('details', 'v1')] }]));
  }
  if (props.fault !== undefined) {
    objects.push(virtualService('ratings', [{ match: jason, fault: RATINGS_FAULT[props.fault], route: [to('ratings', 'v1')] }, { route: [to('ratings', 'v1')] }]));
  } else if (props.routing !== undefined) {
    objects.push(virtualService('ratings', [{ route: [to('ratings', 'v1')] }]));
  }
  if (props.authorization) objects.push(...authorizationPolicies());
  if (props.egress) objects.push(...egressRuleGoogleApis());
  return objects;
}

// ---- What differs, and why -------------------------------------------------------------------

/** How a field differs: the example adds it, leaves it out, or qualifies the sample's short host name. */
type Change = 'added' | 'removed' | 'qualified';

interface ByDesign {
  readonly kinds?: string[];
  /** Only these objects of the sample (`<kind>/<name>`). */
  readonly objects?: string[];
  /** Matches the flattened path of a field (see `flatten`). */
  readonly path: RegExp;
  readonly change: Change;
  readonly reason: string;
}

const DEFAULTS_WRITTEN_OUT = 'the API server\'s default, written out so that a diff against the live object shows no drift';
const NO_TOKEN = 'no API token in the pods: Bookinfo never calls the Kubernetes API (hardening)';
const ORIGINATION = 'TLS origination (SIMPLE, with the host as SNI) lives in the subset `tls-origination`, which only the route of port 80 uses: '
  + 'applications that speak TLS to 443 themselves pass through untouched';
const GOOGLEAPIS_RULE = ['DestinationRule/originate-tls-for-googleapis'];
const BY_DESIGN: ByDesign[] = [
  { path: /^metadata\.namespace$/, change: 'added', reason: 'every object names its namespace; the sample relies on `kubectl apply -n default`' },
  { kinds: ['Service'], path: /^spec\.(type|ports\[name=http\]\.(protocol|targetPort))$/, change: 'added', reason: DEFAULTS_WRITTEN_OUT },
  { kinds: ['ServiceAccount'], path: /^automountServiceAccountToken$/, change: 'added', reason: NO_TOKEN },
  { kinds: ['Deployment'], path: /^spec\.template\.spec\.automountServiceAccountToken$/, change: 'added', reason: NO_TOKEN },
  { kinds: ['Deployment'], path: /^spec\.(minReadySeconds|progressDeadlineSeconds|strategy\..+)$/, change: 'added', reason: DEFAULTS_WRITTEN_OUT },
  {
    kinds: ['Deployment'],
    path: /^spec\.template\.spec\.(dnsPolicy|hostNetwork|restartPolicy|setHostnameAsFQDN|terminationGracePeriodSeconds)$/,
    change: 'added',
    reason: DEFAULTS_WRITTEN_OUT,
  },
  {
    kinds: ['Deployment'],
    path: /^spec\.template\.metadata\.annotations\.proxy\.istio\.io\/config$/,
    change: 'added',
    reason: 'holdApplicationUntilProxyStarts: the application starts once its sidecar is ready, so its first calls do not fail',
  },
  {
    kinds: ['Deployment'],
    path: /^spec\.template\.spec\.containers\[name=\w+\]\.resources\..+$/,
    change: 'added',
    reason: 'requests and limits: the scheduler reserves what a pod needs, and a runaway pod cannot starve its node',
  },
  {
    kinds: ['Deployment'],
    path: /^spec\.template\.spec\.(containers\[name=\w+\]\.)?securityContext\..+$/,
    change: 'added',
    reason: 'hardening: non-root, read-only root filesystem, no privilege escalation (the images run as non-root users, and what reviews and productpage write goes to their emptyDirs)',
  },
  {
    kinds: ['VirtualService', 'DestinationRule'],
    path: /^spec\.(hosts\[\d+\]|host|http\[\d+\]\.route\[\d+\]\.destination\.host)$/,
    change: 'qualified',
    reason: 'fully qualified hosts: Istio reads a short name relative to the namespace of the rule, which breaks once the rule is read from elsewhere',
  },
  {
    kinds: ['VirtualService'],
    path: /^spec\.http\[\d+\]\.route\[\d+\]\.destination\.port\.number$/,
    change: 'added',
    reason: 'the destination port, derived from the service, is written out (the route keeps working when the service gains a port)',
  },
  { kinds: ['ServiceEntry'], path: /^spec\.location$/, change: 'added', reason: 'MESH_EXTERNAL, Istio\'s default, written out' },
  { objects: ['VirtualService/rewrite-port-for-googleapis'], path: /^spec\.http\[0\]\.route\[0\]\.destination\.subset$/, change: 'added', reason: ORIGINATION },
  { objects: GOOGLEAPIS_RULE, path: /^spec\.subsets\[name=tls-origination\]\..+$/, change: 'added', reason: ORIGINATION },
  { objects: GOOGLEAPIS_RULE, path: /^spec\.trafficPolicy\.portLevelSettings\[0\]\..+$/, change: 'removed', reason: ORIGINATION },
  {
    objects: GOOGLEAPIS_RULE,
    path: /^spec\.trafficPolicy\.loadBalancer\.simple$/,
    change: 'removed',
    reason: 'no ROUND_ROBIN: an ExternalService keeps the mesh\'s default balancing (one DNS name, behind Google\'s own load balancers)',
  },
];

/** Whether difference `d` of an object of `kind` is the change `rule` explains. */
function explains(rule: ByDesign, kind: string, d: Difference): boolean {
  if ((rule.kinds && !rule.kinds.includes(kind)) || (rule.objects && !rule.objects.includes(d.object)) || !rule.path.test(d.path)) return false;
  switch (rule.change) {
    case 'added': return d.upstream === undefined;
    case 'removed': return d.example === undefined;
    case 'qualified': return d.upstream !== undefined && d.example === JSON.stringify(`${JSON.parse(d.upstream)}.${NS}.svc.cluster.local`);
  }
}

/** Objects the example names otherwise, and why. */
const RENAMED: Record<string, { name: string; reason: string }> = {
  'VirtualService/bookinfo': { name: 'bookinfo-gateway-all', reason: 'a gateway\'s routes form one VirtualService per set of hosts, named `<gateway>-<host>` (`*`: all)' },
  'VirtualService/rewrite-port-for-googleapis': { name: 'googleapis', reason: 'an ExternalService names its ServiceEntry, VirtualService and DestinationRule after itself' },
  'DestinationRule/originate-tls-for-googleapis': { name: 'googleapis', reason: 'an ExternalService names its ServiceEntry, VirtualService and DestinationRule after itself' },
};

/** Objects only the example has, and why. */
const ADDED: Record<string, string> = {
  'Namespace/default': 'the namespace with its injection label, which the sample\'s instructions set with `kubectl label namespace default istio-injection=enabled`',
};

/** Every leaf field of `value` by path (`a.b[0].c`, `a.list[name=x].c`). */
function flatten(value: any, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const byName = value.length > 0 && value.every((v) => typeof v?.name === 'string');
    value.forEach((v, i) => flatten(v, `${path}[${byName ? `name=${v.name}` : i}]`, out));
    if (value.length === 0) out.set(path, '[]');
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    if (keys.length === 0) out.set(path, '{}');
    for (const k of keys) flatten(value[k], path ? `${path}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

interface Difference { readonly object: string; readonly path: string; readonly upstream?: string; readonly example?: string }

/** The fields of `ours` and `theirs` that differ. */
function differences(object: string, theirs: any, ours: any): Difference[] {
  const a = flatten(theirs);
  const b = flatten(ours);
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((p) => a.get(p) !== b.get(p))
    .map((path) => ({ object, path, upstream: a.get(path), example: b.get(path) }));
}

const used = new Set<ByDesign>();

/** Compares the example chart for `props` with the sample; returns what BY_DESIGN does not explain. */
function compare(props: BookinfoProps): { unexplained: Difference[]; missing: string[]; extra: string[] } {
  const app = new App({ outdir: Testing.app().outdir });
  const ours = Testing.synth(new Bookinfo(app, 'bookinfo', props));
  const key = (o: any) => `${o.kind}/${o.metadata.name}`;
  const byKey = new Map(ours.map((o) => [key(o), o]));
  const matched = new Set<string>();
  const unexplained: Difference[] = [];
  const missing: string[] = [];
  for (const theirs of upstream(props)) {
    const oursKey = `${theirs.kind}/${RENAMED[key(theirs)]?.name ?? theirs.metadata.name}`;
    const mine = byKey.get(oursKey);
    if (!mine) {
      missing.push(key(theirs));
      continue;
    }
    matched.add(oursKey);
    const renamed = { ...mine, metadata: { ...mine.metadata, name: theirs.metadata.name } };
    for (const d of differences(key(theirs), theirs, renamed)) {
      const rule = BY_DESIGN.find((r) => explains(r, theirs.kind, d));
      if (rule) used.add(rule);
      else unexplained.push(d);
    }
  }
  const extra = ours.map(key).filter((k) => !matched.has(k) && !(k in ADDED));
  return { unexplained, missing, extra };
}

const VARIANTS: [string, BookinfoProps][] = [
  ['bookinfo.yaml, the gateway and mTLS to every subset', {}],
  ['with every service on v1, the authorization task and TLS origination to Google APIs', { routing: BookinfoRouting.ALL_V1, authorization: true, egress: true }],
  ...Object.values(BookinfoRouting).filter((r) => r !== BookinfoRouting.ALL_V1).map((routing): [string, BookinfoProps] => [`routing ${routing}`, { routing }]),
  ...Object.values(BookinfoFault).map((fault): [string, BookinfoProps] => [`fault ${fault} (over reviews-test-v2)`, { routing: BookinfoRouting.REVIEWS_JASON_V2, fault }]),
];

describe('examples/bookinfo is Istio\'s Bookinfo sample', () => {
  test.each(VARIANTS)('%s: the sample\'s objects, every difference by design', (_name, props) => {
    expect(compare(props)).toEqual({ unexplained: [], missing: [], extra: [] });
  });

  test('every difference listed by design occurs (no stale reasons)', () => {
    for (const [, props] of VARIANTS) compare(props);
    expect(BY_DESIGN.filter((r) => !used.has(r)).map((r) => r.path.source)).toEqual([]);
  });

  test('synthesizes valid and deterministic with the mesh analysis on: no error, and the two warnings are the sample\'s own', () => {
    const app = new App({ outdir: Testing.app().outdir });
    new Bookinfo(app, 'bookinfo', { routing: BookinfoRouting.ALL_V1, authorization: true, egress: true });
    const yaml = synthAppValid(app);
    expect(yaml).toMatchSnapshot();
    const findings = MeshAnalyzer.attach(app).findings();
    expect(findings.filter((f) => f.severity === Severity.ERROR)).toEqual([]);
    // KIA0209: the origination subset has no labels (as the sample's port-level setting applies to every endpoint).
    // IST0140: the sample routes the gateway to productpage without a subset while productpage's own route uses v1.
    expect(findings.map((f) => `${f.code} ${f.resource}`).sort()).toEqual([
      'IST0140 VirtualService default/bookinfo-gateway-all',
      'KIA0209 DestinationRule default/googleapis',
    ]);
  });
});
