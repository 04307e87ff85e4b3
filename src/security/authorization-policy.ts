import { Construct, IConstruct } from 'constructs';
import { PolicyTargetOptions, policyTarget } from './policy-target';
import { authorizationL7, checkAuthorizationAttribute } from '../core/authz-attributes';
import { checkEnum, checkInstance, checkList, checkNamespaceRef, checkProps, checkString } from '../core/check';
import { security } from '../core/l1';
import { checkDnsLabel, checkDnsSubdomain, checkRange, isCidr, isIp } from '../core/names';
import { IMeshIdentity, checkNoSpiffeScheme, servicePrincipal } from '../core/principal';
import type * as l1 from '../imports/security.istio.io';
import { Attachment, attachPolicy, authorizationNeedsWaypoint, ingressBypass, noWaypoint, ztunnelCompanion } from '../platform/ambient-policy';
import { DataplaneMode, isAmbient, recordAllowPolicy } from '../platform/dataplane';
import type { IMeshNamespace } from '../platform/mesh-namespace';
import { recordHttpDenyRule } from '../platform/namespace-deny';
import { ingressUsesWaypoint, namespaceIngressUsesWaypoint } from '../platform/waypoint-enrollment';
import { checkMethod } from '../traffic/http-match';
import { MeshServiceBase, checkIdentity } from '../workloads/mesh-service-base';

/** What an AuthorizationPolicy does with the requests its rules match. */
export enum AuthorizationAction {
  /** Allow them; once a workload has an ALLOW policy, everything else is denied. */
  ALLOW = 'ALLOW',
  /** Deny them (evaluated before ALLOW). */
  DENY = 'DENY',
  /** Log them (needs an audit provider). */
  AUDIT = 'AUDIT',
  /** Delegate the decision to an external authorizer (`provider`). */
  CUSTOM = 'CUSTOM',
}

/**
 * Who sends a request. The fields of one `Source` must all hold; combine with `and()`.
 */
export class Source {
  /** Calls from these mesh services or gateways (their SPIFFE principals). */
  public static services(...services: IMeshIdentity[]): Source {
    services.forEach((s, i) => checkIdentity('Source.services', i, s));
    const source = Source.principals(...services.map((s) => s.principal));
    // Gateways run proxies of their own, whatever their namespace's data plane.
    source.callers.push(...callerNamespaces(services.filter((s) => s instanceof MeshServiceBase).map((s) => (s as MeshServiceBase).namespace)));
    source.gateways.push(...services.filter((s) => !(s instanceof MeshServiceBase)).map((s) => (s as Partial<IConstruct>).node?.path ?? s.principal));
    return source;
  }

  /** Calls from a service account of a mesh namespace (for workloads not built with MeshService). */
  public static serviceAccount(namespace: IMeshNamespace, name: string): Source {
    checkNamespaceRef('Source.serviceAccount', 'namespace', namespace);
    checkDnsSubdomain('Source.serviceAccount', 'service account name', checkString('Source.serviceAccount', 'name', name));
    const source = Source.principals(servicePrincipal(namespace.platform.trustDomain, withSidecars('Source.serviceAccount', namespace).name, name));
    source.callers.push(...callerNamespaces([namespace]));
    return source;
  }

  /** Calls from these peer principals (`<trust domain>/ns/<namespace>/sa/<service account>`). */
  public static principals(...principals: string[]): Source {
    for (const p of principals) {
      if (typeof p === 'string') checkNoSpiffeScheme('Source.principals', p);
      // Istio matches principals whole, or with a `*` prefix or suffix.
      if (typeof p === 'string' && p !== '' && !p.includes('/') && !p.includes('*')) {
        throw new Error(`Source.principals: "${p}" is not a principal, which reads <trust domain>/ns/<namespace>/sa/<service account>, so it would never match: `
          + 'use Source.services(...) or Source.serviceAccount(namespace, name)');
      }
    }
    return new Source({ principals: nonEmpty('Source.principals', principals) });
  }

