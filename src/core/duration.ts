import { Duration } from 'cdk8s';

/**
 * Renders a cdk8s Duration as an Istio / protobuf duration string (`10s`, `1.5s`, `250ms`).
 * Istio's CEL rules reject durations under 1ms. `what` names the construct and field.
 * @internal
 */
export function istioDuration(what: string, d: Duration): string {
  if (typeof (d as any)?.toMilliseconds !== 'function') {
    throw new Error(`${what} must be a Duration (e.g. Duration.seconds(5)), got ${typeof d === 'string' ? `the string "${d}"` : String(d)}`);
  }
  // Not integral: cdk8s would throw its own message, without the construct or the field.
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) {
    throw new Error(`${what} must be a whole number of milliseconds of at least 1ms, got ${ms}ms`);
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Renders a cdk8s Duration in the Gateway API's duration format (`1h30m`, `2s500ms`: up to four
 * parts of at most five digits each, units h, m, s, ms).
 * @internal
 */
export function gatewayApiDuration(what: string, d: Duration): string {
  let ms = d.toMilliseconds();
  if (!Number.isInteger(ms) || ms < 1) {
    throw new Error(`${what} must be a whole number of milliseconds of at least 1ms, got ${ms}ms`);
  }
  let text = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    ms -= n * size;
    if (n > 0) text += `${n}${unit}`;
  }
  if (/\d{6}/.test(text)) throw new Error(`${what} ${d.toHumanString()} is too long for the Gateway API (at most 99999h)`);
  return text;
}
