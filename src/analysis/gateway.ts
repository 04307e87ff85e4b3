import { X509Certificate } from 'crypto';
import { Severity } from './finding';
import { Entry, HostIndex, MeshIndex, matchesLabels, push, selectorKey } from './mesh-index';
import { isPlainObject } from '../core/json';

interface Server { readonly gw: Entry; readonly server: any; readonly index: number }

/** Gateway selectors and ports (IST0101, IST0162), duplicate certificates (IST0138), conflicts (IST0145, KIA0301), port names (KIA0601). */
export function checkGateways(index: MeshIndex): void {
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
        for (const svc of index.workloadServices(pod)) {
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
    const groups = selectorGroups(servers);
    for (const a of servers) {
      // The first server of another gateway whose selector has every label of a's.
      let other: Server | undefined;
      let at = Infinity;
      for (const g of groups) {
        const b = g.first.gw !== a.gw ? g.first : g.otherGateway;
        const i = b === g.first ? g.firstAt : g.otherAt;
        if (b && i < at && isSuperset(b.gw.spec.selector, a.gw.spec.selector)) [other, at] = [b, i];
      }
      if (other) {
        index.report(a.gw, 'IST0138', Severity.WARNING,
          `server ${a.index} uses the same certificate as a server of gateway ${other.gw.namespace}/${other.gw.name} on the same pods: one of them loses its TLS routes (HTTP/2 connection reuse)`,
          'give each Gateway its own certificate, or merge the servers into one Gateway');
      }
    }
  }

  for (const servers of byBucket.values()) checkOverlaps(index, servers);
  checkConflicts(index, [...byBucket.values()].flat());
  checkCredentials(index);
}

/** Servers of gateways with the same selector labels: the first, and the first of another gateway than the first's, with their positions. */
interface SelectorGroup { readonly first: Server; readonly firstAt: number; otherGateway?: Server; otherAt: number }

/**
 * The servers grouped by the labels of their gateway's selector, so that finding the first server of
 * another gateway with a selector costs the number of distinct selectors, not of servers.
 */
function selectorGroups(servers: Server[]): SelectorGroup[] {
  const groups = new Map<string, SelectorGroup>();
  servers.forEach((s, i) => {
    const selector = s.gw.spec.selector;
    const entries = Object.entries(selector ?? {});
    // Only plain string labels are compared by their text; any other selector is a group of its own.
    const plain = (selector == null || isPlainObject(selector)) && entries.every(([, v]) => typeof v === 'string');
    const key = plain ? JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : 1))) : `#${i}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: s, firstAt: i, otherAt: Infinity });
    } else if (!group.otherGateway && s.gw !== group.first.gw) {
      group.otherGateway = s;
      group.otherAt = i;
    }
  });
  return [...groups.values()];
}

/**
 * IST0145: a server whose port, bind and a host another Gateway also serves on the same pods: the
 * same selector, or selectors that both pick a workload.
 */
function checkConflicts(index: MeshIndex, servers: Server[]): void {
  const byHost = new Map<string, Server[]>();
  for (const s of servers) for (const h of s.server?.hosts ?? []) push(byHost, `${s.server?.port?.number}|${s.server?.bind ?? ''}|${h}`, s);
  const samePods = new Map<string, boolean>();
  const share = (a: Entry, b: Entry) => {
    const ka = selectorKey(a.spec.selector);
    const kb = selectorKey(b.spec.selector);
    if (ka === kb) return true;
    const pair = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
    let shared = samePods.get(pair);
    if (shared === undefined) {
      const merged = { ...a.spec.selector, ...b.spec.selector };
      // Selectors that want different values of one label select disjoint pods.
      shared = matchesLabels(a.spec.selector, merged) && index.selectWorkloads(merged).length > 0;
      samePods.set(pair, shared);
    }
    return shared;
  };
  for (const s of servers) {
    const others = new Set<Entry>();
    const hosts = new Set<string>();
    for (const h of s.server?.hosts ?? []) {
      for (const o of byHost.get(`${s.server.port?.number}|${s.server.bind ?? ''}|${h}`) ?? []) {
        if (o.gw === s.gw || !share(s.gw, o.gw)) continue;
        others.add(o.gw);
        hosts.add(h);
      }
    }
    if (others.size === 0) continue;
    index.report(s.gw, 'IST0145', Severity.ERROR,
      `server ${s.index} conflicts with gateway ${[...others].map((g) => `${g.namespace}/${g.name}`).sort().join(', ')}: same pods, port ${s.server.port?.number} and host ${[...hosts].map((h) => `"${h}"`).join(', ')}`,
      'merge the Gateways, or give them different hosts, ports or selectors');
  }
}

/**
 * A TLS server's `credentialName` Secret, read from the namespace of the gateway's pods: missing
 * (IST0101, decided only when the objects hold TLS Secrets of that namespace, which are otherwise
 * cluster state) or without a usable certificate and key (IST0161).
 */
function checkCredentials(index: MeshIndex): void {
  for (const gw of index.of('Gateway')) {
    const namespace = index.selectWorkloads(gw.spec.selector ?? {})[0]?.namespace;
    if (namespace === undefined) continue;
    const missing = new Set<string>();
    const invalid: string[] = [];
    for (const server of gw.spec.servers ?? []) {
      const cn = server?.tls?.credentialName;
      if (typeof cn !== 'string' || !cn || cn.includes('://')) continue;
      const [ns, name] = cn.includes('/') ? cn.split('/', 2) : [namespace, cn];
      const secret = index.get('Secret', ns, name);
      if (!secret) {
        // A Secret beside the Gateway, when its pods run elsewhere (an installed gateway), is the usual slip.
        if (index.inNamespace('Secret', ns).some(isCredential) || (!cn.includes('/') && ns !== gw.namespace && index.get('Secret', gw.namespace, name))) missing.add(cn);
        continue;
      }
      const problem = credentialProblem(secret);
      if (problem) invalid.push(`Secret ${ns}/${name}: ${problem}`);
    }
    for (const cn of missing) {
      const beside = !cn.includes('/') && namespace !== gw.namespace && index.get('Secret', gw.namespace, cn) ? ` (a Secret ${gw.namespace}/${cn} exists beside the Gateway, but the gateway reads its own namespace)` : '';
      index.report(gw, 'IST0101', Severity.ERROR, `referenced credentialName not found: "${cn}" (no Secret ${cn.includes('/') ? cn : `${namespace}/${cn}`}, the namespace of the gateway's pods)${beside}`,
        `create the TLS Secret in namespace "${namespace}", or fix credentialName`);
    }
    if (invalid.length) {
      index.report(gw, 'IST0161', Severity.ERROR, `the credential of the gateway is invalid (${invalid.join('; ')}): TLS handshakes fail`,
        'put a PEM certificate that is valid now and its key in the Secret, as tls.crt and tls.key (or cert and key)');
    }
  }
}