  /** Calls from workloads of these namespaces. */
  public static namespaces(...namespaces: IMeshNamespace[]): Source {
    namespaces.forEach((n, i) => checkNamespaceRef('Source.namespaces', `namespaces[${i}]`, n));
    const source = new Source({ namespaces: nonEmpty('Source.namespaces', namespaces.map((n) => withSidecars('Source.namespaces', n).name)) });
    source.callers.push(...callerNamespaces(namespaces));
    return source;
  }

  /** Calls from these source IP addresses or CIDR ranges. */
  public static ipBlocks(...blocks: string[]): Source {
    for (const b of blocks) if (typeof b !== 'string' || (!isIp(b) && !isCidr(b))) throw new Error(`Source.ipBlocks: "${b}" is not an IP address or CIDR range`);
    return new Source({ ipBlocks: nonEmpty('Source.ipBlocks', blocks) });
  }

  /** Requests whose JWT has these principals (`<issuer>/<subject>`; `*` for any valid token). */
  public static requestPrincipals(...principals: string[]): Source {
    return new Source({ requestPrincipals: requestPrincipalList('Source.requestPrincipals', principals) });
  }

  /** Requests with any valid JWT (needs a `JwtAuthentication`). */
  public static authenticated(): Source {
    return new Source({ requestPrincipals: ['*'] });
  }

  /** Requests without a valid JWT. */
  public static unauthenticated(): Source {
    return new Source({ notRequestPrincipals: ['*'] });
  }

  /** The mesh namespaces of the callers named, and their data plane (which proxy carries their traffic). */
  private readonly callers: IMeshNamespace[] = [];
  /** The gateways named (by path): they send through a waypoint only where ingress is enrolled in it. */
  private readonly gateways: string[] = [];

  private constructor(private readonly spec: Record<string, string[]>) {}

  /** A source that requires both this and `other`. */
  public and(other: Source): Source {
    checkInstance('Source.and', 'other', other, Source, 'Source.namespaces(ns)');
    if (other === undefined) throw new Error('Source.and: `other` is required: the source that must hold too');
    const merged: Record<string, string[]> = { ...this.spec };
    for (const [k, v] of Object.entries(other.spec)) {
      if (k in merged) throw new Error(`Source.and: both sources set ${k}: list the values in one factory call`);
      merged[k] = v;
    }
    const source = new Source(merged);
    source.callers.push(...this.callers, ...other.callers);
    source.gateways.push(...this.gateways, ...other.gateways);
    return source;
  }

  /**
   * The names of the ambient namespaces whose workloads this source names.
   * @internal
   */
  public _ambientNamespaces(): string[] {
    return this.namespacesIn(DataplaneMode.AMBIENT);
  }

  /**
   * The names of the sidecar namespaces whose workloads this source names.
   * @internal
   */
  public _sidecarNamespaces(): string[] {
    return this.namespacesIn(DataplaneMode.SIDECAR);
  }

  /**
   * The gateways this source names.
   * @internal
   */
  public _gateways(): string[] {
    return [...new Set(this.gateways)];
  }

  private namespacesIn(mode: DataplaneMode): string[] {
    return [...new Set(this.callers.filter((n) => n.dataplaneMode === mode).map((n) => n.name))];
  }

  /**
   * Istio's Source.
   * @internal
   */
  public _toIstio(): l1.AuthorizationPolicySpecRulesFromSource {
    return this.spec;
  }
}

/** Which requests (the fields must all hold; each list is alternatives, each `not` list exclusions). */
export interface Operation {
  /** Host / :authority values (exact, `*.suffix`, `prefix.*` or `*`). @default - any */
  readonly hosts?: string[];
  /** Hosts excluded (the same forms). @default - none */
  readonly notHosts?: string[];
  /** HTTP methods. @default - any */
  readonly methods?: string[];
  /** HTTP methods excluded. @default - none */
  readonly notMethods?: string[];
  /** Paths (exact, `prefix*`, `*suffix`, or templates: `/api/{*}/items`, `/static/{**}`). @default - any */
  readonly paths?: string[];
  /** Paths excluded (the same forms). @default - none */
  readonly notPaths?: string[];
  /** Workload ports. @default - any */
  readonly ports?: number[];
  /** Workload ports excluded. @default - none */
  readonly notPorts?: number[];
}

