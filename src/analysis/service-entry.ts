import { Severity } from './finding';
import { Entry, MeshIndex, push } from './mesh-index';
import { autoAllocatesAddresses } from './mesh-settings';

/** ServiceEntry addresses (IST0134), duplicate host+port (KIA1211, KIA1212) and exportTo namespaces (KIA0005). */
export function checkServiceEntries(index: MeshIndex): void {
  const byHostPort = new Map<string, { se: Entry; protocol: string }[]>();
  const autoAllocated = autoAllocatesAddresses(index.mesh);
  for (const se of index.of('ServiceEntry')) {
    const ports: any[] = se.spec.ports ?? [];
    if (!autoAllocated && !(se.spec.addresses ?? []).length && !(se.obj.status?.addresses ?? []).length) {
      const tcp = ports.filter((p) => !p?.protocol || String(p.protocol).toUpperCase() === 'TCP').map((p) => p?.number);
      if (tcp.length) {
        index.report(se, 'IST0134', Severity.WARNING, `port(s) ${tcp.join(', ')} serve TCP (or no protocol) and the ServiceEntry has no addresses: sidecars cannot tell its traffic apart`,
          'set spec.addresses, or a protocol such as HTTP or TLS on the port, or turn on DNS capture with address auto-allocation (ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE in the mesh\'s defaultConfig.proxyMetadata)');
      }
    }
    for (const host of se.spec.hosts ?? []) {
      for (const p of ports) push(byHostPort, `${String(host).toLowerCase()}:${p?.number}`, { se, protocol: String(p?.protocol ?? '').toUpperCase() });
    }
  }
  for (const [key, list] of byHostPort) {
    const entries = [...new Set(list.map((l) => l.se))];
    if (entries.length < 2) continue;
    const conflict = new Set(list.map((l) => l.protocol)).size > 1;
    for (const se of entries) {
      index.report(se, conflict ? 'KIA1212' : 'KIA1211', Severity.WARNING,
        `ServiceEntries ${entries.map((e) => `${e.namespace}/${e.name}`).join(', ')} all define ${key}${conflict ? ' with different protocols' : ''}`,
        'define each host and port in one ServiceEntry');
    }
  }
  checkExportTo(index);
}

/** KIA0005: an exportTo entry names a namespace the app does not define. */
function checkExportTo(index: MeshIndex): void {
  for (const kind of ['VirtualService', 'DestinationRule', 'ServiceEntry']) {
    for (const e of index.of(kind)) {
      for (const ns of (e.spec.exportTo ?? []) as string[]) {
        if (ns === '.' || ns === '*' || ns === '~' || index.namespaceExists(ns)) continue;
        index.report(e, 'KIA0005', Severity.ERROR, `exportTo namespace "${ns}" is not defined`,
          'create the Namespace, or fix the name in exportTo');
      }
    }
  }
}
