#!/usr/bin/env node
// `cdk8s-mesh-analyze <file|dir|- ...>`: the mesh analysis on hand-written or synthesized manifests.
import { readdirSync, readFileSync, realpathSync, Stats, statSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { AnalyzerOptions, analyzeFiles, LocatedFinding, objectsOfFiles } from './analyzer';
import { github, json, junit, OUTPUT_FORMATS, OutputFormat, Report, sarif, STDIN, summary, textLines } from './cli-output';
import { Severity } from './finding';

const USAGE = `usage: cdk8s-mesh-analyze [--output text|json|sarif|github|junit] [--meshConfigFile FILE]
       [--suppress CODE[=Kind name.namespace],...] [--warnings-as-errors[=true|false]] [--root-namespace NS] [--istio-namespace NS]
       [--assume file|dir ...] <file|dir|- ...>
Analyzes the objects of all inputs together: files, directories (recursively, *.yaml, *.yml, *.json,
following symbolic links; a directory without such files is an error) and - for standard input.
--meshConfigFile reads a MeshConfig YAML as the mesh's config.
--assume reads objects that exist in the cluster but are owned elsewhere (an installed gateway,
another team's services): references to them resolve, and nothing is reported about them.
Exits 1 if a finding fails (errors; warnings with --warnings-as-errors), 2 on usage or read errors.`;

/** Where manifests come from: files, directory trees, standard input. */
const MANIFEST = /\.(ya?ml|json)$/i;

/**
 * Runs the CLI: returns the exit code (0 clean, 1 findings that fail, 2 usage or read errors).
 * @internal
 */
export function runCli(args: string[], out: (line: string) => void, err: (line: string) => void,
  readStdin: () => string = () => readFileSync(0, 'utf8')): number {
  const inputs: string[] = [];
  const assumeInputs: string[] = [];
  const suppress: string[] = [];
  let warningsAsErrors = false;
  let rootNamespace: string | undefined;
  let istioNamespace: string | undefined;
  let meshConfigFile: string | undefined;
  let output: OutputFormat = 'text';
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') ? args[i].split(/=(.*)/s, 2) : [args[i]];
    const value = () => inline ?? args[++i];
    // A boolean flag alone or `=true` sets it, `=false` unsets it; any other value is a mistake, not "true".
    const bool = (): boolean | string => (inline === undefined || inline === 'true' ? true : inline === 'false' ? false
      : `${flag} takes true or false, got ${JSON.stringify(inline)}`);
    if (flag === '--suppress') {
      const v = value();
      if (!v) return usage(err, '--suppress needs a value');
      suppress.push(...v.split(',').map((s) => s.trim()).filter((s) => s));
    } else if (flag === '--warnings-as-errors') {
      const v = bool();
      if (typeof v === 'string') return usage(err, v);
      warningsAsErrors = v;
    } else if (flag === '--root-namespace') {
      rootNamespace = value();
      if (!rootNamespace) return usage(err, '--root-namespace needs a value');
    } else if (flag === '--istio-namespace') {
      istioNamespace = value();
      if (!istioNamespace) return usage(err, '--istio-namespace needs a value');
    } else if (flag === '--meshConfigFile') {
      meshConfigFile = value();
      if (!meshConfigFile) return usage(err, '--meshConfigFile needs a file');
    } else if (flag === '--assume') {
      const v = value();
      if (!v) return usage(err, '--assume needs a file or directory');
      assumeInputs.push(v);
    } else if (flag === '--output' || flag === '-o') {
      const v = value();
      if (!OUTPUT_FORMATS.includes(v as OutputFormat)) return usage(err, `--output must be one of ${OUTPUT_FORMATS.join(', ')}`);
      output = v as OutputFormat;
    } else if (flag === '--help' || flag === '-h') {
      const v = bool();
      if (typeof v === 'string') return usage(err, v);
      if (v) {
        out(USAGE);
        return 0;
      }
    } else if (flag.startsWith('-') && flag !== '-') {
      return usage(err, `unknown option ${flag}`);
    } else {
      inputs.push(flag);
    }
  }
  if (inputs.length === 0) return usage(err, 'no files given');

  try {
    const files = inputs.flatMap((input) => (input === '-' ? [{ file: STDIN, text: readStdin() }] : manifests(input)));
    const meshConfig = meshConfigFile === undefined ? undefined : readMeshConfig(meshConfigFile, readFileSync(meshConfigFile, 'utf8'));
    const options: AnalyzerOptions = { suppress, warningsAsErrors, rootNamespace: rootNamespace ?? meshConfig?.rootNamespace, istioNamespace };
    // All inputs form one object set, so references across files resolve.
    const assumed = objectsOfFiles(assumeInputs.flatMap(manifests));
    const findings = analyzeFiles(files, options, assumed, meshConfig === undefined ? {} : { meshConfig });
    const fatal = (f: LocatedFinding) => f.severity === Severity.ERROR || (warningsAsErrors && f.severity === Severity.WARNING);
    const report: Report = { findings, files: files.map((f) => f.file), fatal, tool: packageInfo() };
    if (output === 'text') {
      for (const { line, fatal: isFatal } of textLines(report)) (isFatal ? err : out)(line);
    } else {
      out({ json, sarif, github, junit }[output](report));
      // A document on stdout: the one-line summary goes to stderr (github's is in its log).
      if (output !== 'github') err(summary(report));
    }
    return findings.some(fatal) ? 1 : 0;
  } catch (e) {
    err(`cdk8s-mesh-analyze: ${(e as Error).message}`);
    return 2;
  }
}