/** A condition on request attributes (`when`). */
export class Condition {
  /** A JWT claim has one of these values (needs a `JwtAuthentication`). */
  public static claim(name: string, ...values: string[]): Condition {
    return Condition.nestedClaim([name], ...values);
  }

  /**
   * A claim nested in objects of the JWT (`['realm_access', 'roles']` for
   * `request.auth.claims[realm_access][roles]`) has one of these values (needs a `JwtAuthentication`).
   */
  public static nestedClaim(path: string[], ...values: string[]): Condition {
    checkList('Condition.nestedClaim', 'path', path);
    if (path.length === 0) throw new Error('Condition.nestedClaim: the claim path is empty: name the claim and the claims it nests in');
    for (const name of path) {
      if (typeof name !== 'string' || !/^[A-Za-z0-9_.:/-]+$/.test(name)) throw new Error(`Condition.claim: "${name}" is not a claim name`);
    }
    const key = `request.auth.claims${path.map((n) => `[${n}]`).join('')}`;
    return new Condition(key, nonEmpty(`Condition.claim(${path.join('][')})`, values));
  }

  /** The request principal (`<issuer>/<subject>`) is one of these. */
  public static requestPrincipal(...values: string[]): Condition {
    return new Condition('request.auth.principal', requestPrincipalList('Condition.requestPrincipal', values));
  }

  /** A request header has one of these values. */
  public static header(name: string, ...values: string[]): Condition {
    checkString('Condition.header', 'name', name);
    if (name === '') throw new Error('Condition.header: the header name is empty');
    return new Condition(`request.headers[${String(name).toLowerCase()}]`, nonEmpty(`Condition.header(${name})`, values));
  }

  /** Any other Istio authorization attribute (`key`), e.g. `destination.port`. */
  public static custom(key: string, ...values: string[]): Condition {
    if (!/^[a-z_.]+(\[[^\]]+\])?$/.test(key)) throw new Error(`Condition.custom: "${key}" is not an authorization attribute, e.g. request.auth.audiences`);
    checkAuthorizationAttribute(`Condition.custom(${key})`, key, nonEmpty(`Condition.custom(${key})`, values));
    return new Condition(key, values);
  }

  private constructor(private readonly key: string, private readonly values: string[]) {}

  /**
   * Istio's Condition.
   * @internal
   */
  public _toIstio(): l1.AuthorizationPolicySpecRulesWhen {
    return { key: this.key, values: this.values };
  }
}

/** One rule: requests from any of `from`, to any of `to`, when all of `when` hold. */
export interface AuthorizationRule {
  /** @default - any source */
  readonly from?: Source[];
  /** @default - any operation */
  readonly to?: Operation[];
  /** @default - no conditions */
  readonly when?: Condition[];
}

/** Properties of an `AuthorizationPolicy`. */
export interface AuthorizationPolicyProps extends PolicyTargetOptions {
  /**
   * What to do with matching requests.
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;
  /**
   * The external authorizer (a MeshConfig extension provider), for CUSTOM only.
   * @default - none
   */
  readonly provider?: string;
  /**
   * Rules (add more with `addRule`).
   * @default - none
   */
  readonly rules?: AuthorizationRule[];
  /**
   * Policy name.
   * @default - `<target name>-<construct id>` (distinct from `allowFrom`'s `<service>-allow`)
   */
  readonly name?: string;
}

/**
 * Access control on a namespace, workload, gateway or waypoint: ALLOW, DENY, AUDIT or CUSTOM rules on
 * who calls (services, namespaces, IPs, JWT principals), what (hosts, methods, paths, ports)
 * and when (claims, headers). In ambient mode it is split the way ambient enforces it: L4 rules at
 * ztunnel, L7 rules at the waypoint that serves the target (see `PolicyTargetOptions`).
 */
