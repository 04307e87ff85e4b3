import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { assumedObjects } from '../analysis/assumed-objects';
import { appendTo } from '../core/collections';
import { ISTIO_GATEWAY_CLASSES, WAYPOINT_CLASS } from '../core/gateway-classes';
import { identityOf, principalIdentity } from '../core/principal';

/**
 * A picture of a synthesized mesh, as Mermaid in Markdown (renders in pull requests): gateways
 * and their routes, services by namespace (with versions), which workload may call which
 * (from ALLOW AuthorizationPolicies), the mTLS mode of each namespace, and external hosts.
 */
export class MeshDiagram {
  /**
   * The diagram (a Markdown document) of every object of every chart of `app`, with the services,
   * namespaces and gateways the app references outside itself (`fromServiceAttributes`, installed gateways).
   */
  public static fromApp(app: App): string {
    return MeshDiagram.fromObjects([...app.charts.flatMap((c) => c.toJson()), ...assumedObjects(app)]);
  }

  /**
   * Writes the diagram of `app` next to its YAML (`<outdir>/<fileName>`); call it after `app.synth()`.
   * @returns the file written
   */
  public static writeToOutdir(app: App, fileName: string = 'mesh-diagram.md'): string {
    const file = path.join(app.outdir, fileName);
    fs.mkdirSync(app.outdir, { recursive: true });
    fs.writeFileSync(file, MeshDiagram.fromApp(app));
    return file;
  }

  /** The diagram of plain Kubernetes / Istio / Gateway API objects (e.g. parsed from YAML). */
  public static fromObjects(objects: any[]): string {
    // Empty YAML documents parse to null.
    objects = objects.filter((o) => o !== null && typeof o === 'object');
    const legend = objects.some(isGatewayApi) ? `${LEGEND} ${GATEWAY_API_LEGEND}` : LEGEND;
    return `# Mesh diagram\n\n\`\`\`mermaid\n${new Renderer(objects).render()}\`\`\`\n\n${legend}\n`;
  }

  private constructor() {}
}

const LEGEND = 'Legend: `==>` gateway route (path), `-->` allowed caller (AuthorizationPolicy), `-.->` declared egress (Sidecar), '
  + 'hexagons are gateways, stadiums external hosts; namespace titles show the mTLS mode.';

const GATEWAY_API_LEGEND = 'Gateway API: `==>` also an HTTPRoute, GRPCRoute or TLSRoute (from a Gateway, or from the Service an in-mesh route belongs to, '
  + 'with its weights), `--o` a service that uses a waypoint; namespace titles show ambient mode.';

