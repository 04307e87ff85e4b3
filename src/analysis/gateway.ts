import { Severity } from './finding';
import { Entry, MeshIndex, push, selectorKey } from './mesh-index';

interface Server { readonly gw: Entry; readonly server: any; readonly index: number }

/** Gateway selectors and ports (IST0101, IST0162), duplicate certificates (IST0138), conflicts (IST0145, KIA0301), port names (KIA0601). */
export function checkGateways(index: MeshIndex): void {
  const servicesByNs = new Map<string, Entry[]>();
  for (const svc of index.of('Service')) push(servicesByNs, svc.namespace, svc);
  const byCert = new Map<string, Server[]>();
  const byBucket = new Map<string, Server[]>();

  for (const gw of index.of('Gateway')) {
    const selector = gw.spec.selector ?? {};
    const pods = index.selectWorkloads(selector);
    if (pods.length === 0) {
      index.report(gw, 'IST0101', Severity.ERROR, `referenced selector not found: no workload has the labels ${selectorKey(selector) || '(empty selector)'}`,
        'deploy the gateway (e.g. an IngressGateway) with these pod labels, or fix spec.selector');
    } else {
      const ports = new Set<number>();
      for (const pod of pods) {
        for (const svc of servicesByNs.get(pod.namespace) ?? []) {
          if (!index.serviceWorkloads(svc).includes(pod)) continue;
          for (const p of svc.spec.ports ?? []) {
            if ((p?.protocol ?? 'TCP') !== 'TCP') continue;
            ports.add(p.port);
            if (typeof p.targetPort === 'number') ports.add(p.targetPort);
          }
        }
      }
      for (const s of gw.spec.servers ?? []) {
        const n = s?.port?.number;
        if (typeof n === 'number' && !ports.has(n)) {
          index.report(gw, 'IST0162', Severity.WARNING, `server port ${n} is not a port or targetPort of any Service in front of the gateway pods: traffic cannot reach it`,
            `add port ${n} to the gateway's Service, or use one of its ports (${[...ports].sort((a, b) => a - b).join(', ') || 'none'})`);
        }
      }
    }
    ((gw.spec.servers ?? []) as any[]).forEach((server, i) => {
      const s = { gw, server, index: i };
      const tls = server?.tls;
      if (tls) {
        if (tls.credentialName) push(byCert, `cred:${tls.credentialName}`, s);
        else if (tls.serverCertificate && tls.privateKey) push(byCert, `file:${tls.serverCertificate}|${tls.privateKey}`, s);
      }
      push(byBucket, `${selectorKey(selector)}~${server?.port?.number}`, s);
      checkPortName(index, gw, server);
    });
  }

  for (const servers of byCert.values()) {
    for (const a of servers) {
      const other = servers.find((b) => b.gw !== a.gw && isSuperset(b.gw.spec.selector, a.gw.spec.selector));
      if (other) {
        index.report(a.gw, 'IST0138', Severity.WARNING,
          `server ${a.index} uses the same certificate as a server of gateway ${other.gw.namespace}/${other.gw.name} on the same pods: one of them loses its TLS routes (HTTP/2 connection reuse)`,
          'give each Gateway its own certificate, or merge the servers into one Gateway');
      }
    }
  }

  for (const servers of byBucket.values()) {
    checkConflicts(index, servers);
    checkOverlaps(index, servers);
  }
}

/** IST0145: another Gateway with the same selector and port has the exact same host and bind. */
function checkConflicts(index: MeshIndex, servers: Server[]): void {
  const byHost = new Map<string, Server[]>();
  for (const s of servers) for (const h of s.server?.hosts ?? []) push(byHost, `${s.server.bind ?? ''}|${h}`, s);
  const reported = new Set<string>();
  for (const [key, list] of byHost) {
    const gateways = [...new Set(list.map((s) => s.gw))];
    if (gateways.length < 2) continue;
    for (const gw of gateways) {
      const id = `${gw.resource}|${key}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const others = gateways.filter((g) => g !== gw).map((g) => `${g.namespace}/${g.name}`).join(', ');
      index.report(gw, 'IST0145', Severity.ERROR,
        `conflicts with gateway ${others}: same selector, port ${list[0].server.port?.number} and host "${key.split('|')[1]}"`,
        'merge the Gateways, or give them different hosts, ports or selectors');
    }
  }
}

/** KIA0301: hosts of different Gateways on the same selector and port overlap (wildcards included). */
function checkOverlaps(index: MeshIndex, servers: Server[]): void {
  const hosts = servers.flatMap((s) => ((s.server?.hosts ?? []) as string[]).map((raw) => {
    const slash = raw.indexOf('/');
    const ns = slash < 0 ? '*' : raw.slice(0, slash) === '.' ? s.gw.namespace : raw.slice(0, slash);
    return { s, ns, host: (slash < 0 ? raw : raw.slice(slash + 1)).toLowerCase() };
  }));
  if (new Set(hosts.map((h) => h.s.gw)).size < 2) return;
  const reported = new Set<Entry>();
  for (const a of hosts) {
    if (reported.has(a.s.gw)) continue;
    const b = hosts.find((o) => o.s.gw !== a.s.gw && (o.ns === a.ns || o.ns === '*' || a.ns === '*') && overlaps(a.host, o.host));
    if (b) {
      reported.add(a.s.gw);
      index.report(a.s.gw, 'KIA0301', Severity.WARNING,
        `host "${a.host}" on port ${a.s.server.port?.number} overlaps host "${b.host}" of gateway ${b.s.gw.namespace}/${b.s.gw.name} on the same pods`,
        'give each host to one Gateway only');
    }
  }
}

function overlaps(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  const aw = a.startsWith('*.');
  const bw = b.startsWith('*.');
  if (aw && bw) return false;
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return false;
}

/** KIA0601: a Gateway port name starts with its (lower-cased) protocol, except TCP and UDP. */
function checkPortName(index: MeshIndex, gw: Entry, server: any): void {
  const protocol = String(server?.port?.protocol ?? '').toLowerCase();
  const name = String(server?.port?.name ?? '');
  if (!protocol || protocol === 'tcp' || protocol === 'udp') return;
  if (name !== protocol && !name.startsWith(`${protocol}-`)) {
    index.report(gw, 'KIA0601', Severity.WARNING, `server port name "${name}" does not follow <protocol>[-suffix] for protocol ${server.port.protocol}`,
      `name it "${protocol}" or "${protocol}-<suffix>"`);
  }
}

/** Whether `a` has every label of `b` (an empty `b` is a subset of anything). */
function isSuperset(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return Object.entries(b ?? {}).every(([k, v]) => (a ?? {})[k] === v);
}