export class AuthorizationPolicy extends Construct {
  /** The action. */
  public readonly action: AuthorizationAction;
  /** The generated policy (escape hatch). */
  public readonly policy: l1.AuthorizationPolicy;
  /**
   * For an ALLOW policy that an ambient waypoint enforces, its ztunnel side on the target's pods: it
   * lets the waypoint through and holds the L4 rules, for callers that reach the pods directly.
   */
  public readonly ztunnelPolicy?: l1.AuthorizationPolicy;
  private readonly rules: l1.AuthorizationPolicySpecRules[] = [];
  private readonly target: ReturnType<typeof policyTarget>;
  private attachment?: Attachment;
  /** Sidecar namespaces named by the L7 rules (sidecars send to ambient pods past waypoints). */
  private readonly l7SidecarCallers: string[] = [];
  /** Gateways named by the L7 rules (they pass the waypoint unless ingress is enrolled in it). */
  private readonly l7Gateways: string[] = [];

  /** The workload ports the target exposes, when it is one workload or gateway (for the check of `to.ports`). */
  private readonly targetPorts?: { what: string; ports: number[]; tcp?: number[] };
  /** Whether the policy applies to every workload of its namespace. */
  private readonly namespaceWide: boolean;

  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    super(scope, id);
    checkProps(this, props, []);
    this.action = checkEnum(this, 'action', props.action, AuthorizationAction, 'AuthorizationAction') ?? AuthorizationAction.ALLOW;
    const target = policyTarget(this, props);
    this.namespaceWide = props.namespace !== undefined;
    if (props.workload) {
      const ports = props.workload.ports;
      const tcp = ports.filter((p) => !p.protocol.isHttp).map((p) => p.targetPort);
      this.targetPorts = { what: props.workload.node.path, ports: ports.map((p) => p.targetPort), tcp };
    } else if (props.gateway) {
      this.targetPorts = { what: `gateway ${props.gateway.node.path}`, ports: props.gateway.listenPorts };
    }
    if ((this.action === AuthorizationAction.CUSTOM) !== (props.provider !== undefined)) {
      throw new Error(`${this.node.path}: ${props.provider === undefined ? 'CUSTOM needs a `provider` (the external authorizer)' : '`provider` applies only to the CUSTOM action'}`);
    }
    this.target = target;
    if (this.action === AuthorizationAction.ALLOW) recordAllowPolicy(this, target.namespace, props.workload?.name ?? props.gateway?.name);
    (checkList(this, 'rules', props.rules) ?? []).forEach((r) => this.addRule(r));
    const attachment: Attachment = target.ambient
      ? attachPolicy(this, target.ambient, authorizationNeedsWaypoint(this.action, this.rules))
      : { selector: target.matchLabels && { matchLabels: target.matchLabels } };
    this.attachment = attachment;
    const name = checkDnsLabel(this, 'policy name', props.name ?? `${target.name}-${id}`);
    this.policy = new (security().AuthorizationPolicy)(this, 'Resource', {
      metadata: { name, namespace: target.namespace },
      spec: {
        selector: attachment.selector,
        targetRefs: attachment.targetRefs,
        action: this.action as string as l1.AuthorizationPolicySpecAction,
        provider: props.provider ? { name: props.provider } : undefined,
        // The policy keeps a reference to `rules`: rules added later land in it.
        rules: this.rules,
      },
    });
    if (attachment.waypoint && target.ambient && !target.ambient.waypoint && this.action === AuthorizationAction.ALLOW) {
      this.ztunnelPolicy = ztunnelCompanion(this, 'Ztunnel', { name: `${name}-ztunnel`, namespace: target.namespace }, target.ambient, attachment.waypoint, this.rules);
      const service = target.ambient.service;
      this.node.addValidation({
        validate: () => [
          ...this.l7SidecarCallers.length ? [`an L7 rule allows callers of the sidecar namespace${new Set(this.l7SidecarCallers).size > 1 ? 's' : ''} `
            + `${[...new Set(this.l7SidecarCallers)].map((n) => `"${n}"`).join(', ')}, but sidecars send to ambient pods directly, past the waypoint that enforces L7 rules, `
            + 'and ztunnel lets through only the L4 rules: the rule would never allow them; allow them by an L4 rule (who, ports), or run them in ambient mode'] : [],
          ...this.l7Gateways.length && !(service ? ingressUsesWaypoint(service) : namespaceIngressUsesWaypoint(target.ambient!.namespace))
            ? [`an L7 rule allows the gateway${this.l7Gateways.length > 1 ? 's' : ''} ${[...new Set(this.l7Gateways)].join(', ')}, but gateways send to the pods past the waypoint `
              + 'that enforces L7 rules unless ingress is enrolled in it, and ztunnel lets through only the L4 rules: the rule would never allow them; '
              + 'enroll with `{ ingress: true }` (waypoint.addService(service, { ingress: true }) or addNamespace), or allow them by an L4 rule'] : [],
        ],
      });
    } else if (attachment.waypoint && target.ambient && !target.ambient.waypoint) {
      // An ALLOW fails closed for requests past the waypoint (its ztunnel side); the other actions would not apply to them.
      const ambient = target.ambient;
      this.node.addValidation({ validate: () => ingressBypass(ambient, `the ${this.action} policy`) });
    }
    this.node.addValidation({
      validate: () => this.rules.length ? [] : [this.action === AuthorizationAction.ALLOW
        ? 'an ALLOW policy without rules denies every request: add rules, or use MeshNamespace.denyByDefault() if that is the intent'
        : `a ${this.action} policy without rules matches nothing: add rules`],
    });
  }

  /** Adds a rule. */
  public addRule(rule: AuthorizationRule): void {
    const where = this.node.path;
    checkProps(`${where}: addRule`, rule, []);
    checkList(this, 'rule.from', rule.from)?.forEach((f, i) => checkInstance(this, `rule.from[${i}]`, f, Source, 'Source.services(front)'));
    checkList(this, 'rule.when', rule.when)?.forEach((c, i) => checkInstance(this, `rule.when[${i}]`, c, Condition, 'Condition.claim(\'groups\', \'admin\')'));
    checkList(this, 'rule.to', rule.to);
    if (rule.from?.length === 0 || rule.to?.length === 0 || rule.when?.length === 0) {
      throw new Error(`${where}: a rule has an empty from/to/when list: omit the field instead (an empty list is not "any")`);
    }
    const to = rule.to?.map((o) => ({ operation: renderOperation(this, o, this.action) }));
    for (const [field, effect] of [['ports', 'the rule would never match'], ['notPorts', 'the exclusion would never apply']] as const) {
      for (const port of to?.flatMap((o) => o.operation[field] ?? []) ?? []) {
        if (this.targetPorts && !this.targetPorts.ports.includes(Number(port))) {
          throw new Error(`${where}: operation ${PORT_LABEL[field]} ${port} is not a port that ${this.targetPorts.what} listens on `
            + `(${this.targetPorts.ports.join(', ')}): ${effect}; authorization matches the workload's port (a Service's targetPort), not the Service port`);
        }
      }
    }
    if (this.targetPorts && !this.targetPorts.ports.some(portsReached({ to }))) {
      throw new Error(`${where}: the rule's notPorts exclude every port that ${this.targetPorts.what} listens on (${this.targetPorts.ports.join(', ')}): `
        + 'it would never match; drop the rule, or exclude fewer ports');
    }
    const rendered = {
      from: rule.from?.map((s) => ({ source: s._toIstio() })),
      to,
      when: rule.when?.map((c) => c._toIstio()),
    };
    this.checkHttpOnTcp(rendered);
    if (this.action === AuthorizationAction.CUSTOM) checkCustomRule(where, rendered);
    // Rules added after the policy was placed at ztunnel must be L4 ones.
    const ambient = this.target.ambient;
    const l7 = this.attachment && !this.attachment.waypoint && ambient && isAmbient(ambient.namespace)
      && authorizationNeedsWaypoint(this.action, [rendered]);
    if (l7) throw noWaypoint(this, ambient, l7);
    if (authorizationNeedsWaypoint(this.action, [rendered])) {
      this.l7SidecarCallers.push(...(rule.from ?? []).flatMap((s) => s._sidecarNamespaces()));
      this.l7Gateways.push(...(rule.from ?? []).flatMap((s) => s._gateways()));
    }
    this.rules.push(rendered);
  }

  /**
   * Istio applies a rule with HTTP-only fields to TCP traffic without them: it drops an ALLOW rule
   * (nothing allowed) and widens a DENY rule to every connection of the port.
   */
  private checkHttpOnTcp(rule: l1.AuthorizationPolicySpecRules): void {
    const l7 = authorizationL7({ rules: [rule] });
    const reaches = portsReached(rule);
    if (l7 && this.action === AuthorizationAction.DENY && this.namespaceWide) {
      recordHttpDenyRule(this, this.target.namespace, { policy: this.node.path, field: l7, reaches });
    }
    const target = this.targetPorts;
    if (!l7 || !target?.tcp?.length) return;
    const inScope = target.ports.filter(reaches);
    const tcp = [...new Set(inScope.filter((p) => target.tcp!.includes(p)))];
    const http = target.ports.filter((p) => !target.tcp!.includes(p));
    const fix = http.length ? `limit the rule to the HTTP port${http.length > 1 ? 's' : ''} with \`ports: [${http.join(', ')}]\`` : 'declare the port\'s protocol HTTP if it is';
    if (this.action === AuthorizationAction.DENY && tcp.length) {
      throw new Error(`${this.node.path}: a DENY rule uses ${l7}, which only HTTP requests carry, but applies to TCP port${tcp.length > 1 ? 's' : ''} `
        + `${tcp.join(', ')} of ${target.what}: Istio drops the HTTP fields there and the rule denies every connection to ${tcp.length > 1 ? 'them' : 'it'}; ${fix}`);
    }
    if (this.action === AuthorizationAction.ALLOW && tcp.length === inScope.length) {
      throw new Error(`${this.node.path}: an ALLOW rule uses ${l7}, which only HTTP requests carry, but applies only to TCP port${tcp.length > 1 ? 's' : ''} `
        + `${tcp.join(', ')} of ${target.what}: Istio drops the rule there, so it would never allow; allow by source and port alone, or ${fix}`);
    }
  }
}

