import { Severity } from './finding';
import { DATAPLANE_MODE, MeshIndex, hasAmbientLabel } from './mesh-index';

/** Namespace injection labels: none (IST0102) or several (IST0123). */
export function checkInjection(index: MeshIndex): void {
  for (const ns of index.of('Namespace')) {
    if (ns.name === 'istio-system' || ns.name === index.rootNamespace) continue;
    const l = ns.labels;
    const injection = l['istio-injection'];
    const present: string[] = [];
    if (injection !== undefined) present.push(`istio-injection=${injection}`);
    for (const key of ['istio.io/rev', DATAPLANE_MODE]) {
      if (key in l && (injection === undefined || injection === 'enabled')) present.push(`${key}=${l[key]}`);
    }
    if (present.length > 1) {
      index.report(ns, 'IST0123', Severity.WARNING, `the namespace has several injection labels (${present.join(', ')}): which one wins is undefined`,
        'keep one: istio-injection=enabled, istio.io/rev=<revision> or istio.io/dataplane-mode=ambient');
    }
    if (hasAmbientLabel(l)) continue;
    if (!injection && !('istio.io/rev' in l)) {
      index.report(ns, 'IST0102', Severity.INFO, 'the namespace is not enabled for Istio injection: its pods get no sidecar',
        'label it istio-injection=enabled or istio.io/rev=<revision> (or istio-injection=disabled to say it is deliberate)');
    }
  }
}