/** Builds the Mermaid text; every list is sorted so the output is deterministic. */
class Renderer {
  private readonly lines: string[] = ['flowchart LR'];
  private readonly nodes = new Map<string, { ns: string; text: string; shape: string }>();
  private readonly edges = new Set<string>();
  /** Service host (`name.ns.svc.cluster.local`) → node id. */
  private readonly hosts = new Map<string, string>();
  /** Identity `ns/<ns>/sa/<sa>` (a principal without its trust domain) → node ids of workloads running as it. */
  private readonly identities = new Map<string, string[]>();
  /** Node and subgraph ids by namespace and key, and the ids taken (`a-b/c` and `a/b-c` read alike). */
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly objects: any[]) {}

  public render(): string {
    const of = (kind: string) => this.objects.filter((o) => o.kind === kind && !isGatewayApi(o));
    const gatewayApi = (kind: string) => this.objects.filter((o) => o.kind === kind && isGatewayApi(o));
    const ns = (o: any) => o.metadata?.namespace ?? 'default';
    const deployments = of('Deployment');
    const subsets = new Map<string, string[]>();
    for (const dr of of('DestinationRule')) {
      subsets.set(this.fqdn(dr.spec?.host, ns(dr)), (dr.spec?.subsets ?? []).map((s: any) => s.name));
    }

    for (const svc of of('Service')) {
      if (isGatewayService(svc, deployments)) continue;
      const host = `${svc.metadata.name}.${ns(svc)}.svc.cluster.local`;
      const versions = subsets.get(host) ?? [];
      const ports = (svc.spec?.ports ?? []).map((p: any) => p.port).join(',');
      const id = this.node(ns(svc), `svc:${svc.metadata.name}`, `${svc.metadata.name} :${ports}${versions.length ? `<br/>${versions.join(', ')}` : ''}`, 'box');
      this.hosts.set(host, id);
      for (const d of deployments.filter((dep) => ns(dep) === ns(svc) && selects(svc.spec?.selector, dep.spec?.template?.metadata?.labels))) {
        this.addIdentity(identityOf(ns(d), d.spec.template.spec?.serviceAccountName ?? 'default'), id);
      }
    }

    for (const gw of of('Gateway')) {
      const servers = (gw.spec?.servers ?? []).map((s: any) => `${s.port?.protocol} ${s.port?.number}`).join(', ');
      const id = this.node(ns(gw), `gw:${gw.metadata.name}`, `${gw.metadata.name}<br/>${servers}`, 'hexagon');
      for (const d of deployments.filter((dep) => ns(dep) === ns(gw) && selects(gw.spec?.selector, dep.spec?.template?.metadata?.labels))) {
        this.addIdentity(identityOf(ns(d), d.spec.template.spec?.serviceAccountName ?? 'default'), id);
      }
    }

    this.renderGatewayApi(gatewayApi, of('Service'), ns);

    for (const vs of of('VirtualService')) {
      for (const gwRef of vs.spec?.gateways ?? []) {
        const [gwNs, gwName] = gwRef.includes('/') ? gwRef.split('/') : [ns(vs), gwRef];
        const from = this.ids.get(idKey(gwNs, `gw:${gwName}`));
        if (!from) continue;
        for (const rule of [...vs.spec?.http ?? [], ...vs.spec?.tls ?? []]) {
          const label = describeMatch(rule.match);
          for (const r of rule.route ?? []) {
            const to = this.hosts.get(this.fqdn(r.destination?.host, ns(vs)));
            if (to) this.edge(from, '==>', to, label);
          }
        }
      }
    }

    for (const ap of of('AuthorizationPolicy')) {
      if ((ap.spec?.action ?? 'ALLOW') !== 'ALLOW') continue;
      const targets = ap.spec?.targetRefs ? this.refTargets(ap) : this.policyTargets(ap, deployments);
      for (const rule of ap.spec?.rules ?? []) {
        for (const from of rule.from ?? []) {
          for (const p of from.source?.principals ?? []) {
            const callers = this.identities.get(principalIdentity(p)) ?? [];
            for (const caller of callers) for (const t of targets) this.edge(caller, '-->', t);
          }
        }
      }
    }

    for (const se of of('ServiceEntry')) {
      for (const host of se.spec?.hosts ?? []) this.hosts.set(host, this.node('external hosts', `ext:${host}`, host, 'stadium'));
    }
    for (const sc of of('Sidecar')) {
      const owners = deployments.filter((d) => ns(d) === ns(sc) && selects(sc.spec?.workloadSelector?.labels, d.spec?.template?.metadata?.labels));
      const from = [...new Set(owners.map((d) => this.workloadNode(ns(d), d)).filter((x): x is string => !!x))];
      for (const e of sc.spec?.egress ?? []) {
        for (const h of e.hosts ?? []) {
          const to = this.hosts.get(h.split('/')[1]);
          if (to?.startsWith('ext_')) for (const f of from) this.edge(f, '-.->', to);
        }
      }
    }

    this.renderNodes(of('PeerAuthentication'), of('AuthorizationPolicy'), of('Namespace'));
    this.lines.push(...[...this.edges].sort());
    return this.lines.join('\n') + '\n';
  }

  /** Gateway API Gateways (ingress and waypoints) with their identities, routes, and the services that use waypoints. */
  private renderGatewayApi(of: (kind: string) => any[], services: any[], ns: (o: any) => string) {
    for (const gw of of('Gateway')) {
      const cls = gw.spec?.gatewayClassName;
      const waypoint = cls === WAYPOINT_CLASS;
      const listeners = (gw.spec?.listeners ?? []).map((l: any) => `${l.protocol} ${l.port}`).join(', ');
      const id = this.node(ns(gw), `gw:${gw.metadata.name}`, `${gw.metadata.name}<br/>${waypoint ? 'waypoint' : cls}: ${listeners}`, 'hexagon');
      // The classes whose pods istiod deploys run them as ServiceAccount <name>, or <name>-<class> for `istio`.
      const deployed = ISTIO_GATEWAY_CLASSES.get(cls);
      if (deployed?.managed) this.addIdentity(identityOf(ns(gw), deployed.suffixed ? `${gw.metadata.name}-${cls}` : gw.metadata.name), id);
    }
    const nsWaypoint = new Map(this.objects.filter((o) => o.kind === 'Namespace').map((n) => [n.metadata?.name, n.metadata?.labels?.['istio.io/use-waypoint']]));
    for (const svc of services) {
      const labels = svc.metadata?.labels ?? {};
      const name = labels['istio.io/use-waypoint'] ?? nsWaypoint.get(ns(svc));
      const waypointNs = labels['istio.io/use-waypoint-namespace'] ?? ns(svc);
      const from = this.hosts.get(`${svc.metadata.name}.${ns(svc)}.svc.cluster.local`);
      const to = nodeId(waypointNs, `gw:${name}`);
      if (name && name !== 'none' && from && this.nodes.has(to)) this.edge(from, '--o', to);
    }
    for (const route of [...of('HTTPRoute'), ...of('GRPCRoute'), ...of('TLSRoute')]) {
      for (const ref of route.spec?.parentRefs ?? []) {
        const parentNs = ref.namespace ?? ns(route);
        const from = ref.kind === 'Service' ? this.hosts.get(`${ref.name}.${parentNs}.svc.cluster.local`) : nodeId(parentNs, `gw:${ref.name}`);
        if (!from || !this.nodes.has(from)) continue;
        for (const rule of route.spec?.rules ?? []) {
          const label = describeRouteMatch(route.kind, rule.matches, route.spec?.hostnames);
          const backends = rule.backendRefs ?? [];
          const total = backends.reduce((sum: number, b: any) => sum + (b.weight ?? 1), 0);
          for (const b of backends) {
            const to = this.hosts.get(`${b.name}.${b.namespace ?? ns(route)}.svc.cluster.local`);
            const share = backends.length > 1 ? ` ${Math.round(((b.weight ?? 1) / total) * 100)}%` : '';
            if (to) this.edge(from, '==>', to, `${label}${share}`);
          }
        }
      }
    }
  }

  /** The nodes an AuthorizationPolicy attached with targetRefs applies to: the Services or waypoints it names. */
  private refTargets(ap: any): string[] {
    const ns = ap.metadata?.namespace ?? 'default';
    return (ap.spec.targetRefs as any[])
      .map((r) => (r.kind === 'Service' ? this.hosts.get(`${r.name}.${ns}.svc.cluster.local`) : nodeId(ns, `gw:${r.name}`)))
      .filter((id): id is string => !!id && this.nodes.has(id));
  }

  private renderNodes(peerAuths: any[], policies: any[], namespaces: any[]) {
    const byNs = new Map<string, string[]>();
    for (const [id, n] of this.nodes) appendTo(byNs, n.ns, id);
    const meshMode = peerAuths.find((p) => !p.spec?.selector && p.metadata?.namespace === 'istio-system')?.spec?.mtls?.mode;
    for (const ns of [...byNs.keys()].sort()) {
      let title = ns;
      if (ns !== 'external hosts') {
        const own = peerAuths.find((p) => !p.spec?.selector && p.metadata?.namespace === ns)?.spec?.mtls?.mode;
        if (namespaces.some((n) => n.metadata?.name === ns && n.metadata?.labels?.['istio.io/dataplane-mode'] === 'ambient')) title += ' · ambient';
        title += ` · mTLS ${own ?? meshMode ?? 'PERMISSIVE (default)'}`;
        if (policies.some((p) => p.metadata?.namespace === ns && !p.spec?.selector && !p.spec?.rules && (p.spec?.action ?? 'ALLOW') === 'ALLOW')) {
          title += ' · deny by default';
        }
      }
      this.lines.push(`  subgraph ${this.idOf(ns, 'ns')}["${title}"]`);
      for (const id of byNs.get(ns)!.sort()) {
        const { text, shape } = this.nodes.get(id)!;
        const [open, close] = SHAPES[shape];
        this.lines.push(`    ${id}${open}"${text}"${close}`);
      }
      this.lines.push('  end');
    }
  }

  private policyTargets(ap: any, deployments: any[]): string[] {
    const ns = ap.metadata?.namespace ?? 'default';
    const labels = ap.spec?.selector?.matchLabels;
    const ids = deployments
      .filter((d) => (d.metadata?.namespace ?? 'default') === ns && (!labels || selects(labels, d.spec?.template?.metadata?.labels)))
      .map((d) => this.workloadNode(ns, d))
      .filter((x): x is string => !!x);
    return [...new Set(ids)];
  }

  /** The node of the service or gateway that a Deployment's pods belong to. */
  private workloadNode(ns: string, d: any): string | undefined {
    return this.identities.get(identityOf(ns, d.spec?.template?.spec?.serviceAccountName ?? 'default'))?.[0];
  }

  private node(ns: string, key: string, text: string, shape: string): string {
    const id = this.idOf(ns, key);
    this.nodes.set(id, { ns, text: text.replace(/"/g, '#quot;'), shape });
    return id;
  }

  /** The id of a node or subgraph: readable, numbered when another namespace and key already read the same. */
  private idOf(ns: string, key: string): string {
    let id = this.ids.get(idKey(ns, key));
    if (!id) {
      const base = nodeId(ns, key);
      id = base;
      for (let n = 2; this.taken.has(id); n++) id = `${base}_${n}`;
      this.ids.set(idKey(ns, key), id);
      this.taken.add(id);
    }
    return id;
  }

  private addIdentity(principal: string, id: string) {
    const list = this.identities.get(principal) ?? [];
    if (!list.includes(id)) list.push(id);
    this.identities.set(principal, list.sort());
  }

  private edge(from: string, arrow: string, to: string, label?: string) {
    this.edges.add(`  ${from} ${arrow}${label ? `|"${label.replace(/"/g, '#quot;')}"|` : ''} ${to}`);
  }

  private fqdn(host: string | undefined, ns: string): string {
    if (!host) return '';
    const parts = host.split('.');
    return parts.length === 1 ? `${host}.${ns}.svc.cluster.local` : parts.length === 2 ? `${host}.svc.cluster.local` : host;
  }
}

const SHAPES: Record<string, [string, string]> = { box: ['[', ']'], hexagon: ['{{', '}}'], stadium: ['([', '])'] };

function idKey(ns: string, key: string): string {
  return `${ns}/${key}`;
}

function nodeId(ns: string, key: string): string {
  return `${key.split(':')[0]}_${`${ns}_${key.split(':').slice(1).join(':')}`.replace(/[^A-Za-z0-9]/g, '_')}`.replace(/_+$/, '');
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !labels || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function isGatewayService(svc: any, deployments: any[]): boolean {
  return deployments.some((d) => (d.metadata?.namespace) === svc.metadata?.namespace
    && d.spec?.template?.metadata?.annotations?.['inject.istio.io/templates'] === 'gateway'
    && selects(svc.spec?.selector, d.spec?.template?.metadata?.labels));
}

function isGatewayApi(o: any): boolean {
  return String(o?.apiVersion).startsWith('gateway.networking.k8s.io/');
}

/** A Gateway API route's matches as a short label (paths, gRPC methods, SNI hosts). */
function describeRouteMatch(kind: string, matches: any[] | undefined, hostnames: string[] | undefined): string {
  if (kind === 'TLSRoute') return `SNI ${(hostnames ?? []).join(',')}`;
  if (!matches?.length) return '/*';
  return matches.map((m) => {
    if (kind === 'GRPCRoute') return m.method ? `${m.method.service ?? '*'}/${m.method.method ?? '*'}` : '*';
    const p = m.path;
    return !p ? '*' : p.type === 'PathPrefix' ? `${p.value}*` : p.type === 'Exact' ? p.value : `~${p.value}`;
  }).join(' | ');
}

function describeMatch(match: any[] | undefined): string {
  if (!match?.length) return '/*';
  return match.map((m) => {
    if (m.sniHosts) return `SNI ${m.sniHosts.join(',')}`;
    const uri = m.uri ?? {};
    return uri.prefix ? `${uri.prefix}*` : uri.exact ?? (uri.regex ? `~${uri.regex}` : '*');
  }).join(' | ');
}