/** Whether a rule reaches a workload port: an operation's ports (or any), less its notPorts. */
function portsReached(rule: l1.AuthorizationPolicySpecRules): (port: number) => boolean {
  const ops = rule.to ?? [];
  return (port) => !ops.length || ops.some(({ operation: o }) => (o?.ports?.map(Number).includes(port) ?? true)
    && !o?.notPorts?.map(Number).includes(port));
}

/**
 * A CUSTOM rule decides which requests go to the external authorizer, before the JWT of the request is
 * authenticated: request principals and `request.auth.*` conditions are not available there.
 */
function checkCustomRule(where: string, rule: l1.AuthorizationPolicySpecRules): void {
  const jwt = rule.from?.some((f) => f.source?.requestPrincipals || f.source?.notRequestPrincipals) ? 'request principals (Source.requestPrincipals, authenticated, '
    + 'unauthenticated)' : rule.when?.find((c) => c.key.startsWith('request.auth.'))?.key;
  if (jwt) {
    throw new Error(`${where}: a CUSTOM rule matches on ${jwt}, but CUSTOM rules select the requests for the external authorizer before JWT authentication `
      + 'has run, so JWT fields are not supported there: select by paths, hosts, methods or headers and let the authorizer check the token, '
      + 'or put the JWT condition in an ALLOW or DENY policy');
  }
}

