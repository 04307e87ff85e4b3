import { Construct, IConstruct } from 'constructs';
import { AuthorizationAction, AuthorizationPolicy, Operation, Source } from './authorization-policy';
import { PolicyTargetOptions, policyTarget } from './policy-target';
import { checkList, checkProps } from '../core/check';
import { appendTo } from '../core/collections';
import { security } from '../core/l1';
import { checkDnsLabel } from '../core/names';
import type * as l1 from '../imports/security.istio.io';
import { attachPolicy, ingressBypass } from '../platform/ambient-policy';
import type { IMeshNamespace } from '../platform/mesh-namespace';
import { gatewayRoutes } from '../platform/waypoint-enrollment';

/** Copies a JWT claim into a request header for the workload. */
export interface ClaimToHeader {
  /** The claim (e.g. `sub`). */
  readonly claim: string;
  /** The header (e.g. `x-user`). */
  readonly header: string;
}

/** A JWT issuer whose tokens are accepted. */
export interface JwtIssuer {
  /** The `iss` claim value. */
  readonly issuer: string;
  /**
   * URL of the issuer's public keys (JWKS).
   * @default - discovered through the issuer's OpenID configuration, unless `jwks` is set
   */
  readonly jwksUri?: string;
  /**
   * The public keys inline, as a JWKS JSON document.
   * @default - fetched from `jwksUri`
   */
  readonly jwks?: string;
  /**
   * Accepted `aud` values.
   * @default - any audience
   */
  readonly audiences?: string[];
  /**
   * Forward the token to the workload.
   * @default false
   */
  readonly forwardOriginalToken?: boolean;
  /**
   * Claims copied into headers.
   * @default - none
   */
  readonly claimsToHeaders?: ClaimToHeader[];
}

/** Properties of a `JwtAuthentication`. */
export interface JwtAuthenticationProps extends PolicyTargetOptions {
  /** The accepted issuers. */
  readonly issuers: JwtIssuer[];
  /**
   * Name of the RequestAuthentication.
   * @default - `<target name>-jwt`
   */
  readonly name?: string;
}

/** Where a valid token is required. */
export interface RequireTokenOptions {
  /**
   * Paths that need a token (exact, `prefix*`, `*suffix`).
   * @default - every path
   */
  readonly paths?: string[];
  /**
   * Paths exempt (e.g. health checks).
   * @default - none
   */
  readonly exceptPaths?: string[];
  /**
   * Hosts that need a token.
   * @default - every host
   */
  readonly hosts?: string[];
}

/**
 * JWT authentication (a RequestAuthentication) on a namespace, workload or gateway. Invalid
 * tokens are rejected; requests without a token pass unless `requireToken()` says otherwise.
 */
export class JwtAuthentication extends Construct {
  /** The RequestAuthentication (escape hatch). */
  public readonly requestAuthentication: l1.RequestAuthentication;
  private readonly target: PolicyTargetOptions;
  private readonly issuers: string[];
  private requirements = 0;

  constructor(scope: Construct, id: string, props: JwtAuthenticationProps) {
    super(scope, id);
    const where = this.node.path;
    checkProps(this, props, ['issuers']);
    const target = policyTarget(this, props);
    this.target = { namespace: props.namespace, workload: props.workload, gateway: props.gateway, waypoint: props.waypoint };
    if (checkList(this, 'issuers', props.issuers)!.length === 0) throw new Error(`${where}: \`issuers\` is empty: list at least one JWT issuer`);
    const jwtRules = props.issuers.map((i, n): l1.RequestAuthenticationSpecJwtRules => {
      checkProps(`${where}: issuers[${n}]`, i, ['issuer']);
      if (!i.issuer) throw new Error(`${where}: an issuer has an empty \`issuer\``);
      if (i.jwks !== undefined && i.jwksUri !== undefined) throw new Error(`${where}: issuer ${i.issuer}: set jwksUri or jwks, not both`);
      if (i.jwksUri !== undefined && !/^https?:\/\/[^\s/]+/.test(i.jwksUri)) throw new Error(`${where}: issuer ${i.issuer}: jwksUri "${i.jwksUri}" is not an http(s) URL`);
      if (i.jwksUri?.startsWith('http://')) {
        throw new Error(`${where}: issuer ${i.issuer}: jwksUri "${i.jwksUri}" is plain http: whoever sits on the path can swap the keys and mint tokens that pass; `
          + 'use https, or put the keys inline with `jwks`');
      }
      if (i.jwks !== undefined) {
        try {
          if (!Array.isArray(JSON.parse(i.jwks).keys)) throw new Error('no "keys" array');
        } catch (e) {
          throw new Error(`${where}: issuer ${i.issuer}: jwks is not a JWKS JSON document: ${(e as Error).message}`);
        }
      }
      if (checkList(where, `issuer ${i.issuer}: audiences`, i.audiences)?.length === 0) throw new Error(`${where}: issuer ${i.issuer}: \`audiences\` is empty: omit it to accept any audience`);
      if (i.audiences?.some((a) => typeof a !== 'string' || a === '')) throw new Error(`${where}: issuer ${i.issuer}: an audience is empty or not a string: list audiences as non-empty strings`);
      for (const c of checkList(where, `issuer ${i.issuer}: claimsToHeaders`, i.claimsToHeaders) ?? []) {
        if (typeof c?.claim !== 'string' || c.claim === '') throw new Error(`${where}: issuer ${i.issuer}: a claimsToHeaders entry has no claim: name the claim (e.g. sub)`);
        if (typeof c.header !== 'string' || !/^[-_A-Za-z0-9]+$/.test(c.header)) throw new Error(`${where}: issuer ${i.issuer}: "${c.header}" is not a valid header name`);
      }
      if (i.jwks === undefined && i.jwksUri === undefined && !/^https:\/\/[^\s/]+/.test(i.issuer)) {
        throw new Error(`${where}: issuer "${i.issuer}" has neither jwksUri nor jwks, and its keys can only be discovered (OpenID configuration at <issuer>/.well-known/openid-configuration) when the issuer is an https URL: `
          + 'set jwksUri or jwks');
      }
      return {
        issuer: i.issuer,
        jwksUri: i.jwksUri,
        jwks: i.jwks,
        audiences: i.audiences,
        forwardOriginalToken: i.forwardOriginalToken,
        outputClaimToHeaders: i.claimsToHeaders?.map((c) => ({ header: c.header, claim: c.claim })),
      };
    });
    this.issuers = props.issuers.map((i) => i.issuer);
    if (props.gateway) {
      // A gateway removes the tokens it validates before forwarding, unless told to keep them.
      const stripping = props.issuers.filter((i) => i.forwardOriginalToken !== true).map((i) => i.issuer);
      const root = STRIPPED_BY_GATEWAY.get(this.node.root) ?? new Map<string, { path: string; issuers: string[] }[]>();
      STRIPPED_BY_GATEWAY.set(this.node.root, root);
      appendTo(root, props.gateway.node.path, { path: where, issuers: stripping });
    }
    // In ambient mode only a waypoint validates tokens.
    const attachment = target.ambient ? attachPolicy(this, target.ambient, 'JWT validation') : { selector: target.matchLabels && { matchLabels: target.matchLabels } };
    this.requestAuthentication = new (requestAuthenticationJwksUri())(this, 'Resource', {
      metadata: { name: checkDnsLabel(this, 'name', props.name ?? `${target.name}-jwt`), namespace: target.namespace },
      spec: { selector: attachment.selector, targetRefs: attachment.targetRefs, jwtRules },
    });
    const ambient = target.ambient;
    if (attachment.waypoint && ambient && !ambient.waypoint) {
      // Requests with an invalid token from a gateway that bypasses the waypoint would reach the pods (requireToken's DENY reports it too).
      this.node.addValidation({ validate: () => (this.requirements ? [] : ingressBypass(ambient, 'the JWT validation')) });
    }

  }

