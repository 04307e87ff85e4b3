#!/usr/bin/env node
// `cdk8s-mesh-analyze <file.yaml...>`: the mesh analysis on hand-written or synthesized manifests.
import { readFileSync } from 'fs';
import { AnalyzerOptions, analyzeFiles } from './analyzer';
import { Severity } from './finding';

const USAGE = `usage: cdk8s-mesh-analyze [--suppress CODE[=Kind name.namespace],...] [--warnings-as-errors] [--root-namespace NS] <file.yaml...>
Analyzes the objects of all files together; exits 1 if there are errors.`;

/**
 * Runs the CLI: returns the exit code (0 clean, 1 findings that fail, 2 usage or read errors).
 * @internal
 */
export function runCli(args: string[], out: (line: string) => void, err: (line: string) => void): number {
  const files: string[] = [];
  const suppress: string[] = [];
  let warningsAsErrors = false;
  let rootNamespace: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') ? args[i].split(/=(.*)/s, 2) : [args[i]];
    const value = () => inline ?? args[++i];
    if (flag === '--suppress') {
      const v = value();
      if (!v) return usage(err, '--suppress needs a value');
      suppress.push(...v.split(',').map((s) => s.trim()).filter((s) => s));
    } else if (flag === '--warnings-as-errors') {
      warningsAsErrors = true;
    } else if (flag === '--root-namespace') {
      rootNamespace = value();
      if (!rootNamespace) return usage(err, '--root-namespace needs a value');
    } else if (flag === '--help' || flag === '-h') {
      out(USAGE);
      return 0;
    } else if (flag.startsWith('-')) {
      return usage(err, `unknown option ${flag}`);
    } else {
      files.push(flag);
    }
  }
  if (files.length === 0) return usage(err, 'no files given');

  const options: AnalyzerOptions = { suppress, warningsAsErrors, rootNamespace };
  try {
    // All files form one object set, so references across files resolve.
    const findings = analyzeFiles(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })), options);
    let failed = false;
    for (const f of findings) {
      const fatal = f.severity === Severity.ERROR || (warningsAsErrors && f.severity === Severity.WARNING);
      failed = failed || fatal;
      (fatal ? err : out)(`${f.file}: ${f.resource}: ${f.code} ${f.severity}: ${f.message} (fix: ${f.fix})`);
    }
    out(`${findings.length} finding(s) in ${files.length} file(s)`);
    return failed ? 1 : 0;
  } catch (e) {
    err(`cdk8s-mesh-analyze: ${(e as Error).message}`);
    return 2;
  }
}

function usage(err: (line: string) => void, problem: string): number {
  err(`cdk8s-mesh-analyze: ${problem}`);
  err(USAGE);
  return 2;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), (l) => console.log(l), (l) => console.error(l));
}
