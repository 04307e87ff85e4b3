// The variants the benchmark compares. Each module is loaded only when its variant runs, so a
// child process measuring one variant's memory loads nothing of the others (the floor: no cdk8s).
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point here */

/** One way of producing the mesh's YAML. */
export interface Variant {
  readonly name: string;
  readonly description: string;
  /** Builds the mesh of `n` services and returns its YAML. */
  synth(n: number): string;
}

export const VARIANTS: Variant[] = [
  {
    name: 'library',
    description: 'cdk8s-mesh constructs -> app.synthYaml()',
    synth: (n) => (require('./library') as typeof import('./library')).libraryApp(n).synthYaml(),
  },
  // ANALYSIS HOOK (issue #4): once the mesh analyzer exists, add the "analysis on" variant here, e.g.
  // { name: 'library+analysis', description: '... with the analyzer', synth: (n) => <libraryApp(n) with analysis>.synthYaml() },
  // drop it from PENDING_VARIANTS below and compute its target at the second ANALYSIS HOOK in bench.ts;
  // the table, RSS and scaling pick it up from this list.
  {
    name: 'raw-l1',
    description: 'generated L1 classes (k8s + Istio) -> app.synthYaml()',
    synth: (n) => (require('./raw-l1') as typeof import('./raw-l1')).rawL1App(n).synthYaml(),
  },
  {
    name: 'floor',
    description: 'plain JS objects -> yaml.stringify (no cdk8s)',
    synth: (n) => (require('./floor') as typeof import('./floor')).floorYaml(n),
  },
];

/* eslint-enable @typescript-eslint/no-require-imports */

/** Variants the issue asks for that cannot be measured on this branch yet, and why. */
export const PENDING_VARIANTS: Record<string, string> = {
  'library+analysis': 'the mesh analyzer (issue #4) is not on this branch',
};

export function variant(name: string): Variant {
  const found = VARIANTS.find((v) => v.name === name);
  if (!found) throw new Error(`unknown variant "${name}": use one of ${VARIANTS.map((v) => v.name).join(', ')}`);
  return found;
}
