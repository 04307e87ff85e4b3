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

// L1: the generated Istio 1.30.3 bindings, as escape hatches (regenerate with `npx projen import`).
export * as networking from './imports/networking.istio.io';
export * as security from './imports/security.istio.io';
export * as telemetry from './imports/telemetry.istio.io';
export * as extensions from './imports/extensions.istio.io';
export * from './analysis/finding';
export { MeshAnalyzer, AnalyzerOptions } from './analysis/analyzer';
