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
  // The floor of the dev toolchain too (jsii needs 20.16, eslint's visitor keys 20.19).
  minNodeVersion: '20.19.0',
  // Published as experimental until a 1.0 release.
  stability: 'experimental',
  // The assembly (2.7 MB of JSON, mostly the generated L1 bindings) ships gzipped.
  compressAssembly: true,
  // Generated API docs live under docs/api/ (as cdk8s-plus keeps its docs in docs/), not in the package.
  docgenFilePath: 'docs/api/API.md',

  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  // jsii 5.9 runs on Node 20 without the end-of-life banner that jsii 6 prints.
  jsiiVersion: '~5.9.0',
  peerDeps: ['cdk8s-plus-34@^2.0.20'],
  devDeps: [
    'cdk8s-cli@^2.207.60',
    // The Node 20 lines of the independent validators (their next majors declare Node 22).
    '@kubernetes-models/istio@^2.3.0',
    'kubernetes-models@^4.5.1',
    '@swc/core',
    '@swc/jest',
    'tsconfig-paths@^4',
    'ajv@^8',
    'fast-check@^3',
    // A second CEL implementation: test/gateway-api-schema.test.ts runs the CRDs' rule texts on it.
    '@bufbuild/cel@^0.6.1',
    // The SARIF 2.1.0 JSON schema (lib/schemas; draft-04, hence ajv-draft-04) and an XML parser, for the CLI's output tests.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    '@xmldom/xmldom@^0.9',
    'ajv-draft-04@^1',
    // test/node-version.test.ts: the Node floor satisfies every locked package's engines.
    'semver@^7',
    '@types/semver@^7',
  ],
  // The analyzer parses YAML (CLI, proxy.istio.io/config values) and checks RE2 syntax (re2js, loaded on first use); jsii bundles non-jsii deps.
  bundledDeps: ['yaml@^2', 're2js@^2'],
  bin: { 'cdk8s-mesh-analyze': 'lib/analysis/cli.js' },

  // jsii targets: `package:code-only` generates every language's bindings in CI; full builds need the
  // language toolchains and registries (see README, "Other languages").
  publishToPypi: { distName: 'cdk8s-mesh', module: 'cdk8s_mesh' },
  publishToMaven: { javaPackage: 'io.github.example.cdk8s.mesh', mavenGroupId: 'io.github.example', mavenArtifactId: 'cdk8s-mesh' },
  publishToNuget: { dotNetNamespace: 'Example.Cdk8s.Mesh', packageId: 'Example.Cdk8s.Mesh' },
  publishToGo: { moduleName: 'github.com/example/cdk8s-mesh-go' },

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
      // The example apps' import of the package itself (see examples/tsconfig.json).
      moduleNameMapper: { '^cdk8s-mesh$': '<rootDir>/src' },
      // The consumer end-to-end test runs after packaging, as `test:e2e`.
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/', '\\.e2e\\.test\\.ts$'],
      // A worker per core: jest's default (cores - 1) runs the suite serially on a 2-core CI machine.
      maxWorkers: '100%',
    },
  },
});

// `require('cdk8s-mesh')` loads the generated bindings, the analyzer and the schemas on first use:
// the compiled entry point gets getters for them (see projenrc/lazy-exports.js).
project.compileTask.exec('node projenrc/lazy-exports.js lib/index.js');
// Source maps go to .js.map files beside the code, sources inlined: an inline map triples a module's size,
// and `require` reads and scans all of it (about 10 ms of the quick start's cold start).
project.tsconfig!.file.addOverride('compilerOptions.inlineSourceMap', false);
project.tsconfig!.file.addOverride('compilerOptions.sourceMap', true);

// L1: regenerate the Istio and Gateway API bindings from the pinned CRDs (see imports/README.md).
project.addTask('import', {
  description: 'Regenerate src/imports from the pinned Istio and Gateway API CRDs (ISTIO_CRDS=<file>, GATEWAY_API_CRDS=<file> or the pinned URLs)',
  exec: 'bash imports/import.sh',
});

// Core Kubernetes schemas for SchemaValidator, from the type declarations of the pinned kubernetes-models,
// installed for this task only (see imports/README.md).
project.addTask('import:k8s', {
  description: 'Regenerate src/imports/k8s-schemas.ts from the type declarations of kubernetes-models (pinned here)',
  exec: 'node imports/k8s-schemas.js src/imports/k8s-schemas.ts kubernetes-models@5.1.0',
});

// The example apps import 'cdk8s-mesh' as a user's app does; here that name maps to the library
// sources (tsc and eslint by these paths, ts-node by tsconfig-paths, jest by moduleNameMapper).
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  include: ['**/*.ts'],
  exclude: ['*/dist/**'],
  compilerOptions: { rootDir: '..', noEmit: true, paths: { 'cdk8s-mesh': ['../src'] } },
});

