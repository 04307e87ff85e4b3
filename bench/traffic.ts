// The per-service VirtualService and DestinationRule specs and the gateway's routes, as plain data
// (types only: the floor variant must not load cdk8s). Every variant emits exactly these, so they
// use only fields whose L1 property name is also their JSON name.
import { BenchService, CANARY_HEADER, fqdn, PORT, Shape } from './shape';
import type {
  DestinationRuleSpec, DestinationRuleSpecTrafficPolicyTlsMode, VirtualServiceSpec, VirtualServiceSpecHttp,
} from '../src/imports/networking.istio.io';

const RETRIES = { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' };

export function virtualServiceSpec(shape: Shape, s: BenchService): VirtualServiceSpec {
  const host = fqdn(s);
  const to = (subset?: string, weight?: number) => ({ destination: destination(s, subset), ...weight === undefined ? {} : { weight } });
  const http: VirtualServiceSpecHttp[] = shape.versions
    ? [
      { match: [{ headers: { [CANARY_HEADER]: { exact: 'true' } } }], route: [to('v2')] },
      { route: [to('v1', 90), to('v2', 10)], timeout: '10s', retries: RETRIES },
    ]
    : [{ route: [to()], timeout: '10s', retries: RETRIES }];
  return { hosts: [host], http };
}

export function destinationRuleSpec(shape: Shape, s: BenchService): DestinationRuleSpec {
  return {
    host: fqdn(s),
    trafficPolicy: {
      connectionPool: { http: { http1MaxPendingRequests: 100 } },
      outlierDetection: { consecutiveGatewayErrors: 5, interval: '10s', baseEjectionTime: '30s' },
      tls: { mode: 'ISTIO_MUTUAL' as string as DestinationRuleSpecTrafficPolicyTlsMode },
    },
    ...shape.versions ? { subsets: ['v1', 'v2'].map((v) => ({ name: v, labels: { version: v } })) } : {},
  };
}

/** The gateway's rules for a routed service. */
export function gatewayRoutes(shape: Shape, s: BenchService): VirtualServiceSpecHttp[] {
  const route = [{ destination: destination(s, shape.versions ? 'v1' : undefined) }];
  const api = { match: [{ headers: { 'x-api-version': { exact: 'v2' } }, uri: { prefix: `/${s.name}/api` } }], route };
  return [...shape.gatewayApi ? [api] : [], { match: [{ uri: { prefix: `/${s.name}` } }], route }];
}

/** The floor writes what it is given (`undefined` as `null`): leave out the fields a variant does not set. */
function destination(s: BenchService, subset: string | undefined) {
  return { host: fqdn(s), port: { number: PORT }, ...subset === undefined ? {} : { subset } };
}
