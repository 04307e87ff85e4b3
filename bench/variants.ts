// The variants the benchmark compares. Each module is loaded only when its variant runs, so a
// child process measuring one variant's memory loads nothing of the others (the floor: no cdk8s).
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point here */
import type { Shape } from './shape';

/** One way of producing the mesh's YAML. */
export interface Variant {
  readonly name: string;
  readonly description: string;
  /** Builds the mesh of `n` services in `shape` and returns its YAML. */
  synth(n: number, shape: Shape): string;
}

export const VARIANTS: Variant[] = [
  {
    name: 'library',
    description: 'cdk8s-mesh constructs -> app.synthYaml(), mesh analysis off',
    synth: (n, shape) => (require('./library') as typeof import('./library')).libraryApp(n, false, shape).synthYaml(),
  },
  {
    name: 'library+analysis',
    description: 'the same with the mesh analysis on (the default)',
    synth: (n, shape) => (require('./library') as typeof import('./library')).libraryApp(n, true, shape).synthYaml(),
  },
  {
    name: 'raw-l1',
    description: 'generated L1 classes (k8s + Istio) -> app.synthYaml()',
    synth: (n, shape) => (require('./raw-l1') as typeof import('./raw-l1')).rawL1App(n, shape).synthYaml(),
  },
  {
    name: 'floor',
    description: 'plain JS objects -> yaml.stringify (no cdk8s)',
    synth: (n, shape) => (require('./floor') as typeof import('./floor')).floorYaml(n, shape),
  },
];

/* eslint-enable @typescript-eslint/no-require-imports */

export function variant(name: string): Variant {
  const found = VARIANTS.find((v) => v.name === name);
  if (!found) throw new Error(`unknown variant "${name}": use one of ${VARIANTS.map((v) => v.name).join(', ')}`);
  return found;
}
