// The constructs and their synth-time validations grow linearly with the mesh on every benchmark
// shape, measured without a clock: the basic operations they call are counted at two sizes (the
// analysis has its own test, test/analysis/linear.test.ts). A registry copied on each addition, or
// a validation per service that scans every service, fails here.
import { App } from 'cdk8s';
import { countWork } from './work-count';
import { gatewayApiApp } from '../bench/gateway-api';
import { libraryApp } from '../bench/library';
import { SHAPES } from '../bench/shape';

/** Operations to build the app (analysis off) and run every construct's validations. */
function work(build: () => App): number {
  return countWork((start) => {
    start();
    const app = build();
    for (const c of app.node.findAll()) {
      const errors = c.node.validate();
      if (errors.length) throw new Error(`${c.node.path}: ${errors.join('; ')}`);
    }
  }, true);
}

const SIZE = 200;
/** work(2n) / work(n): 2 when the work is linear; a quadratic part pushes it towards 4. */
const LIMIT = 2.1;

describe('the constructs and their validations stay linear on any mesh shape (work counted, not timed)', () => {
  const shapes: [string, (n: number) => App][] = [
    ...SHAPES.map((s): [string, (n: number) => App] => [s.name, (n) => libraryApp(n, false, s)]),
    ['gateway-api (ambient)', (n) => gatewayApiApp(n, false)],
  ];
  test.each(shapes)('%s', (_name, build) => {
    const small = work(() => build(SIZE));
    const large = work(() => build(2 * SIZE));
    expect(small).toBeGreaterThan(SIZE);
    expect(large / small).toBeLessThanOrEqual(LIMIT);
  });
});
