// Variant "floor": the same objects as plain JS, serialized with the `yaml` package (no cdk8s).
import type { k8s } from 'cdk8s-plus-34';
import { stringify } from 'yaml';
import { emitMesh } from './manifests';
import type { Shape } from './shape';

export function floorObjects(n: number, shape: Shape): object[] {
  const objects: object[] = [];
  const as = (apiVersion: string, kind: string) => (_id: string, props: object) => { objects.push({ apiVersion, kind, ...props }); };
  emitMesh(n, shape, {
    quantity: (v) => v as unknown as k8s.Quantity,
    intOrString: (v) => v as unknown as k8s.IntOrString,
    renamed: (_l1Name, jsonName, value) => ({ [jsonName]: value }),
    namespace: as('v1', 'Namespace'),
    serviceAccount: as('v1', 'ServiceAccount'),
    role: as('rbac.authorization.k8s.io/v1', 'Role'),
    roleBinding: as('rbac.authorization.k8s.io/v1', 'RoleBinding'),
    deployment: as('apps/v1', 'Deployment'),
    service: as('v1', 'Service'),
    configMap: as('v1', 'ConfigMap'),
    gateway: as('networking.istio.io/v1', 'Gateway'),
    virtualService: as('networking.istio.io/v1', 'VirtualService'),
    destinationRule: as('networking.istio.io/v1', 'DestinationRule'),
    authorizationPolicy: as('security.istio.io/v1', 'AuthorizationPolicy'),
    peerAuthentication: as('security.istio.io/v1', 'PeerAuthentication'),
    serviceEntry: as('networking.istio.io/v1', 'ServiceEntry'),
    sidecar: as('networking.istio.io/v1', 'Sidecar'),
  });
  return objects;
}

/** The floor's YAML: one document per object, with the options and separator `cdk8s` uses. */
export function floorYaml(n: number, shape: Shape): string {
  return floorObjects(n, shape).map((o) => stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n');
}
