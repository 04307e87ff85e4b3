// The per-service VirtualService and DestinationRule specs, as plain data (types only: the floor
// variant must not load cdk8s). Every variant emits exactly these, so they use only fields whose
// L1 property name is also their JSON name.
import { BenchService, fqdn, PORT } from './shape';
import type { DestinationRuleSpec, DestinationRuleSpecTrafficPolicyTlsMode, VirtualServiceSpec } from '../src/imports/networking.istio.io';

export function virtualServiceSpec(s: BenchService): VirtualServiceSpec {
  const host = fqdn(s);
  return {
    hosts: [host],
    http: [{
      route: [{ destination: { host, port: { number: PORT } } }],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
    }],
  };
}

export function destinationRuleSpec(s: BenchService): DestinationRuleSpec {
  return {
    host: fqdn(s),
    trafficPolicy: {
      connectionPool: { http: { http1MaxPendingRequests: 100 } },
      outlierDetection: { consecutiveGatewayErrors: 5, interval: '10s', baseEjectionTime: '30s' },
      tls: { mode: 'ISTIO_MUTUAL' as string as DestinationRuleSpecTrafficPolicyTlsMode },
    },
  };
}
