// Shared vocabulary.
export * from './core/protocol';
export * from './core/ports';
export * from './core/principal';
export { GkeGatewayClass } from './core/gateway-classes';

// Platform: which control plane runs the mesh, the mesh-wide configuration, the mesh's namespaces.
export * from './platform/mesh-platform';
export * from './platform/mesh-options';
export * from './platform/dataplane';
export * from './platform/waypoint-enrollment';
export * from './platform/mesh-namespace';

// Workloads: services (created, adopted or referenced), their sidecars and resources.
export * from './workloads/mesh-service-base';
export * from './workloads/mesh-service';
export * from './workloads/sidecar';
export * from './workloads/resources';
export * from './workloads/workload-options';
export * from './workloads/scaling';

// Traffic: routes, matches, client policies, egress.
export * from './traffic/string-match';
export * from './traffic/http-match';
export * from './traffic/destination';
export * from './traffic/http-route';
export * from './traffic/traffic-policy';
export * from './traffic/egress';
export * from './traffic/external-service';

// Gateways.
export * from './gateways/installed-gateway';
export * from './gateways/ingress-gateway';
export * from './gateways/egress-gateway';
export * from './gateways/gateway-api-ingress';
export * from './gateways/waypoint';

// Security: mTLS, authorization, JWT.
export * from './security/policy-target';
export * from './security/mtls-policy';
export * from './security/authorization-policy';
export * from './security/jwt-authentication';

// Telemetry: access logs and tracing.
export * from './telemetry/access-log';
export * from './telemetry/tracing';
export * from './telemetry/tracing-config';

// Analysis and diagram.
export * from './analysis/finding';
export { SchemaValidator } from './analysis/schema';
export { MeshAnalyzer, type AnalyzerOptions } from './analysis/analyzer';
export * from './analysis/validation-plugin';
export * from './diagram/mesh-diagram';

// L1: the generated Istio 1.30.3 bindings, as escape hatches (regenerate with `npx projen import`).
export * as networking from './imports/networking.istio.io';
export * as security from './imports/security.istio.io';
export * as telemetry from './imports/telemetry.istio.io';
export * as extensions from './imports/extensions.istio.io';

// L1: the generated Gateway API v1.5.1 (standard channel) bindings, as escape hatches.
export * as gatewayApi from './imports/gateway.networking.k8s.io';
