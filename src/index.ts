export * from './mesh-platform';
export * from './protocol';
export * from './resources';
export * from './sidecar';
export * from './http-match';
export * from './access-log';
export * from './tracing';
export * from './mesh-namespace';
export * from './mesh-service';
export * from './ingress-gateway';
export * from './mtls-policy';
export * from './tracing-config';
export * from './string-match';
export * from './http-route';
export * from './traffic-policy';
export * from './egress';
export * from './external-service';
export * from './mesh-options';
export * from './policy-target';
export * from './authorization-policy';
export * from './jwt-authentication';

// L1: the generated Istio 1.30.3 bindings, as escape hatches (regenerate with `npx projen import`).
export * as networking from './imports/networking.istio.io';
export * as security from './imports/security.istio.io';
export * as telemetry from './imports/telemetry.istio.io';
export * as extensions from './imports/extensions.istio.io';
export * from './analysis/finding';
export * from './principal';
