/* eslint-disable @typescript-eslint/no-require-imports -- loading on first use is the point */
// The generated bindings (2 MB of code: networking.istio.io 1.1 MB, the Gateway API 0.7 MB) load
// when a construct first creates one of their objects: `require('cdk8s-mesh')` does not pay for them.
import type * as GatewayApi from '../imports/gateway.networking.k8s.io';
import type * as Networking from '../imports/networking.istio.io';
import type * as Security from '../imports/security.istio.io';
import type * as Telemetry from '../imports/telemetry.istio.io';

/** The networking.istio.io bindings. */
export function networking(): typeof Networking {
  return require('../imports/networking.istio.io');
}

/** The security.istio.io bindings. */
export function security(): typeof Security {
  return require('../imports/security.istio.io');
}

/** The telemetry.istio.io bindings. */
export function telemetry(): typeof Telemetry {
  return require('../imports/telemetry.istio.io');
}

/** The Gateway API (gateway.networking.k8s.io) bindings. */
export function gatewayApi(): typeof GatewayApi {
  return require('../imports/gateway.networking.k8s.io');
}
