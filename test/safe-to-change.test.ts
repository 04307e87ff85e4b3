import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { DisruptionBudget, GatewayServiceType, IngressGateway, InstalledGateway, MeshNamespace, MeshService, Protocol, WorkloadKind } from '../src';
import { meshChart } from './helpers';
import { refusedUpdates } from './immutable';
import { validateObjects } from './validate';

/** Synthesizes a fresh chart built by `build`, validated. */
function step(build: (chart: Chart, ns: MeshNamespace) => void): any[] {
  const chart = meshChart();
  const ns = new MeshNamespace(chart, 'shop');
  build(chart, ns);
  const objects = Testing.synth(chart);
  validateObjects(objects);
  return objects;
}

/** Every consecutive pair of steps is an update the API server accepts. */
function expectEveryStepApplies(steps: any[][]): void {
  for (let i = 1; i < steps.length; i++) expect({ step: i, refused: refusedUpdates(steps[i - 1], steps[i]) }).toEqual({ step: i, refused: [] });
}

describe('changing props never yields an update the API server refuses', () => {
  test('the comparator catches what the API server refuses', () => {
    const deployment = (selector: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews', namespace: 'shop' }, spec: { selector: { matchLabels: selector } } });
    expect(refusedUpdates([deployment({ app: 'reviews' })], [deployment({ app: 'reviews', version: 'v1' })]))
      .toEqual(['Deployment shop/reviews: spec.selector is immutable ({"matchLabels":{"app":"reviews"}} -> {"matchLabels":{"app":"reviews","version":"v1"}})']);
    const service = (spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec });
    expect(refusedUpdates([service({ clusterIP: 'None' })], [service({})])).toEqual(['Service shop/s: spec.clusterIP is allocated once and cannot change']);
    const sts = (size: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { volumeClaimTemplates: [{ spec: { resources: { requests: { storage: size } } } }] } });
    expect(refusedUpdates([sts('1Gi')], [sts('2Gi')])).toHaveLength(1);
    const binding = (role: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'shop' }, roleRef: { name: role } });
    expect(refusedUpdates([binding('a')], [binding('b')])).toHaveLength(1);
  });

  test('every step of a canary: unversioned -> v1 -> v1 + v2 -> v2 only', () => {
    const steps = [
      step((chart, ns) => new MeshService(chart, 'reviews', { namespace: ns, image: 'reviews:1', port: 9080 })),
      step((chart, ns) => new MeshService(chart, 'reviews', { namespace: ns, image: 'reviews:1', port: 9080, version: 'v1' })),
      step((chart, ns) => {
        const reviews = new MeshService(chart, 'reviews', { namespace: ns, image: 'reviews:1', port: 9080, version: 'v1' });
        reviews.addVersion('v2', { image: 'reviews:2' });
        reviews.addRoute({ destinations: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }] });
      }),
      step((chart, ns) => {
        const reviews = new MeshService(chart, 'reviews', { namespace: ns, image: 'reviews:1', port: 9080, version: 'v1' });
        reviews.addVersion('v2', { image: 'reviews:2', replicas: 3 });
        reviews.addRoute({ destinations: [{ version: 'v1', weight: 0 }, { version: 'v2', weight: 100 }] });
      }),
      step((chart, ns) => new MeshService(chart, 'reviews', { namespace: ns, image: 'reviews:2', port: 9080, version: 'v2', replicas: 3 })),
    ];
    expectEveryStepApplies(steps);
    // The Deployment that runs v2 is the same object from the step that starts the canary to the end.
    const v2 = (objects: any[]) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'reviews-v2');
    expect(v2(steps[2]).spec.selector).toEqual(v2(steps[4]).spec.selector);
  });

  test('adopting a workload and its Service, a canary of adopted workloads, a StatefulSet', () => {
    const app = (chart: Chart, expose = true) => {
      const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web', namespace: 'shop' } });
      const deployment = new kplus.Deployment(chart, 'web', {
        metadata: { name: 'web', namespace: 'shop' },
        serviceAccount: sa,
        containers: [{ image: 'web:1', ports: [{ number: 8080, name: 'http' }] }],
      });
      const service = expose ? deployment.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080, name: 'http' }] }) : undefined;
      const labels = { app: 'db' };
      const db = new kplus.k8s.KubeStatefulSet(chart, 'db', {
        metadata: { name: 'db', namespace: 'shop' },
        spec: {
          serviceName: 'db-headless',
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { serviceAccountName: 'db', containers: [{ name: 'db', image: 'db:1', ports: [{ containerPort: 5432, name: 'tcp-pg' }] }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('1Gi') } } } }],
        },
      });
      return { deployment, service, db };
    };
    const steps = [
      step((chart) => app(chart)),
      step((chart, ns) => {
        const { deployment, service, db } = app(chart);
        new MeshService(chart, 'web-mesh', { namespace: ns, workload: deployment, service });
        new MeshService(chart, 'db-mesh', { namespace: ns, workload: db, name: 'db' });
      }),
      // cdk8s-plus's exposeViaService selects one Deployment's pods: for a second version the mesh
      // creates the Service `web` instead, selecting `app` (a selector may change in place).
      step((chart, ns) => {
        const { deployment, db } = app(chart, false);
        const web = new MeshService(chart, 'web-mesh', { namespace: ns, workload: deployment, name: 'web', ports: [{ port: 80, targetPort: 8080, name: 'http' }], version: 'v1' });
        const v2 = new kplus.Deployment(chart, 'web-v2', {
          metadata: { name: 'web-v2', namespace: 'shop' },
          serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa2', 'web'),
          containers: [{ image: 'web:2', ports: [{ number: 8080, name: 'http' }] }],
        });
        v2.podMetadata.addLabel('app', 'web');
        web.addVersion('v2', { workload: v2 });
        new MeshService(chart, 'db-mesh', { namespace: ns, workload: db, name: 'db', version: 'v1' });
      }),
    ];
    expectEveryStepApplies(steps);
  });

  test('a StatefulSet from an image: versions, scaling, probes and volumes come and go; selector, serviceName and claims stay', () => {
    const claims = [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(10) }];
    const db = (build: (db: MeshService, tmp: kplus.Volume) => void, props: any = {}) => step((chart, ns) => {
      const tmp = kplus.Volume.fromEmptyDir(chart, 'tmp', 'tmp');
      build(new MeshService(chart, 'db', {
        namespace: ns,
        image: 'db:1',
        ports: [{ port: 5432, protocol: Protocol.tcp(), name: 'tcp-pg' }],
        workloadKind: WorkloadKind.STATEFUL_SET,
        version: 'v1',
        volumeClaimTemplates: claims,
        ...props,
      }), tmp);
    });
    const steps = [
      db(() => {}),
      db(() => {}, { replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(1) }),
      db((svc, tmp) => svc.addVersion('v2', { image: 'db:2', volumeMounts: [{ volume: tmp, path: '/tmp' }] }), { autoscaling: { minReplicas: 3 } }),
      db(() => {}, { image: 'db:2', readiness: kplus.Probe.fromTcpSocket(), labels: { team: 'data' } }),
    ];
    expectEveryStepApplies(steps);
    expect(steps[2].find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'db-v2').spec.serviceName).toBe('db-headless');
  });

  test('services: scaling and availability come and go, extra metadata and pod settings change', () => {
    const svc = (props: any) => step((chart, ns) => new MeshService(chart, 'api', { namespace: ns, image: 'api:1', port: 8080, ...props }));
    expectEveryStepApplies([
      svc({}),
      svc({ autoscaling: {}, disruptionBudget: DisruptionBudget.maxUnavailable(1) }),
      svc({ replicas: 2, podLabels: { team: 'a' }, labels: { team: 'a' }, serviceLabels: { tier: 'web' } }),
      svc({ image: 'api:2', scheduling: { spread: [{ topology: kplus.Topology.ZONE }] }, command: ['/api'] }),
    ]);
  });

  test('gateways: service type, replicas, deployed -> installed', () => {
    const gw = (props: any) => step((chart, ns) => {
      const gwNs = new MeshNamespace(chart, 'istio-gateway');
      new IngressGateway(chart, 'gw', { namespace: props.installed ? ns : gwNs, ...props });
    });
    expectEveryStepApplies([
      gw({}),
      gw({ autoscaling: { minReplicas: 3, maxReplicas: 8 }, disruptionBudget: DisruptionBudget.minAvailable(2) }),
      gw({ serviceType: GatewayServiceType.CLUSTER_IP, replicas: 3 }),
      gw({ serviceType: GatewayServiceType.NODE_PORT }),
      gw({ installed: InstalledGateway.istioctl() }),
    ]);
  });
});