/**
 * An operation's rendering. Hosts match the Host header exactly, which may carry a port that Istio
 * routes all the same: where a host that misses lets a request through (`hosts` of a DENY or CUSTOM
 * rule: denied or sent to the authorizer; `notHosts` of an ALLOW rule: excluded), each exact host is
 * written with `host:*` beside it, and a `*.suffix` host, which cannot also match a port, is refused.
 */
function renderOperation(scope: Construct, o: Operation, action: AuthorizationAction): l1.AuthorizationPolicySpecRulesToOperation {
  const list = (what: string, v?: string[]) => v && nonEmpty(`${scope.node.path}: operation ${what}`, v);
  checkProps(`${scope.node.path}: operation`, o, []);
  if (!o.hosts && !o.notHosts && !o.methods && !o.notMethods && !o.paths && !o.notPaths && !o.ports && !o.notPorts) {
    throw new Error(`${scope.node.path}: an operation needs hosts, methods, paths or ports, or their \`not\` exclusions`);
  }
  const paths = list('paths', o.paths);
  const notPaths = list('notPaths', o.notPaths);
  for (const p of [...paths ?? [], ...notPaths ?? []]) checkPath(scope, p);
  const methods = (field: string, v?: string[]) => list(field, v)?.map((m) => checkMethod(`${scope.node.path}: operation ${field}`, m));
  const ports = (field: keyof typeof PORT_LABEL, v?: number[]) => v
    && nonEmpty(`${scope.node.path}: operation ${field}`, v.map((p) => String(checkRange(scope, `operation ${PORT_LABEL[field]}`, p, 1, 65535))));
  return {
    hosts: renderHosts(scope, 'hosts', list('hosts', o.hosts), action),
    notHosts: renderHosts(scope, 'notHosts', list('notHosts', o.notHosts), action),
    methods: methods('methods', o.methods),
    notMethods: methods('notMethods', o.notMethods),
    paths,
    notPaths,
    ports: ports('ports', o.ports),
    notPorts: ports('notPorts', o.notPorts),
  };
}