/**
 * A file, or the manifests of a directory tree (sorted, so the output is stable). Symbolic links
 * are followed (linked files, as kubectl and istioctl read them, and linked directories); a target
 * reached twice (a link to an ancestor, two links to one file) is read once, so links neither loop
 * nor duplicate objects.
 */
function manifests(input: string): { file: string; text: string }[] {
  if (!statSync(input).isDirectory()) return [{ file: input, text: readFileSync(input, 'utf8') }];
  const seen = new Set<string>([realpathSync(input)]);
  const walk = (dir: string): { file: string; text: string }[] => readdirSync(dir)
    .sort((a, b) => a.localeCompare(b))
    .flatMap((name) => {
      const path = join(dir, name);
      // statSync follows links; a dangling or looping link is an error only where a manifest was expected.
      const stat = statOrUndefined(path);
      const isDir = stat?.isDirectory() ?? false;
      if (!isDir && !(MANIFEST.test(name) && (stat === undefined || stat.isFile()))) return [];
      const real = stat === undefined ? path : realpathSync(path);
      if (seen.has(real)) return [];
      seen.add(real);
      return isDir ? walk(path) : [{ file: path, text: readFileSync(path, 'utf8') }];
    });
  const found = walk(input);
  // An empty tree is a wrong path more often than an empty mesh: a run on nothing must not pass.
  if (found.length === 0) throw new Error(`${input}: no *.yaml, *.yml or *.json files found`);
  return found;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * `--meshConfigFile`: a MeshConfig YAML (as `istioctl analyze` takes it), the mesh config of the
 * analysis in place of a mesh ConfigMap among the inputs.
 */
function readMeshConfig(file: string, text: string): any {
  const meshConfig = parse(text) ?? {};
  if (typeof meshConfig !== 'object' || Array.isArray(meshConfig)) throw new Error(`${file}: a MeshConfig is a YAML mapping`);
  return meshConfig;
}

/** The version and home page of this package, for SARIF's tool. */
function packageInfo(): { version: string; informationUri: string } {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return { version: pkg.version, informationUri: String(pkg.repository?.url ?? pkg.homepage).replace(/^git\+/, '').replace(/\.git$/, '') };
}

function usage(err: (line: string) => void, problem: string): number {
  err(`cdk8s-mesh-analyze: ${problem}`);
  err(USAGE);
  return 2;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), (l) => console.log(l), (l) => console.error(l));
}
