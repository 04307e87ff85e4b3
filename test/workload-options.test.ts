import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Cpu } from 'cdk8s-plus-34';
import { DisruptionBudget, MeshAnalyzer, MeshNamespace, MeshService, Protocol, SpreadPolicy, WorkloadKind } from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup() {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'app');
  return { chart, ns };
}

describe('WorkloadOptions: a created workload that real services can run', () => {
  test('volumes, mounts, probes, command, env from Secrets/ConfigMaps/fields, pull settings, pod metadata, init containers', () => {
    const { chart, ns } = setup();
    const settings = new kplus.ConfigMap(chart, 'settings', { metadata: { name: 'api-settings' }, data: { 'app.yaml': 'x: 1' } });
    const db = kplus.Secret.fromSecretName(chart, 'db', 'api-db');
    const pull = kplus.Secret.fromSecretName(chart, 'pull', 'registry-creds');
    const tmp = kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(64) });
    const api = new MeshService(chart, 'api', {
      namespace: ns,
      image: 'registry.example.com/team/api:2.1.0',
      port: 8080,
      containerPorts: [{ number: 9901, name: 'admin' }],
      command: ['/app/api'],
      args: ['--config', '/etc/api/app.yaml'],
      env: { LOG_LEVEL: 'info' },
      envVariables: {
        DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }),
        FEATURE: kplus.EnvValue.fromConfigMap(settings, 'app.yaml'),
        POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      },
      envFrom: [kplus.Env.fromConfigMap(settings, 'CFG_')],
      imagePullSecrets: [pull],
      volumeMounts: [
        { volume: tmp, path: '/tmp' },
        { volume: kplus.Volume.fromConfigMap(chart, 'config', settings, { name: 'config' }), path: '/etc/api', readOnly: true },
        { volume: kplus.Volume.fromSecret(chart, 'certs', db, { name: 'certs' }), path: '/etc/certs', readOnly: true },
      ],
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: 9901, periodSeconds: Duration.seconds(10) }),
      readiness: kplus.Probe.fromHttpGet('/ready'),
      startup: kplus.Probe.fromTcpSocket({ failureThreshold: 30 }),
      podLabels: { team: 'payments' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9901' },
      volumes: [kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch')],
      initContainers: [{
        name: 'migrate',
        image: 'registry.example.com/team/api-migrate:2.1.0',
        args: ['up'],
        envVariables: { DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }) },
        volumeMounts: [{ volume: tmp, path: '/tmp' }],
        resources: { cpuLimit: Cpu.millis(50) },
      }],
    });
    const objects = synthValid(chart);
    const pod = find(objects, 'Deployment', 'api').spec.template;
    expect(pod.metadata).toEqual({
      labels: { app: 'api', team: 'payments' },
      annotations: { 'prometheus.io/port': '9901', 'prometheus.io/scrape': 'true', 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' },
    });
    const [c] = pod.spec.containers;
    expect(c).toMatchObject({
      image: 'registry.example.com/team/api:2.1.0',
      imagePullPolicy: 'IfNotPresent',
      command: ['/app/api'],
      args: ['--config', '/etc/api/app.yaml'],
      ports: [{ containerPort: 8080 }, { containerPort: 9901, name: 'admin' }],
    });
    expect(c.env).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-db', key: 'password' } } },
      { name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'api-settings', key: 'app.yaml' } } },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'api-settings' }, prefix: 'CFG_' }]);
    expect(c.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config', mountPath: '/etc/api', readOnly: true },
      { name: 'certs', mountPath: '/etc/certs', readOnly: true },
    ]);
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 9901, scheme: 'HTTP' }, failureThreshold: 3, periodSeconds: 10 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, failureThreshold: 3 });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 30 });
    expect(pod.spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} }, // `volumes` first, then the mounted ones
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'config', configMap: { name: 'api-settings' } },
      { name: 'certs', secret: { secretName: 'api-db' } },
    ]);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
    expect(pod.spec.initContainers).toEqual([{
      name: 'migrate',
      image: 'registry.example.com/team/api-migrate:2.1.0',
      imagePullPolicy: 'IfNotPresent',
      args: ['up'],
      env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-db', key: 'password' } } }],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      // A limit below the default request lowers the request to it.
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '50m', memory: '512Mi' } },
      securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    }]);
    expect(api.workloadFor()).toBe(api.workload);
    expect(MeshAnalyzer.attach(chart).findings()).toEqual([]);
  });

  test('image pull policy: Kubernetes\' own rule written out, or as set', () => {
    const { chart, ns } = setup();
    const policy = (image: string, imagePullPolicy?: kplus.ImagePullPolicy) => {
      const svc = new MeshService(chart, `s${chart.node.children.length}`, { namespace: ns, image, port: 80, imagePullPolicy });
      return (synthPart(svc.workload).spec.template.spec.containers[0].imagePullPolicy);
    };
    expect(policy('api')).toBe('Always');
    expect(policy('registry.example.com:5000/team/api:latest')).toBe('Always');
    expect(policy('api:1.0')).toBe('IfNotPresent');
    expect(policy(`api@sha256:${'a'.repeat(64)}`)).toBe('IfNotPresent');
    expect(policy('api:1.0', kplus.ImagePullPolicy.ALWAYS)).toBe('Always');
    expect(policy('api', kplus.ImagePullPolicy.NEVER)).toBe('Never');
  });

  test('security context: the hardening stays unless a field is overridden', () => {
    const { chart, ns } = setup();
    const legacy = new MeshService(chart, 'legacy', {
      namespace: ns,
      image: 'legacy:1',
      port: 80,
      securityContext: {
        readOnlyRootFilesystem: false,
        user: 1000,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      podSecurityContext: { fsGroup: 2000, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    });
    const spec = synthPart(legacy.workload).spec.template.spec;
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsNonRoot: true,
      runAsUser: 1000,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.securityContext).toEqual({ fsGroupChangePolicy: 'OnRootMismatch', runAsNonRoot: true, fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] });
    synthValid(chart);
  });

  test('scheduling: node selector, tolerations, node affinity, pod (anti-)affinity, topology spread', () => {
    const { chart, ns } = setup();
    const cache = new MeshService(chart, 'cache', { namespace: new MeshNamespace(chart, 'infra'), image: 'cache:1', port: 6379 });
    const api = new MeshService(chart, 'api', {
      namespace: ns,
      image: 'api:1',
      port: 80,
      version: 'v1',
      scheduling: {
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        tolerations: [kplus.NodeTaintQuery.is('dedicated', 'api', { effect: kplus.TaintEffect.NO_SCHEDULE })],
        attract: [
          { node: kplus.Node.labeled(kplus.NodeLabelQuery.in('topology.kubernetes.io/zone', ['eu-a', 'eu-b'])) },
          { node: kplus.Node.labeled(kplus.NodeLabelQuery.is('disk', 'ssd')), weight: 50 },
        ],
        colocate: [{ service: cache, topology: kplus.Topology.ZONE, weight: 80 }],
        separate: [{ weight: 100 }, { service: cache }],
        spread: [
          { topology: kplus.Topology.ZONE },
          { topology: kplus.Topology.HOSTNAME, maxSkew: 2, whenUnsatisfiable: SpreadPolicy.DO_NOT_SCHEDULE },
        ],
      },
    });
    const spec = synthPart(api.workload).spec.template.spec;
    const own = { app: 'api', version: 'v1' };
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }]);
    expect(spec.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-a', 'eu-b'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }],
      },
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 80,
          podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, namespaces: ['infra'], topologyKey: 'topology.kubernetes.io/zone' },
        }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, namespaces: ['infra'], topologyKey: 'kubernetes.io/hostname' }],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: own }, topologyKey: 'kubernetes.io/hostname' } }],
      },
    });
    expect(spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: own } },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: own } },
    ]);
    synthValid(chart);
  });

  test('labels and annotations on every object the service writes, pods apart; the Service and ServiceAccount their own', () => {
    const { chart, ns } = setup();
    const caller = new MeshService(chart, 'caller', { namespace: ns, image: 'c:1', port: 80 });
    const svc = new MeshService(chart, 'details', {
      namespace: ns,
      image: 'details:1',
      port: 9080,
      version: 'v1',
      labels: { team: 'books' },
      annotations: { owner: 'books@example.com' },
      serviceLabels: { service: 'details' },
      serviceAnnotations: { 'cloud.google.com/neg': '{"ingress":true}' },
      serviceAccount: { name: 'bookinfo-details', labels: { account: 'details' } },
      autoscaling: { minReplicas: 2 },
      disruptionBudget: DisruptionBudget.minAvailable(1),
    });
    svc.addRoute({ destinations: [{ version: 'v1' }] });
    svc.allowFrom(caller);
    svc.talksTo(caller);
    const objects = synthValid(chart).filter((o) => o.metadata.name.startsWith('details') || o.metadata.name === 'bookinfo-details');
    expect(objects.map((o) => o.kind).sort()).toEqual(['AuthorizationPolicy', 'Deployment', 'DestinationRule', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'Sidecar', 'VirtualService']);
    for (const o of objects) {
      expect({ kind: o.kind, team: o.metadata.labels?.team, owner: o.metadata.annotations?.owner }).toEqual({ kind: o.kind, team: 'books', owner: 'books@example.com' });
    }
    expect(find(objects, 'Service', 'details').metadata).toMatchObject({
      labels: { app: 'details', service: 'details', team: 'books' },
      annotations: { 'cloud.google.com/neg': '{"ingress":true}', 'owner': 'books@example.com' },
    });
    expect(find(objects, 'ServiceAccount', 'bookinfo-details').metadata.labels).toEqual({ account: 'details', team: 'books' });
    expect(find(objects, 'Deployment', 'details-v1').metadata.labels).toEqual({ app: 'details', team: 'books', version: 'v1' });
    expect(find(objects, 'Deployment', 'details-v1').spec.template.metadata.labels).toEqual({ app: 'details', version: 'v1' });
  });

  test('versions take the service\'s workload options and replace the ones they set; each version\'s objects by version', () => {
    const { chart, ns } = setup();
    const tmp = kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp');
    const reviews = new MeshService(chart, 'reviews', {
      namespace: ns,
      image: 'reviews:1',
      port: 9080,
      version: 'v1',
      env: { LOG_DIR: '/tmp/logs' },
      volumeMounts: [{ volume: tmp, path: '/tmp' }],
      replicas: 2,
    });
    const v2 = reviews.addVersion('v2', { image: 'reviews:2', autoscaling: { maxReplicas: 4 }, disruptionBudget: DisruptionBudget.maxUnavailablePercent(25) });
    reviews.addVersion('v3', { image: 'reviews:3', env: { STAR_COLOR: 'red' } });
    reviews.addVersion('v4'); // deployed elsewhere
    const objects = synthValid(chart);
    expect(reviews.workloadFor('v2')).toBe(v2);
    expect(reviews.workloadFor('v4')).toBeUndefined();
    expect(reviews.workloadFor()).toBeUndefined();
    expect(reviews.autoscalerFor('v2')?.name).toBe('reviews-v2');
    expect(reviews.autoscalerFor('v1')).toBeUndefined();
    expect(reviews.disruptionBudgetFor('v2')?.name).toBe('reviews-v2');
    expect(reviews.disruptionBudgetFor('v3')).toBeUndefined();
    const dep = (v: string) => find(objects, 'Deployment', `reviews-${v}`);
    expect(dep('v1').spec.replicas).toBe(2);
    expect(dep('v2').spec.replicas).toBeUndefined(); // the autoscaler owns it
    expect(dep('v3').spec.replicas).toBe(2);
    expect(dep('v2').spec.template.spec.containers[0].env).toEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }]);
    expect(dep('v3').spec.template.spec.containers[0].env).toEqual([{ name: 'STAR_COLOR', value: 'red' }]);
    for (const v of ['v1', 'v2', 'v3']) expect(dep(v).spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(find(objects, 'PodDisruptionBudget', 'reviews-v2').spec).toEqual({
      maxUnavailable: '25%', selector: { matchLabels: { app: 'reviews', version: 'v2' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(find(objects, 'HorizontalPodAutoscaler', 'reviews-v2').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v2' },
      minReplicas: 2,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  test('StatefulSet: headless Service for stable names, a claim per pod, the name fixes selector and serviceName', () => {
    const { chart, ns } = setup();
    const db = new MeshService(chart, 'db', {
      namespace: ns,
      image: 'postgres:16',
      ports: [{ port: 5432, protocol: Protocol.tcp(), name: 'tcp-pg' }],
      workloadKind: WorkloadKind.STATEFUL_SET,
      version: 'v1',
      replicas: 3,
      volumeClaimTemplates: [
        { name: 'data', mountPath: '/var/lib/postgresql/data', storage: Size.gibibytes(10), storageClassName: 'standard-rwo' },
        { name: 'archive', mountPath: '/archive', storage: Size.mebibytes(512), accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD] },
      ],
    });
    db.addVersion('v2', { image: 'postgres:17', replicas: 1 });
    const objects = synthValid(chart);
    const sts = find(objects, 'StatefulSet', 'db-v1');
    expect(sts.spec).toMatchObject({
      serviceName: 'db-headless',
      replicas: 3,
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: { app: 'db', version: 'v1' } },
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard-rwo', resources: { requests: { storage: '10Gi' } } } },
        { metadata: { name: 'archive' }, spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '512Mi' } } } },
      ],
    });
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }, { name: 'archive', mountPath: '/archive' }]);
    expect(find(objects, 'StatefulSet', 'db-v2').spec.serviceName).toBe('db-headless');
    expect(find(objects, 'Service', 'db-headless').spec).toMatchObject({ clusterIP: 'None', selector: { app: 'db' } });
    expect(db.headlessService?.name).toBe('db-headless');
    expect(db.workloadFor('v2')?.kind).toBe('StatefulSet');
    expect(MeshAnalyzer.attach(chart).findings()).toEqual([]);
  });
});

