// What the API server refuses to change on an object that exists: an update of these fields fails
// (`field is immutable`), so a step from `before` to `after` that changes one does not apply.
import { isDeepStrictEqual } from 'util';

/** Immutable fields by kind (paths under the object). */
const IMMUTABLE: Record<string, string[][]> = {
  Deployment: [['spec', 'selector']],
  ReplicaSet: [['spec', 'selector']],
  DaemonSet: [['spec', 'selector']],
  StatefulSet: [['spec', 'selector'], ['spec', 'serviceName'], ['spec', 'volumeClaimTemplates'], ['spec', 'podManagementPolicy']],
  Job: [['spec', 'selector'], ['spec', 'template'], ['spec', 'completionMode']],
  RoleBinding: [['roleRef']],
  ClusterRoleBinding: [['roleRef']],
  PersistentVolumeClaim: [['spec', 'accessModes'], ['spec', 'storageClassName'], ['spec', 'volumeMode']],
};

function at(obj: any, path: string[]): any {
  return path.reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function identity(o: any): string {
  const group = String(o.apiVersion ?? '').replace(/\/?[^/]*$/, '');
  return `${group}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
}

/**
 * The updates from `before` to `after` that the API server would refuse, one message each: objects
 * present in both with a changed immutable field, a Service whose cluster IP changes (it is allocated
 * once) or that turns into or out of ExternalName, an immutable ConfigMap or Secret whose data changes.
 */
export function refusedUpdates(before: any[], after: any[]): string[] {
  const old = new Map(before.map((o) => [identity(o), o]));
  const refused: string[] = [];
  for (const now of after) {
    const was = old.get(identity(now));
    if (!was) continue; // a new object is a create
    const name = `${now.kind} ${now.metadata?.namespace ?? ''}/${now.metadata?.name}`;
    for (const path of IMMUTABLE[now.kind] ?? []) {
      if (!isDeepStrictEqual(at(was, path), at(now, path))) refused.push(`${name}: ${path.join('.')} is immutable (${JSON.stringify(at(was, path))} -> ${JSON.stringify(at(now, path))})`);
    }
    if (now.kind === 'Service') {
      for (const field of ['clusterIP', 'clusterIPs']) {
        if (!isDeepStrictEqual(was.spec?.[field], now.spec?.[field])) refused.push(`${name}: spec.${field} is allocated once and cannot change`);
      }
      if ((was.spec?.type === 'ExternalName') !== (now.spec?.type === 'ExternalName')) refused.push(`${name}: a Service cannot turn into or out of ExternalName in place`);
    }
    if ((now.kind === 'ConfigMap' || now.kind === 'Secret') && was.immutable === true
      && (!isDeepStrictEqual(was.data, now.data) || !isDeepStrictEqual(was.binaryData ?? was.stringData, now.binaryData ?? now.stringData))) {
      refused.push(`${name}: an immutable ${now.kind}'s data cannot change`);
    }
  }
  return refused;
}
