import { readFileSync } from 'fs';
import { analyzeFiles } from './analyzer';
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
    const findings = analyzeFiles(files, this.props).filter((f) => f.severity !== Severity.INFO);
    let failed = false;
    for (const f of findings) {
      const fatal = f.severity === Severity.ERROR || (this.props.warningsAsErrors === true && f.severity === Severity.WARNING);
      failed ||= fatal;
      ctx.report.addViolation({
        ruleName: `${f.code} (${fatal ? 'error' : 'warning'})`,
        recommendation: `${f.resource}: ${f.message}`,
        fix: f.fix,
        // The CLI maps resource names to construct paths through construct-metadata.json.
        violatingResources: [{ resourceName: f.resource.split(/[ /]/).pop()!, locations: [], manifestPath: f.file ?? '' }],
      });
    }
    ctx.report.submit(failed ? 'failure' : 'success', { findings: String(findings.length) });
  }
}
