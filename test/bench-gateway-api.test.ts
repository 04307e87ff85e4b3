import { Testing } from 'cdk8s';
import { validateObjects } from './validate';
import { gatewayApiApp } from '../bench/gateway-api';

test('the Gateway API benchmark variant synthesizes valid objects with the analysis on', () => {
  const app = gatewayApiApp(120);
  const objects = app.charts.flatMap((c) => Testing.synth(c)); // the attached analysis throws on errors
  validateObjects(objects);
  const count = (kind: string) => objects.filter((o) => o.kind === kind).length;
  // 120 services in 3 namespaces: an HTTPRoute each, ALLOW policies at the waypoint with their ztunnel side.
  expect([count('HTTPRoute'), count('Gateway'), count('AuthorizationPolicy'), count('VirtualService')]).toEqual([120 + 1, 3 + 1, 240, 0]);
});