  /**
   * Requires a valid token: a DENY AuthorizationPolicy on the same target for requests without
   * one (on the chosen paths and hosts).
   */
  public requireToken(options: RequireTokenOptions = {}): AuthorizationPolicy {
    checkProps(`${this.node.path}: requireToken`, options, []);
    const to: Operation | undefined = options.paths || options.exceptPaths || options.hosts
      ? { paths: options.paths, notPaths: options.exceptPaths, hosts: options.hosts } : undefined;
    this.requirements++;
    const namespace = this.target.workload?.namespace ?? this.target.namespace;
    if (this.requirements === 1 && namespace) {
      const workload = this.target.workload;
      this.node.addValidation({ validate: () => this.strippedByGateways(namespace, workload) });
    }
    const base = this.requestAuthentication.metadata.name!;
    return new AuthorizationPolicy(this, `RequireToken${this.requirements}`, {
      ...this.target,
      name: this.requirements === 1 ? `${base}-required` : `${base}-required-${this.requirements}`,
      action: AuthorizationAction.DENY,
      rules: [{ from: [Source.unauthenticated()], to: to && [to] }],
    });
  }

  /** The gateways that route to the target, validate one of its issuers and remove the token before forwarding. */
  private strippedByGateways(namespace: IMeshNamespace, workload: IConstruct & { readonly namespace: IMeshNamespace } | undefined): string[] {
    const byGateway = STRIPPED_BY_GATEWAY.get(this.node.root);
    return gatewayRoutes(namespace, workload).flatMap((r) => r.gateways.flatMap((gateway) => (byGateway?.get(gateway) ?? [])
      .flatMap((g) => g.issuers.filter((i) => this.issuers.includes(i)).map((issuer) => `requires a token from ${issuer}, but ${gateway} validates that issuer (${g.path}) `
        + `and removes the token before forwarding (forwardOriginalToken defaults to false), so every request it routes to ${r.service.node.path} would be denied: `
        + 'set forwardOriginalToken: true on the gateway\'s issuer'))));
  }
}

/** Per app, by gateway path: the JwtAuthentications on the gateway and the issuers whose tokens it removes. */
const STRIPPED_BY_GATEWAY = new WeakMap<Construct, Map<string, { path: string; issuers: string[] }[]>>();

let jwksUriClass: typeof l1.RequestAuthentication | undefined;

/**
 * The CRD knows both `jwksUri` and its legacy alias `jwks_uri`, and the generated binding writes
 * the alias; this one writes the documented name. Defined on first use, with the bindings.
 */
function requestAuthenticationJwksUri(): typeof l1.RequestAuthentication {
  return jwksUriClass ??= class RequestAuthenticationJwksUri extends security().RequestAuthentication {
    public toJson(): any {
      const json = super.toJson();
      for (const rule of json.spec?.jwtRules ?? []) {
        if ('jwks_uri' in rule) {
          rule.jwksUri = rule.jwks_uri;
          delete rule.jwks_uri;
        }
      }
      return json;
    }
  };
}