/** How an operation's port fields are named in messages. */
const PORT_LABEL = { ports: 'port', notPorts: 'notPorts port' } as const;

/** Checks hosts (or notHosts) and, where a miss lets a request through under `action`, covers their port forms. */
function renderHosts(scope: Construct, field: 'hosts' | 'notHosts', hosts: string[] | undefined, action: AuthorizationAction): string[] | undefined {
  for (const h of hosts ?? []) {
    if (h.slice(1, -1).includes('*')) {
      throw new Error(`${scope.node.path}: host "${h}" has a \`*\` inside, but Istio matches hosts exactly, by a \`*\` prefix or suffix, so it would never match: `
        + 'write "*.example.com", "example.*" or list the hosts');
    }
  }
  const missLetsThrough = field === 'notHosts' ? action === AuthorizationAction.ALLOW
    : action === AuthorizationAction.DENY || action === AuthorizationAction.CUSTOM;
  if (!hosts || !missLetsThrough) return hosts;
  const bypassed = hosts.find((h) => h.startsWith('*') && h !== '*' && !h.endsWith('*') && !/:\d+$/.test(h));
  if (bypassed) {
    const example = `x${bypassed.slice(1)}`;
    const [rule, verb, fix] = field === 'notHosts'
      ? [`an ALLOW rule excluding host "${bypassed}" (notHosts)`, 'excluded', 'or allow only the hosts you serve with `hosts`']
      : action === AuthorizationAction.CUSTOM
        ? [`a CUSTOM rule on host "${bypassed}"`, 'sent to the authorizer', 'or send every host to the authorizer and let it decide']
        : [`a DENY on host "${bypassed}"`, 'denied', 'or allow only the hosts you serve in an ALLOW policy'];
    throw new Error(`${scope.node.path}: ${rule} lets "${example}:80" through: hosts match the Host header, which may carry a port, `
      + `and a host cannot take a \`*\` both before and after it; list the hosts ("${example}": each is ${verb} with and without a port), ${fix}`);
  }
  return hosts.flatMap((h) => (!h.includes(':') && !h.includes('*') ? [h, `${h}:*`] : [h]));
}

