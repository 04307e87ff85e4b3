import { Cpu } from 'cdk8s-plus-34';
import {
  DisruptionBudget, EgressGateway, ExternalService, HttpMatch, IngressGateway, InstalledGateway, MeshNamespace, MeshService, Protocol, Source,
  TlsOriginationMode,
} from '../src';
import { meshChart } from './helpers';
import { find, synthValid } from './validate';

function setup() {
  const chart = meshChart();
  const gwNs = new MeshNamespace(chart, 'istio-gateway');
  const appNs = new MeshNamespace(chart, 'app');
  const web = new MeshService(chart, 'web', { namespace: appNs, image: 'web:1', port: 8080 });
  return { chart, gwNs, appNs, web };
}

describe('gateways scale and stay available by default', () => {
  test('a deployed gateway: an autoscaler owns 2 to 5 pods at 80% CPU, and a budget lets drains take one pod at a time', () => {
    const { chart, gwNs } = setup();
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs });
    const objects = synthValid(chart);
    expect(find(objects, 'Deployment', 'istio-ingressgateway').spec.replicas).toBeUndefined();
    expect(find(objects, 'HorizontalPodAutoscaler', 'istio-ingressgateway', 'istio-gateway').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istio-ingressgateway' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(find(objects, 'PodDisruptionBudget', 'istio-ingressgateway', 'istio-gateway').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(gw.autoscaler?.kind).toBe('HorizontalPodAutoscaler');
    expect(gw.disruptionBudget?.kind).toBe('PodDisruptionBudget');
  });

  test('fixed replicas: no autoscaler; a budget only when there can be more than one pod; custom and no budgets', () => {
    const { chart, gwNs } = setup();
    const one = new IngressGateway(chart, 'one', { namespace: gwNs, name: 'one', replicas: 1 });
    new IngressGateway(chart, 'three', { namespace: gwNs, name: 'three', replicas: 3 });
    new IngressGateway(chart, 'custom', {
      namespace: gwNs,
      name: 'custom',
      autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 60, memoryUtilization: 75 },
      disruptionBudget: DisruptionBudget.minAvailablePercent(50),
    });
    const none = new IngressGateway(chart, 'none', { namespace: gwNs, name: 'none', disruptionBudget: DisruptionBudget.none() });
    const objects = synthValid(chart);
    const kinds = (name: string) => objects.filter((o) => o.metadata.name === name && ['HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(o.kind)).map((o) => o.kind);
    expect(kinds('one')).toEqual([]);
    expect(one.autoscaler).toBeUndefined();
    expect(find(objects, 'Deployment', 'one').spec.replicas).toBe(1);
    expect(kinds('three')).toEqual(['PodDisruptionBudget']);
    expect(find(objects, 'HorizontalPodAutoscaler', 'custom').spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
      ],
    });
    expect(find(objects, 'PodDisruptionBudget', 'custom').spec.minAvailable).toBe('50%');
    expect(kinds('none')).toEqual(['HorizontalPodAutoscaler']);
    expect(none.disruptionBudget).toBeUndefined();
  });

  test('an egress gateway gets the same defaults; its objects are reachable', () => {
    const { chart, appNs } = setup();
    const egressNs = new MeshNamespace(chart, 'istio-egress');
    const gw = new EgressGateway(chart, 'egress', { namespace: egressNs });
    const nginx = new ExternalService(chart, 'nginx', { namespace: egressNs, hosts: ['nginx.example.com'], ports: [{ port: 80, protocol: Protocol.http() }, { port: 443 }] });
    gw.route(nginx, { allowFrom: [Source.namespaces(appNs)], originateTls: { mode: TlsOriginationMode.MUTUAL, credentialName: 'nginx-client' } });
    const objects = synthValid(chart);
    expect(find(objects, 'HorizontalPodAutoscaler', 'istio-egressgateway', 'istio-egress').spec.minReplicas).toBe(2);
    expect(find(objects, 'PodDisruptionBudget', 'istio-egressgateway', 'istio-egress').spec.maxUnavailable).toBe(1);
    expect([gw.serviceAccount.kind, gw.role.kind, gw.roleBinding.kind, gw.autoscaler?.kind, gw.disruptionBudget?.kind])
      .toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect(gw.virtualServices.map((v) => v.name)).toEqual(['istio-egressgateway-nginx-example-com']);
    expect(gw.originationRules.map((d) => d.name)).toEqual(['istio-egressgateway-nginx-example-com']);
  });

  test('an ingress gateway\'s objects are reachable: workload, RBAC, routes', () => {
    const { chart, gwNs, web } = setup();
    const gw = new IngressGateway(chart, 'gw', { namespace: gwNs, hosts: ['a.example.com', 'b.example.com'] });
    gw.route({ to: web, hosts: ['a.example.com'], match: HttpMatch.prefix('/') });
    gw.route({ to: web, hosts: ['b.example.com'], match: HttpMatch.prefix('/') });
    synthValid(chart);
    expect([gw.serviceAccount?.kind, gw.role?.kind, gw.roleBinding?.kind]).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
    expect(gw.virtualServices.map((v) => v.name)).toEqual(['istio-ingressgateway-a-example-com', 'istio-ingressgateway-b-example-com']);
    const installed = new IngressGateway(chart, 'installed', { namespace: gwNs, name: 'shop', installed: InstalledGateway.istioHelmChart() });
    expect([installed.serviceAccount, installed.autoscaler, installed.disruptionBudget]).toEqual([undefined, undefined, undefined]);
  });

  test('errors name the gateway and the fix', () => {
    const { chart, gwNs } = setup();
    expect(() => new IngressGateway(chart, 'a', { namespace: gwNs, name: 'a', installed: InstalledGateway.istioctl(), autoscaling: {} }))
      .toThrow('test/a: `autoscaling` applies to a gateway deployed here, not to the installed istio-system/istio-ingressgateway: remove it');
    expect(() => new IngressGateway(chart, 'b', { namespace: gwNs, name: 'b', replicas: 2, autoscaling: {} })).toThrow('test/b: set `replicas` or `autoscaling`, not both');
    expect(() => new IngressGateway(chart, 'c', { namespace: gwNs, name: 'c', replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) }))
      .toThrow('test/c: disruptionBudget minAvailable(2) with replicas 2 allows no eviction');
    expect(() => new IngressGateway(chart, 'd', { namespace: gwNs, name: 'd', resources: { cpuRequest: Cpu.units(1), cpuLimit: Cpu.millis(200) } }))
      .toThrow('test/d: resources: cpuRequest 1 is above cpuLimit 200m, which Kubernetes rejects: lower the request or raise the limit');
    expect(() => new EgressGateway(chart, 'e', { namespace: gwNs, name: 'e', autoscaling: { minReplicas: 3, maxReplicas: 2 } }))
      .toThrow('test/e: autoscaling.minReplicas 3 is above maxReplicas 2');
  });
});