/** The synthesized JSON of one ApiObject. */
function synthPart(obj: { toJson(): any }): any {
  return obj.toJson();
}

describe('WorkloadOptions errors name the construct and the fix', () => {
  test('container and pod', () => {
    const { chart, ns } = setup();
    const mk = (id: string, props: any) => () => new MeshService(chart, id, { namespace: ns, image: 'app:1', port: 8080, ...props });
    const v = (id: string, name: string) => kplus.Volume.fromEmptyDir(chart, id, name);
    const tmp = v('tmp', 'tmp');
    expect(mk('a', { image: '' })).toThrow('test/a: container "a": the image is empty: give an image reference such as "registry.example.com/team/app:1.2.3"');
    expect(mk('b', { image: 'Registry.example.com/Team/App:1' })).toThrow('test/b: container "b": "Registry.example.com/Team/App:1" is not a valid image reference: use [registry/]path[:tag][@sha256:digest] with a lowercase path');
    expect(mk('b2', { image: 'app:1 ' })).toThrow('is not a valid image reference');
    expect(mk('c', { volumeMounts: [{ volume: tmp, path: '/tmp' }, { volume: tmp, path: '/tmp' }] }))
      .toThrow('test/c: container "c" mounts volume "tmp" twice at "/tmp": mount one volume per path');
    expect(mk('d', { volumeMounts: [{ volume: tmp, path: '/tmp' }, { volume: v('cache', 'cache'), path: '/tmp' }] }))
      .toThrow('test/d: container "d" mounts volumes "tmp" and "cache" at "/tmp": mount one volume per path');
    expect(mk('e', { volumeMounts: [{ volume: tmp, path: '/tmp' }, { volume: v('tmp2', 'tmp'), path: '/var/tmp' }] }))
      .toThrow('test/e: two volumes are named "tmp" (test/tmp and test/tmp2): a pod\'s volumes need distinct names');
    expect(mk('f', { volumeMounts: [{ volume: tmp, path: 'tmp' }] })).toThrow('test/f: container "f" mounts volume "tmp" at "tmp", which is not an absolute path: start it with \'/\'');
    expect(mk('f2', { volumeMounts: [{ volume: tmp, path: '/tmp', subPath: 'a', subPathExpr: '$(POD_NAME)' }] }))
      .toThrow('test/f2: container "f2" mounts volume "tmp" with both subPath and subPathExpr: the API server accepts one of them');
    expect(mk('f3', { volumeMounts: [{ volume: tmp, path: '/tmp', subPath: 'a/../../etc' }] }))
      .toThrow('test/f3: container "f3" mounts volume "tmp" at sub-path "a/../../etc", which leaves the volume: use a relative path without \'..\'');
    expect(mk('f4', { volumeMounts: [{ volume: tmp, path: '/tmp', subPathExpr: '/$(POD_NAME)' }] })).toThrow('at sub-path "/$(POD_NAME)", which leaves the volume');
    expect(mk('f5', { volumeMounts: [{ volume: tmp, path: '/tmp', subPath: 'logs/..data' }] })).not.toThrow();
    expect(mk('g', { readiness: kplus.Probe.fromHttpGet('/ready', { port: 8081 }) }))
      .toThrow('test/g: the readiness probe checks port 8081, which the container does not expose (its ports: 8080): probe one of them, or add the port to `containerPorts`');
    expect(mk('h', { containerPorts: [{ number: 8080 }] })).toThrow('test/h: containerPorts lists 8080, which is a Service target port already: remove it from containerPorts');
    expect(mk('i', { env: { A: '1' }, envVariables: { A: kplus.EnvValue.fromValue('2') } }))
      .toThrow('test/i: container "i": environment variable A is in both `env` and `envVariables`: set it in one');
    expect(mk('j', { env: { '1A': 'x' } })).toThrow('test/j: container "j": "1A" is not a valid environment variable name');
    expect(mk('k', { command: [] })).toThrow('test/k: container "k": `command` is empty: omit it to keep the image\'s');
    expect(mk('l', { initContainers: [{ name: 'l', image: 'init:1' }] })).toThrow('test/l: two containers are named "l": give each init container its own name');
    expect(mk('m', { initContainers: [{ name: 'init', image: 'init:1', resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.mebibytes(512) } }] }))
      .toThrow('test/m: container "init": resources: memoryRequest 1024Mi is above memoryLimit 512Mi, which Kubernetes rejects: lower the request or raise the limit');
    expect(mk('n', { resources: { cpuRequest: Cpu.units(2), cpuLimit: Cpu.millis(1500) } }))
      .toThrow('test/n: container "n": resources: cpuRequest 2 is above cpuLimit 1500m, which Kubernetes rejects: lower the request or raise the limit');
    expect(mk('o', { sidecar: { cpuRequest: Cpu.millis(500), cpuLimit: Cpu.millis(200) } }))
      .toThrow('test/o: sidecar: cpuRequest 500m is above cpuLimit 200m, which Kubernetes rejects');
    expect(mk('p', { podLabels: { app: 'other' } })).toThrow('test/p: podLabels sets app, which the library sets to "p": remove it');
    expect(mk('q', { podAnnotations: { 'proxy.istio.io/config': '{}' } })).toThrow('test/q: podAnnotations sets proxy.istio.io/config, which the library sets to "{"holdApplicationUntilProxyStarts":true}": set it through `sidecar`');
    expect(mk('r', { podLabels: { 'bad key!': 'x' } })).toThrow('test/r: podLabels key "bad key!" is not a valid key');
    expect(mk('s', { labels: { team: 'not valid' } })).toThrow('test/s: labels team="not valid" is not a valid label value');
    expect(mk('t', { labels: { app: 'x' } })).toThrow('test/t: labels sets "app", which the library sets on the objects it writes: remove it');
    expect(mk('u', { serviceLabels: { app: 'x' } })).toThrow('test/u: serviceLabels sets "app", which is the Service\'s selector label: remove it');
    expect(mk('w', { scheduling: { attract: [{ node: kplus.Node.labeled(kplus.NodeLabelQuery.exists('gpu')), weight: 0 }] } }))
      .toThrow('test/w: scheduling weight 0 is out of range: use a whole number from 1 to 100');
    expect(mk('x', { volumeClaimTemplates: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1) }] }))
      .toThrow('test/x: volumeClaimTemplates need a StatefulSet: set `workloadKind: WorkloadKind.STATEFUL_SET`, or mount a PersistentVolumeClaim with Volume.fromPersistentVolumeClaim');
    expect(mk('y', { workloadKind: WorkloadKind.STATEFUL_SET, volumes: [tmp], volumeClaimTemplates: [{ name: 'tmp', mountPath: '/data', storage: Size.gibibytes(1) }] }))
      .toThrow('test/y: volume "tmp" and volumeClaimTemplates "tmp" share a name: rename one');
    expect(mk('y2', { name: 'd'.repeat(53), workloadKind: WorkloadKind.STATEFUL_SET }))
      .toThrow(`test/y2: StatefulSet name "${'d'.repeat(53)}" has 53 characters: Kubernetes could never create its pods (their controller-revision-hash label, <name>-<hash>, would exceed 63); use a name of at most 52 characters`);
    expect(mk('y3', { name: 'd'.repeat(52), workloadKind: WorkloadKind.STATEFUL_SET })).not.toThrow();
    expect(mk('p1', { liveness: kplus.Probe.fromHttpGet('/h', { successThreshold: 2 }) }))
      .toThrow('test/p1: the liveness probe\'s successThreshold is 2, which the API server refuses (it must be 1 for liveness and startup probes): omit it');
    expect(mk('p2', { readiness: kplus.Probe.fromHttpGet('/h', { successThreshold: 2 }) })).not.toThrow();
    expect(mk('p3', { containerPorts: [{ number: 9901, name: 'Admin_Port_Too_Long' }] }))
      .toThrow('test/p3: containerPorts name "Admin_Port_Too_Long" is not a port name the API server takes: use at most 15 lowercase letters, digits and \'-\', with a letter');
    expect(mk('p4', { containerPorts: [{ number: 9901, name: 'admin' }, { number: 9902, name: 'admin' }] })).toThrow('test/p4: containerPorts name "admin" appears twice');
    expect(mk('p5', { sidecar: { terminationDrainDuration: Duration.seconds(60) } }))
      .toThrow('test/p5: sidecar.terminationDrainDuration is 60s, but the pod has 30s to terminate before Kubernetes kills the proxy: the drain would be cut short; use at most 30s');
    expect(mk('p6', { sidecar: { memoryLimit: Size.mebibytes(256) } }))
      .toThrow('test/p6: sidecar sets memoryLimit but not cpuRequest: once one sidecar resource is set, the injector drops all its defaults, so the proxy would have no CPU request (a CPU autoscaler then cannot scale the pods); set cpuRequest too');
    const versioned = new MeshService(chart, 'z', { namespace: ns, image: 'z:1', port: 80, version: 'v1' });
    expect(() => versioned.addVersion('v2', { replicas: 2, env: { A: '1' } }))
      .toThrow("test/z: addVersion('v2'): `env`, `replicas` apply to a workload created from an image: add `image`, or remove them (the pods of this version are deployed elsewhere)");
    expect(() => versioned.addVersion('v3', { image: 'z:3', readiness: kplus.Probe.fromTcpSocket({ port: 81 }) }))
      .toThrow('test/z: version "v3": the readiness probe checks port 81, which the container does not expose');
  });

  test('scaling and availability', () => {
    const { chart, ns } = setup();
    const mk = (id: string, props: any) => () => new MeshService(chart, id, { namespace: ns, image: 'app:1', port: 8080, ...props });
    expect(mk('a', { replicas: 2, autoscaling: {} })).toThrow('test/a: set `replicas` or `autoscaling`, not both: the autoscaler owns the replica count');
    expect(mk('b', { autoscaling: { minReplicas: 6, maxReplicas: 3 } }))
      .toThrow('test/b: autoscaling.minReplicas 6 is above maxReplicas 3: the autoscaler could never satisfy both; lower minReplicas or raise maxReplicas');
    expect(mk('c', { autoscaling: { minReplicas: 0 } })).toThrow('test/c: autoscaling.minReplicas 0 is out of range: use a whole number from 1 to 10000');
    expect(mk('d', { autoscaling: { cpuUtilization: 0 } })).toThrow('test/d: autoscaling.cpuUtilization 0 is out of range');
    expect(mk('e', { replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) }))
      .toThrow('test/e: disruptionBudget minAvailable(2) with replicas 2 allows no eviction, so every node drain and cluster upgrade would wait forever: keep minAvailable below the pod count, raise the pod count, or use DisruptionBudget.maxUnavailable(1)');
    expect(mk('f', { disruptionBudget: DisruptionBudget.maxUnavailable(0) }))
      .toThrow('test/f: disruptionBudget maxUnavailable(0) with replicas 1 allows no eviction, so every node drain and cluster upgrade would wait forever: allow at least one pod, e.g. DisruptionBudget.maxUnavailable(1)');
    expect(mk('g', { autoscaling: { minReplicas: 2 }, disruptionBudget: DisruptionBudget.minAvailablePercent(60) }))
      .toThrow('test/g: disruptionBudget minAvailablePercent(60) with autoscaling.minReplicas 2 allows no eviction');
    expect(mk('h', { replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailablePercent(0) })).toThrow('test/h: disruptionBudget maxUnavailablePercent(0) with replicas 3 allows no eviction');
    expect(mk('i', { disruptionBudget: DisruptionBudget.minAvailablePercent(101) })).toThrow('test/i: disruptionBudget minAvailablePercent 101 is out of range: use a whole number from 0 to 100');
  });
});