/**
 * Throws unless Istio can match path `p`: exact, `prefix*`, `*suffix`, `*`, or a path template whose
 * `{*}` (one segment) and `{**}` (the rest, last only) are whole segments and stand without other `*`.
 */
function checkPath(scope: Construct, p: string): void {
  const where = `${scope.node.path}: path "${p}"`;
  if (p.includes('{*}') || p.includes('{**}')) {
    const segments = p.split('/');
    const fix = 'e.g. /api/{*}/items or /static/{**}';
    if (!p.startsWith('/')) throw new Error(`${where} is a path template but does not start with '/': ${fix}`);
    segments.forEach((seg, i) => {
      if (seg.includes('{') && seg !== '{*}' && seg !== '{**}') {
        throw new Error(`${where}: a template must be a whole segment ({*} or {**} between slashes), and named variables are not supported: ${fix}`);
      }
      if (seg === '{**}' && i !== segments.length - 1) throw new Error(`${where}: {**} matches the rest of the path, so it must be the last segment: ${fix}`);
      if (!seg.startsWith('{') && seg.includes('*')) {
        throw new Error(`${where} mixes a template with \`*\` prefix or suffix matching, which Istio rejects: use {*} / {**} segments only, ${fix}`);
      }
    });
    return;
  }
  if (p === '*') return;
  if (p.slice(1, -1).includes('*') || (p.startsWith('*') && p.endsWith('*'))) {
    throw new Error(`${where} has a \`*\` inside, but Istio matches paths exactly, by a \`*\` prefix or suffix only, so it would never match: `
      + 'use /api/* (prefix), *.html (suffix), or a path template (/api/{*}/items, /static/{**})');
  }
  if (!p.startsWith('/') && !p.startsWith('*')) throw new Error(`${where} must start with '/' or '*': request paths do, so it would never match; write "/${p}"`);
}

/** `namespace`, unless its pods have no proxy (no sidecar, not ambient) and so no identity a policy could match. */
function callerNamespaces(namespaces: unknown[]): IMeshNamespace[] {
  return namespaces.filter((n): n is IMeshNamespace => typeof (n as IMeshNamespace | undefined)?.dataplaneMode === 'string');
}

function withSidecars(where: string, namespace: IMeshNamespace): IMeshNamespace {
  if (namespace.dataplaneMode === DataplaneMode.NONE) {
    throw new Error(`${where}: namespace "${namespace.name}" has injection disabled: its pods have no sidecar and present no mesh identity, so the policy would never match them; `
      + 'enable injection there, or allow them by address (Source.ipBlocks)');
  }
  return namespace;
}

/** Request principals read `<issuer>/<subject>`; Istio matches them whole, or with a `*` prefix or suffix. */
function requestPrincipalList(what: string, values: string[]): string[] {
  for (const v of nonEmpty(what, values)) {
    if (!v.includes('/') && !v.includes('*')) {
      throw new Error(`${what}: "${v}" is not a request principal, which reads <issuer>/<subject> (e.g. https://auth.example.com/alice), so it would never match: `
        + 'give the issuer too, or use Source.authenticated() for any valid token');
    }
  }
  return values;
}

function nonEmpty(what: string, values: string[]): string[] {
  if (!Array.isArray(values)) throw new Error(`${what}: the values must be a list of strings`);
  if (values.length === 0) throw new Error(`${what}: the list is empty: name at least one value (an empty list matches nothing)`);
  values.forEach((v, i) => checkString(what, `[${i}]`, v));
  if (values.some((v) => v === '')) throw new Error(`${what}: empty string in the list`);
  return values;
}
