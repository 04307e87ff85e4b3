import { Severity } from './finding';
import { MeshIndex } from './mesh-index';

/**
 * IST0157 (Telemetry access logging without a provider while the mesh has no default) and
 * IST0002 (deprecated and removed features).
 */
export function checkTelemetryAndDeprecations(index: MeshIndex): void {
  const meshes = index.mesh.meshConfigs;
  const hasDefaultAccessLog = meshes.some((m) => (m.defaultProviders?.accessLogging ?? []).length > 0);
  const lightstep = new Set(meshes.flatMap((m) => (m.extensionProviders ?? []).filter((p: any) => p?.lightstep).map((p: any) => p.name)));

  for (const t of index.of('Telemetry')) {
    if (!hasDefaultAccessLog) {
      (t.spec.accessLogging ?? []).forEach((a: any, i: number) => {
        if (a?.disabled !== true && !(a?.providers ?? []).length) {
          index.report(t, 'IST0157', Severity.WARNING, `accessLogging[${i}] names no provider and the mesh has no defaultProviders.accessLogging, so nothing is logged`,
            'name a provider (e.g. envoy), or set defaultProviders.accessLogging in MeshConfig');
        }
      });
    }
    for (const tr of t.spec.tracing ?? []) {
      for (const p of tr?.providers ?? []) {
        if (lightstep.has(p?.name)) {
          index.report(t, 'IST0002', Severity.WARNING, `tracing provider "${p.name}" is a Lightstep extension provider, which Istio removed`,
            'use an OpenTelemetry provider');
        }
      }
    }
  }
  for (const vs of index.of('VirtualService')) {
    (vs.spec.http ?? []).forEach((h: any, i: number) => {
      if (h?.fault?.delay?.percent > 0) {
        index.report(vs, 'IST0002', Severity.WARNING, `http[${i}].fault.delay.percent is deprecated`, 'use fault.delay.percentage.value');
      }
    });
  }
  for (const sc of index.of('Sidecar')) {
    if (sc.spec.outboundTrafficPolicy?.egressProxy) {
      index.report(sc, 'IST0002', Severity.WARNING, 'outboundTrafficPolicy.egressProxy is deprecated and ignored', 'remove it; route egress through an egress gateway');
    }
  }
  for (const e of index.entries) {
    if (/^rbac\.istio\.io\//.test(e.obj.apiVersion ?? '')) {
      index.report(e, 'IST0002', Severity.WARNING, `${e.kind} (rbac.istio.io) was removed from Istio`, 'use security.istio.io/v1 AuthorizationPolicy');
    }
  }
}
