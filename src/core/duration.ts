import { Duration } from 'cdk8s';

/**
 * Renders a cdk8s Duration as an Istio / protobuf duration string (`10s`, `1.5s`, `250ms`).
 * Istio's CEL rules reject durations under 1ms.
 * @internal
 */
export function istioDuration(what: string, d: Duration): string {
  const ms = d.toMilliseconds();
  if (!Number.isInteger(ms) || ms < 1) {
    throw new Error(`${what} must be a whole number of milliseconds of at least 1ms, got ${ms}ms`);
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
