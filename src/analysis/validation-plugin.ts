import { readFileSync } from 'fs';
import { parseAllDocuments } from 'yaml';
import type { analyzeFiles as AnalyzeFiles, LocatedFinding } from './analyzer';
import { RecordedPath, appRecord } from './construct-paths';
import { Severity } from './finding';

/** Options of the cdk8s CLI plugin (the `properties` of its `validations:` entry in cdk8s.yaml). */
export interface MeshValidationProps {
  /**
   * Findings to drop: codes (`IST0102`) or `CODE=Kind name.namespace` as in `istioctl analyze --suppress`.
   * @default - none
   */
  readonly suppress?: string[];
  /**
   * Fail the synth on warnings too.
   * @default false
   */
  readonly warningsAsErrors?: boolean;
  /**
   * Istio's root namespace.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * The namespace istiod runs in, whose mesh ConfigMaps the analysis reads.
   * @default - the root namespace
   */
  readonly istioNamespace?: string;
}

/** The violation shape of cdk8s-cli's ValidationReport. */
interface PluginViolation {
  ruleName: string;
  recommendation: string;
  fix: string;
  violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
}

/** The part of cdk8s-cli's ValidationContext this plugin uses (cdk8s-cli is not a jsii module). */
interface PluginContext {
  readonly manifests: readonly string[];
  /**
   * construct-metadata.json's resources: construct paths by object name, which the report looks a
   * violating resource's name up in (the same object: the report reads what the plugin adds).
   */
  readonly metadata?: { [resourceName: string]: { path?: string } };
  readonly report: {
    addViolation(v: PluginViolation): void;
    submit(status: 'success' | 'failure', metadata?: { [key: string]: string }): void;
  };
}

/**
 * A cdk8s CLI validation plugin: `cdk8s synth` runs the mesh analysis and the schema checks over
 * every synthesized manifest (including YAML the app did not build with this library) and fails
 * on errors. In cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-mesh   # or the package name, installed by the CLI
 *     version: 1.0.0                       # the exact installed version
 *     class: MeshValidation
 *     properties: { suppress: [IST0102], warningsAsErrors: true }
 * ```
 */
export class MeshValidation {
  constructor(private readonly props: MeshValidationProps = {}) {}

  /**
   * Called by `cdk8s synth` with its ValidationContext (typed `any` here: cdk8s-cli is not a jsii module).
   */
  public async validate(context: any): Promise<void> {
    const ctx = context as PluginContext;
    const files = ctx.manifests.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const record = appRecord(ctx.manifests);
    // What the app references outside its manifests (installed gateways, other teams' services) resolves
    // as it does in the app's own analysis.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the analyzer loads when the plugin runs
    const analyzeFiles: typeof AnalyzeFiles = require('./analyzer').analyzeFiles;
    const findings = analyzeFiles(files, this.props, record.assumed).filter((f) => f.severity !== Severity.INFO);
    const pathOf = constructPaths(ctx, files, record.objects);
    let failed = false;
    for (const f of findings) {
      const fatal = f.severity === Severity.ERROR || (this.props.warningsAsErrors === true && f.severity === Severity.WARNING);
      failed ||= fatal;
      const path = pathOf(f);
      if (path && ctx.metadata) ctx.metadata[f.resource] = { path };
      ctx.report.addViolation({
        ruleName: `${f.code} (${fatal ? 'error' : 'warning'})`,
        recommendation: `${f.resource}: ${f.message}`,
        fix: f.fix,
        // The report shows the construct path that its metadata has for resourceName (see constructPaths).
        violatingResources: [{ resourceName: f.resource, locations: f.file ? [f.line ? `${f.file}:${f.line}` : f.file] : [], manifestPath: f.file ?? '' }],
      });
    }
    ctx.report.submit(failed ? 'failure' : 'success', { findings: String(findings.length) });
  }
}

/**
 * The construct path of a finding's object: from the paths the app recorded by kind, namespace and
 * name; else from the CLI's metadata (by name) when no other object in the manifests has that name.
 */
function constructPaths(ctx: PluginContext, files: { file: string; text: string }[],
  recorded: RecordedPath[]): (f: LocatedFinding) => string | undefined {
  const names = new Map<string, number>();
  for (const { text } of files) {
    for (const doc of parseAllDocuments(text)) {
      const name = (doc as any).toJS?.()?.metadata?.name;
      if (typeof name === 'string') names.set(name, (names.get(name) ?? 0) + 1);
    }
  }
  return (f) => {
    // `Kind namespace/name`, or `Kind name` for cluster-scoped kinds.
    const m = /^(\S+) (?:([^/]+)\/)?(.+)$/.exec(f.resource);
    if (!m) return undefined;
    const [, kind, namespace, name] = m;
    const paths = new Set(recorded
      .filter((o) => o.kind === kind && o.name === name && (namespace === undefined || (o.namespace || 'default') === namespace))
      .map((o) => o.path));
    if (paths.size === 1) return [...paths][0];
    return names.get(name) === 1 ? ctx.metadata?.[name]?.path : undefined;
  };
}
