import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-mesh',
  description: 'Typed Istio / Anthos (Cloud) Service Mesh constructs for cdk8s: namespaces, workloads, gateways, mTLS and telemetry that synthesize to plain Kubernetes YAML.',
  author: 'Mesh Team',
  authorAddress: 'mesh@example.com',
  repositoryUrl: 'https://github.com/example/cdk8s-mesh.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk8s', 'istio', 'service-mesh', 'anthos', 'asm', 'kubernetes'],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.3.0',
  // jsii 5.9 runs on Node 20 without the end-of-life banner that jsii 6 prints.
  jsiiVersion: '~5.9.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  devDeps: [
    'cdk8s-cli@^2.207.60',
    '@kubernetes-models/istio@^3.0.1',
    'kubernetes-models@^5.1.0',
    '@swc/core',
    '@swc/jest',
    'ajv@^8',
    'yaml@^2',
  ],

  // No GitHub here: CI is .ci/run; releases are not automated yet.
  github: false,
  release: false,
  depsUpgrade: false,

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
    ignorePatterns: ['src/imports/', 'examples/*/dist/', 'lib/', '*.d.ts', '*.js'],
  },
  jestOptions: {
    // Snapshots are assertions: CI must fail on a changed snapshot, never rewrite it.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // .ci/run reads the counts from this file.
    extraCliOptions: ['--json', '--outputFile=test-reports/jest.json'],
    jestConfig: {
      collectCoverage: false,
      // swc strips types without type-checking the 1.2 MB of generated bindings on every run;
      // the jsii compile step already type-checks everything.
      transform: {
        '^.+\\.[t]sx?$': new javascript.Transform('@swc/jest'),
        '^.+\\.js$': new javascript.Transform('@swc/jest'),
      },
      // The validators of kubernetes-models are ESM-only: resolve and transform them for jest.
      resolver: '<rootDir>/test/esm-resolver.js',
      transformIgnorePatterns: ['/node_modules/(?!(@kubernetes-models|kubernetes-models|is-cidr|cidr-regex)/)'],
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/'],
    },
  },
});

// L1: regenerate the Istio bindings from the pinned CRDs (see imports/README.md).
project.addTask('import', {
  description: 'Regenerate src/imports from the pinned Istio CRDs (ISTIO_CRDS=<file> or the pinned URL)',
  exec: 'bash imports/import.sh',
});

// The example apps type-check (eslint, ts-node) against the library sources.
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  include: ['**/*.ts'],
  exclude: ['*/dist/**'],
  compilerOptions: { rootDir: '..', noEmit: true },
});

// Synthesize every example app into examples/<name>/dist.
project.addTask('example', {
  description: 'Synthesize every app under examples/ into examples/<name>/dist/*.k8s.yaml',
  exec: 'bash examples/synth.sh',
});

// API.md documents the L2 constructs; the generated L1 submodules get a file each beside it.
project.tasks.tryFind('docgen')!.reset('jsii-docgen -o API.md --split-by-submodule');
for (const submodule of ['networking', 'security', 'telemetry', 'extensions']) {
  project.gitattributes.addAttributes(`/${submodule}.md`, 'linguist-generated');
}

project.gitignore.addPatterns('/test-reports/', '/examples/*/dist/');

// Synth benchmark (issue #5): bench/*.ts compiled with tsc (library sources included, same
// compiler options as the jsii build) and timed as plain JS with node, never ts-node.
new javascript.TypescriptConfig(project, {
  fileName: 'bench/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  include: ['**/*.ts'],
  exclude: ['lib/**'],
  compilerOptions: { rootDir: '..', outDir: 'lib', declaration: false },
});
project.addTask('bench', {
  description: 'Synth benchmark: library vs raw L1 vs floor at N = 100, 1000, 5000 services; writes bench/results.json (args: --quick, --check N)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    { exec: 'node --expose-gc bench/lib/bench/bench.js', receiveArgs: true },
  ],
});
project.gitignore.addPatterns('/bench/lib/', '/bench/results.json');
project.npmignore?.addPatterns('/examples/', '/imports/', '/.ci/', '/bench/');

project.synth();
