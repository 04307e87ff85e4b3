import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshDestination, defaultHttpPort } from './destination';
import { MAX_RULES, RouteContext, gatewayApiHttpRules, serviceMetadata } from './gateway-api-route';
import { HttpRouteOptions } from './http-route';
import { gatewayApi } from '../core/l1';

/**
 * Adds an in-mesh route to `service` in the Gateway API for meshes (GAMMA): a rule of an HTTPRoute
 * whose parent is the Service. The first route adds a catch-all rule to the service itself, which a
 * route without `matches` replaces, as in the VirtualService rendering.
 * @internal
 */
export function addMeshHttpRoute(service: IMeshDestination, options: HttpRouteOptions): void {
  const routes = (service.node.tryFindChild('MeshRoutes') as MeshHttpRoutes | undefined) ?? new MeshHttpRoutes(service);
  routes.add(options);
}

/**
 * The HTTPRoutes of one service: its rules in the order added, sixteen to a route object (the CRD's
 * limit). The Gateway API orders rules by how specific their matches are, not by position, so
 * splitting them over several objects changes nothing.
 */
class MeshHttpRoutes extends Construct {
  private readonly rules: any[] = [];
  private readonly ctx: RouteContext;
  private catchAll: 'implicit' | 'user' = 'implicit';

  constructor(private readonly service: IMeshDestination) {
    super(service, 'MeshRoutes');
    this.ctx = {
      scope: service,
      namespace: service.namespace.name,
      kind: 'HTTPRoute',
      alternative: `route ${service.node.path} with a VirtualService instead: set \`routeApi: RouteApi.ISTIO\` on its namespace "${service.namespace.name}" (or on the platform)`,
    };
    this.rules.push(...gatewayApiHttpRules(this.ctx, { name: 'default' }, service));
    this.addRouteObject(0);
  }

  public add(options: HttpRouteOptions): void {
    if (!options.matches && this.catchAll === 'user') {
      throw new Error(`${this.service.node.path}: this route is unreachable: an earlier route without \`matches\` takes every request it would take; give it \`matches\``);
    }
    const rules = gatewayApiHttpRules(this.ctx, options, this.service);
    if (options.matches) {
      this.rules.splice(this.rules.length - (this.catchAll === 'implicit' ? 1 : 0), 0, ...rules);
    } else {
      this.rules[this.rules.length - 1] = rules[0]; // the user's catch-all replaces the implicit one
      this.catchAll = 'user';
    }
    while (this.node.children.length * MAX_RULES < this.rules.length) this.addRouteObject(this.node.children.length);
  }

  private addRouteObject(index: number): void {
    const svc = this.service;
    // A service with several ports: the route applies to the port its default rule reaches.
    const port = svc.ports.length > 1 ? defaultHttpPort(svc)?.port : undefined;
    new (gatewayApi().HttpRoute)(this, `Route${index + 1}`, {
      metadata: serviceMetadata(svc, index === 0 ? svc.name : `${svc.name}-${index + 1}`),
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: svc.name, port }],
        rules: Lazy.any({ produce: () => this.rules.slice(index * MAX_RULES, (index + 1) * MAX_RULES) }) as any,
      },
    });
  }
}
