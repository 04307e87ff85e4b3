// Variant "raw L1": the same objects built directly with the generated classes (cdk8s-plus-34's
// `k8s` and the Istio bindings), no L2 constructs.
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { emitMesh } from './manifests';
import type { Shape } from './shape';
import { DestinationRule, Gateway, ServiceEntry, Sidecar, VirtualService } from '../src/imports/networking.istio.io';
import { AuthorizationPolicy, PeerAuthentication } from '../src/imports/security.istio.io';

export function rawL1App(n: number, shape: Shape): App {
  const app = new App();
  const chart = new Chart(app, 'mesh');
  emitMesh(n, shape, {
    quantity: (v) => k8s.Quantity.fromString(v),
    intOrString: (v) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v)),
    renamed: (l1Name, _jsonName, value) => ({ [l1Name]: value }),
    namespace: (id, props) => new k8s.KubeNamespace(chart, id, props),
    serviceAccount: (id, props) => new k8s.KubeServiceAccount(chart, id, props),
    role: (id, props) => new k8s.KubeRole(chart, id, props),
    roleBinding: (id, props) => new k8s.KubeRoleBinding(chart, id, props),
    deployment: (id, props) => new k8s.KubeDeployment(chart, id, props),
    service: (id, props) => new k8s.KubeService(chart, id, props),
    configMap: (id, props) => new k8s.KubeConfigMap(chart, id, props),
    gateway: (id, props) => new Gateway(chart, id, props),
    virtualService: (id, props) => new VirtualService(chart, id, props),
    destinationRule: (id, props) => new DestinationRule(chart, id, props),
    authorizationPolicy: (id, props) => new AuthorizationPolicy(chart, id, props),
    peerAuthentication: (id, props) => new PeerAuthentication(chart, id, props),
    serviceEntry: (id, props) => new ServiceEntry(chart, id, props),
    sidecar: (id, props) => new Sidecar(chart, id, props),
  });
  return app;
}
