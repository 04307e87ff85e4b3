// The output formats of `cdk8s-mesh-analyze --output`: what CI systems read (istioctl's JSON,
// SARIF 2.1.0 for code scanning, GitHub workflow annotations, JUnit XML).
import { LocatedFinding } from './analyzer';
import { Severity } from './finding';

/** One run of the CLI, as every format renders it. */
export interface Report {
  readonly findings: readonly LocatedFinding[];
  /** The manifest files analyzed, in the order read. */
  readonly files: readonly string[];
  /** Whether a finding fails the run (errors; warnings with --warnings-as-errors). */
  readonly fatal: (f: LocatedFinding) => boolean;
  /** The CLI's package: version and home page (SARIF's tool). */
  readonly tool: { readonly version: string; readonly informationUri: string };
}

/** The file name of objects read from standard input: no file to point an annotation or a SARIF result at. */
export const STDIN = '<stdin>';
const onDisk = (f: LocatedFinding): f is LocatedFinding & { file: string } => f.file !== undefined && f.file !== STDIN;

/** The formats of `--output`. */
export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'github', 'junit'] as const;
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** `N finding(s) in M file(s)`: the last line of the text format, which external runners parse. */
export function summary(report: Report): string {
  return `${report.findings.length} finding(s) in ${report.files.length} file(s)`;
}

/** The text format, one finding a line (stderr for fatal ones), then the summary: unchanged since 0.x. */
export function textLines(report: Report): { line: string; fatal: boolean }[] {
  return [
    ...report.findings.map((f) => ({ line: `${f.file}: ${f.resource}: ${f.code} ${f.severity}: ${f.message} (fix: ${f.fix})`, fatal: report.fatal(f) })),
    { line: summary(report), fatal: false },
  ];
}

/** JSON: every finding with its file and line, and the counts. */
export function json(report: Report): string {
  const count = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  return JSON.stringify({
    findings: report.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      resource: f.resource,
      message: f.message,
      fix: f.fix,
      file: f.file,
      line: f.line,
      path: f.path,
      fatal: report.fatal(f),
    })),
    summary: {
      files: report.files.length,
      findings: report.findings.length,
      errors: count(Severity.ERROR),
      warnings: count(Severity.WARNING),
      infos: count(Severity.INFO),
      failed: report.findings.some(report.fatal),
    },
  }, null, 2);
}

const ISTIO_DOCS = 'https://istio.io/latest/docs/reference/config/analysis/';
const KIALI_DOCS = 'https://kiali.io/docs/features/validations/';
const OWN_CODES: { [code: string]: string } = {
  SCHEMA: 'The object does not match its Kubernetes or Istio CRD schema (admission-equivalent validation)',
  DUPLICATE: 'Two objects with the same group, kind, namespace and name: applied together, the last replaces the others',
  ANALYZER: 'A check stopped on an object it could not read',
};

/** What a code is, and where it is documented. */
function rule(code: string): { text: string; helpUri?: string } {
  if (/^IST\d{4}$/.test(code)) return { text: `Istio analyzer message ${code} (istioctl analyze)`, helpUri: `${ISTIO_DOCS}${code.toLowerCase()}/` };
  if (/^KIA\d{4}$/.test(code)) return { text: `Kiali validation ${code}`, helpUri: KIALI_DOCS };
  return { text: OWN_CODES[code] ?? code };
}

const SARIF_LEVEL: { [s in Severity]: string } = { [Severity.ERROR]: 'error', [Severity.WARNING]: 'warning', [Severity.INFO]: 'note' };

/** A file path as a SARIF / GitHub artifact URI: relative, forward slashes. */
function uri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/').replace(/^\.\//, ''));
}

/** SARIF 2.1.0: one run, a rule (with its help URI) per code found, a result per finding. */
export function sarif(report: Report): string {
  const codes = [...new Set(report.findings.map((f) => f.code))].sort();
  const severityOf = new Map(report.findings.map((f) => [f.code, f.severity]));
  const rules = codes.map((code) => {
    const r = rule(code);
    return {
      id: code,
      shortDescription: { text: r.text },
      ...(r.helpUri ? { helpUri: r.helpUri } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[severityOf.get(code)!] },
    };
  });
  const results = report.findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: codes.indexOf(f.code),
    // --warnings-as-errors raises the level of a warning that fails the run.
    level: report.fatal(f) ? 'error' : SARIF_LEVEL[f.severity],
    message: { text: `${f.resource}: ${f.message} (fix: ${f.fix})` },
    locations: [{
      ...(onDisk(f) ? { physicalLocation: { artifactLocation: { uri: uri(f.file) }, ...(f.line ? { region: { startLine: f.line } } : {}) } } : {}),
      logicalLocations: [{ name: f.resource, kind: 'resource' }],
    }],
  }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'cdk8s-mesh-analyze', ...report.tool, rules } },
      artifacts: report.files.filter((file) => file !== STDIN).map((file) => ({ location: { uri: uri(file) } })),
      results,
    }],
  }, null, 2);
}

/** A GitHub workflow command value: `%`, CR and LF escaped (and `:` `,` in properties). */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow annotations (`::error file=…,line=…,title=…::…`), then the summary. */
export function github(report: Report): string {
  const lines = report.findings.map((f) => {
    const command = report.fatal(f) ? 'error' : f.severity === Severity.INFO ? 'notice' : 'warning';
    const props = [onDisk(f) ? `file=${escapeProperty(f.file)}` : '', onDisk(f) && f.line ? `line=${f.line}` : '', `title=${escapeProperty(`${f.code} ${f.resource}`)}`];
    return `::${command} ${props.filter((p) => p).join(',')}::${escapeData(`${f.message} (fix: ${f.fix})`)}`;
  });
  return [...lines, summary(report)].join('\n');
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * JUnit XML: a test suite per file, a test case per finding (a failure when it fails the run) and
 * one passing case for a file without findings.
 */
export function junit(report: Report): string {
  const byFile = new Map<string, LocatedFinding[]>(report.files.map((f) => [f, []]));
  for (const f of report.findings) {
    const file = f.file ?? '(no file)';
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file)!.push(f);
  }
  const suites = [...byFile].map(([file, findings]) => {
    const failures = findings.filter(report.fatal).length;
    const cases = findings.length === 0
      ? [`    <testcase name="${xml(file)}: no findings" classname="${xml(file)}"/>`]
      : findings.map((f) => {
        const where = `${file}${f.line ? `:${f.line}` : ''}`;
        const name = `${f.resource}: ${f.code}`;
        const body = report.fatal(f)
          ? `<failure message="${xml(`${f.code} ${f.severity}: ${f.message}`)}" type="${xml(f.code)}">${xml(`${where}: ${f.resource}: ${f.message} (fix: ${f.fix})`)}</failure>`
          : `<system-out>${xml(`${where}: ${f.code} ${f.severity}: ${f.message} (fix: ${f.fix})`)}</system-out>`;
        return `    <testcase name="${xml(name)}" classname="${xml(file)}">${body}</testcase>`;
      });
    return [`  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" errors="0">`, ...cases, '  </testsuite>'].join('\n');
  });
  const tests = [...byFile.values()].reduce((n, f) => n + Math.max(f.length, 1), 0);
  const failures = report.findings.filter(report.fatal).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cdk8s-mesh-analyze" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
  ].join('\n');
}