// Tests and examples are type-checked too (jest's swc transform and ts-node only strip types); the
// tests import the example apps, whose 'cdk8s-mesh' maps to the sources as in examples/tsconfig.json.
project.tryFindObjectFile('test/tsconfig.json')!.addOverride('compilerOptions.paths', { 'cdk8s-mesh': ['../src'] });
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests and the example apps',
  steps: [{ exec: 'tsc -p test/tsconfig.json' }, { exec: 'tsc -p examples/tsconfig.json' }],
});
project.testTask.spawn(typecheck);

const eslintrc = project.tryFindObjectFile('.eslintrc.json')!;
eslintrc.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './examples/tsconfig.json']);
eslintrc.addOverride('settings.import/resolver.typescript.noWarnOnMultipleProjects', true);

// Synthesize every example app into examples/<name>/dist.
project.addTask('example', {
  description: 'Synthesize every app under examples/ into examples/<name>/dist/*.k8s.yaml',
  exec: 'bash examples/synth.sh',
});

// docs/api/API.md documents the L2 constructs (the root module). The L1 submodules (networking, security,
// telemetry, extensions) are generated from the Istio CRDs field for field: Istio's reference documents them,
// and their 2.8 MB of generated Markdown is not generated here.
project.tasks.tryFind('docgen')!.reset('jsii-docgen -o docs/api/API.md --submodule root');
project.gitattributes.addAttributes('/docs/api/API.md', 'linguist-generated');

// Every example compiles and translates in strict mode, with rosetta/default.ts-fixture: the README's
// (it is in the assembly, so the Python, Java, C# and Go READMEs show their own code) and docs/*.md's.
project.package.file.addOverride('jsii.metadata.jsii.rosetta.strict', true);
const rosetta = project.addTask('rosetta', {
  description: 'Compile and translate the examples of README.md and docs/*.md with jsii-rosetta (strict)',
  steps: [{ exec: 'jsii-rosetta extract --strict' }, { exec: 'node rosetta/docs.js' }],
});
project.postCompileTask.spawn(rosetta);
project.gitignore.addPatterns('/.jsii.gz', '/.jsii.tabl.json');

// Prove that no public API blocks another language: generate (not build) every target's code.
const codeOnly = project.addTask('package:code-only', {
  description: 'Generate the Python, Java, .NET and Go bindings without building them (into dist/code-only)',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist/code-only',
});
project.packageTask.spawn(codeOnly);
// The Python package as a wheel, built from the generated code with the machine's setuptools and wheel
// (pip cannot reach PyPI here), and its modules byte-compiled. Not part of `build`: .ci/run installs
// Debian's python3-setuptools and python3-wheel and runs it (PYTHON picks the interpreter).
project.addTask('package:python-wheel', {
  description: 'Build dist/python/*.whl from dist/code-only/python with setuptools and wheel, byte-compile its modules',
  exec: 'bash .ci/python-wheel.sh',
});
// Locally `package-all` would build every language and needs their toolchains and registries.
project.tasks.tryFind('package-all')!.reset();
project.tasks.tryFind('package-all')!.spawn(project.tasks.tryFind('package:js')!);

// A fresh cdk8s app installs the packed library and runs `cdk8s synth` with the validation plugin.
const e2e = project.addTask('test:e2e', {
  description: 'Consumer end-to-end test: npm-packed library in a fresh cdk8s app (needs the npm registry)',
  exec: "jest --ci --json --outputFile=test-reports/jest-e2e.json --testPathIgnorePatterns /node_modules/ --testMatch '<rootDir>/test/**/*.e2e.test.ts'",
});
// build = compile, test, package: the e2e test needs the packed tarball, so it runs at the end of package.
project.packageTask.spawn(e2e);

project.gitignore.addPatterns('/test-reports/', '/examples/*/dist/');
// projen ignores node_modules/ (directories only): a clone that links its node_modules would commit the link.
project.gitignore.addPatterns('/node_modules');

// Synth benchmark (issues #5, #14): bench/*.ts compiled with tsc (library sources included, same
// compiler options as the jsii build) and timed as plain JS with node, never ts-node.
new javascript.TypescriptConfig(project, {
  fileName: 'bench/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  include: ['**/*.ts'],
  exclude: ['lib/**'],
  compilerOptions: { rootDir: '..', outDir: 'lib', declaration: false },
});
project.addTask('bench', {
  description: 'Synth benchmark: library (analysis on and off) vs raw L1 vs floor on six mesh shapes at N = 1000, 5000, 10000 services, cold start, CLI; writes bench/results.json (args: --shape a,b, --quick, --sizes, --reps, --check N)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    { exec: 'node projenrc/lazy-exports.js bench/lib/src/index.js' },
    { exec: 'node bench/lib/bench/bench.js', receiveArgs: true },
  ],
});
// bench/results.json is committed: the raw results of the run docs/performance.md reports.
project.gitignore.addPatterns('/bench/lib/');
project.npmignore?.addPatterns('/examples/', '/imports/', '/.ci/', '/bench/', '/docs/', '/rosetta/');

// jsii 5.9 tools print a Node 20 end-of-life banner on every run; the machines here run Node 20.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

project.synth();