/** Whether a Secret is meant as a TLS credential (its type, or a certificate key). */
function isCredential(secret: Entry): boolean {
  const keys = Object.keys(secretData(secret));
  return secret.obj.type === 'kubernetes.io/tls' || keys.includes('tls.crt') || keys.includes('cert');
}

/**
 * What keeps a Secret from serving as a gateway credential (Istio's `ExtractCertInfo` and
 * `ValidateCertificate`): no non-empty cert/key or tls.crt/tls.key pair, a first PEM block that is
 * not a certificate, or a certificate outside its validity period. Undefined when it is usable.
 */
function credentialProblem(secret: Entry): string | undefined {
  const data = secretData(secret);
  const pair = [['cert', 'key'], ['tls.crt', 'tls.key']].find(([c, k]) => data[c] && data[k]);
  if (!pair) return 'it has no non-empty cert and key, nor tls.crt and tls.key';
  const block = /-----BEGIN ([^-]+)-----[\s\S]*?-----END \1-----/.exec(String(data[pair[0]]));
  if (!block) return `${pair[0]} is not PEM`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block[0]);
  } catch {
    return `${pair[0]} is not a certificate`;
  }
  const now = Date.now();
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return `the certificate is valid from ${cert.validFrom} to ${cert.validTo} only`;
  return undefined;
}

/** A Secret's data as the API server stores it: `data` base64-decoded, with `stringData` over it. */
function secretData(secret: Entry): Record<string, string> {
  const data = isPlainObject(secret.obj.data) ? secret.obj.data : {};
  const decoded = Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '']);
  return { ...Object.fromEntries(decoded), ...(isPlainObject(secret.obj.stringData) ? secret.obj.stringData : {}) };
}

/** KIA0301: hosts of different Gateways on the same selector and port overlap (wildcards included). */
function checkOverlaps(index: MeshIndex, servers: Server[]): void {
  const hosts = servers.flatMap((s) => ((s.server?.hosts ?? []) as string[]).map((raw) => {
    const slash = raw.indexOf('/');
    const ns = slash < 0 ? '*' : raw.slice(0, slash) === '.' ? s.gw.namespace : raw.slice(0, slash);
    return { s, ns, host: (slash < 0 ? raw : raw.slice(slash + 1)).toLowerCase() };
  }));
  if (new Set(hosts.map((h) => h.s.gw)).size < 2) return;
  // Hosts that overlap also match as Istio hosts: look those up instead of scanning them all.
  const byHost = new HostIndex<typeof hosts[number]>();
  for (const h of hosts) byHost.add(h.host, h);
  const reported = new Set<Entry>();
  for (const a of hosts) {
    if (reported.has(a.s.gw)) continue;
    const b = byHost.matching(a.host).find((o) => o.s.gw !== a.s.gw && (o.ns === a.ns || o.ns === '*' || a.ns === '*') && overlaps(a.host, o.host));
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
