import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LineCounter } from 'yaml';
import { checkAmbient } from './ambient';
import { checkAnnotations } from './annotations';
import { assumedObjects } from './assumed-objects';
import { checkAuthorizationPolicies } from './authorization';
import { checkClusterState } from './cluster-state';
import { recordConstructPaths } from './construct-paths';
import { checkDestinationRules } from './destination-rule';
import { checkDuplicateObjects } from './duplicates';
import { checkEnvoyFilters } from './envoy-filter';
import { Finding, Severity } from './finding';
import { checkGateways } from './gateway';
import { checkGatewayApi } from './gateway-api';
import { checkInjection } from './injection';
import { KubeDocument, readKubeYaml } from './kube-yaml';
import { Entry, MeshIndex, Source } from './mesh-index';
import { MeshInput, readMeshSettings } from './mesh-settings';
import { checkAuthorizationMtls, checkMtls } from './mtls';
import { checkServicePorts } from './ports';
import { schemaFindings, undecodableFinding } from './schema';
import { checkServiceEntries } from './service-entry';
import { render, Rendering, synchronousTick, synthPhase } from './shared-rendering';
import { checkSelectors } from './sidecar-telemetry';
import { checkTelemetryAndDeprecations } from './telemetry';
import { checkVirtualServices } from './virtual-service';
import { checkWebhookRules } from './webhook';
import { checkWorkloads } from './workloads';
import { isPlainObject } from '../core/json';

/** Istio's per-object suppression annotation: comma-separated codes, or `*` for all. */
export const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/** Options of the mesh analysis. */
export interface AnalyzerOptions {
  /**
   * Findings to drop: a code (`IST0102`), or a code and a resource as in
   * `istioctl analyze --suppress` (`IST0102=Namespace default`, `IST0107=Deployment app/*`).
   * The resource is `Kind name.namespace` (Istio's form) or `Kind namespace/name`; `*` matches anything.
   * @default - none
   */
  readonly suppress?: string[];
  /**
   * Fail on warnings too.
   * @default false
   */
  readonly warningsAsErrors?: boolean;
  /**
   * Istio's root namespace (mesh-wide policies).
   * @default - the root namespace of the applied MeshPlatform, else 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * The namespace istiod runs in, whose mesh ConfigMaps (`istio`, `istio-<revision>`, the shared
   * mesh config) the analysis reads, as `istioctl analyze --istioNamespace`.
   * @default - the istiod namespace of the applied MeshPlatform, else the root namespace
   */
  readonly istioNamespace?: string;
  /**
   * Run the analysis at synth (only for `attach`): `false` turns off the analysis that
   * `MeshPlatform.applyTo` attaches by default.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Checks over the whole object set, each a linear pass over the shared index. */
const CROSS_CHECKS: ((index: MeshIndex) => void)[] = [
  checkVirtualServices, checkGateways, checkServicePorts, checkWorkloads, checkInjection, checkAnnotations,
  checkDestinationRules, checkMtls, checkAuthorizationMtls, checkSelectors, checkServiceEntries, checkAuthorizationPolicies, checkAmbient,
  checkGatewayApi, checkWebhookRules, checkTelemetryAndDeprecations, checkEnvoyFilters, checkClusterState, checkDuplicateObjects,
];

/**
 * Checks of one object at a time: the CRD / Kubernetes schema (admission-equivalent validation).
 * The analyzer names the object and its origin and applies suppressions.
 */
const OBJECT_CHECKS: ((obj: any) => Finding[])[] = [schemaFindings];

const ORDER = [Severity.ERROR, Severity.WARNING, Severity.INFO];
/** Analyzers by the construct tree root they validate. */
const ATTACHED = new WeakMap<IConstruct, MeshAnalyzer>();

/**
 * Static analysis of a mesh: the checks of `istioctl analyze`, istiod's validating webhook and
 * Kiali that can be decided from the manifests, run over Istio and Kubernetes objects together.
 * Use `analyze` on plain objects, `analyzeYaml` on manifests, or `attach` to run it when a cdk8s
 * app synthesizes (errors fail synth, warnings are printed).
 */
export class MeshAnalyzer {
  /** Findings for a set of Kubernetes / Istio objects (plain JSON, e.g. `chart.toJson()`), errors first. */
  public static analyze(objects: any[], options: AnalyzerOptions = {}): Finding[] {
    if (!Array.isArray(objects)) throw new Error('MeshAnalyzer.analyze: `objects` must be a list of Kubernetes objects (e.g. chart.toJson())');
    return run(objects.map((obj) => ({ obj })), options);
  }

  /** Findings for the objects of a multi-document YAML text; throws on YAML syntax errors. */
  public static analyzeYaml(text: string, file?: string, options: AnalyzerOptions = {}): Finding[] {
    const { sources, refused } = parseYaml(text, file);
    return analyzeSources(sources, options, {}, true, refused).findings;
  }

  /**
   * Runs the analysis when the app containing `scope` synthesizes, over every ApiObject of every
   * chart (constructs, raw L1 objects and `Include`d YAML alike). Errors fail synth with the code,
   * the object, its construct path and the fix; warnings are printed. Calling it again replaces the options.
   */
  public static attach(scope: IConstruct, options: AnalyzerOptions = {}): MeshAnalyzer {
    const analyzer = MeshAnalyzer._ensure(scope);
    analyzer.options = options;
    return analyzer;
  }

  /**
   * The analyzer of `scope`'s app, attached with default options if it is not yet (what
   * `MeshPlatform.applyTo` calls).
   * @internal
   */
  public static _ensure(scope: IConstruct, rootNamespace?: string, istioNamespace?: string): MeshAnalyzer {
    const root = scope.node.root;
    let analyzer = ATTACHED.get(root);
    if (!analyzer) {
      analyzer = new MeshAnalyzer(root);
      ATTACHED.set(root, analyzer);
      const a = analyzer;
      root.node.addValidation({ validate: () => a.validate() });
      recordConstructPaths(root);
    }
    if (rootNamespace && !analyzer.defaultRootNamespace) analyzer.defaultRootNamespace = rootNamespace;
    if (istioNamespace && !analyzer.defaultIstioNamespace) analyzer.defaultIstioNamespace = istioNamespace;
    return analyzer;
  }

  private options: AnalyzerOptions = {};
  /** The findings and rendering of the last app-level validation (see `findingsOfThisSynth`). */
  private cached?: { options: AnalyzerOptions; tick: number; findings: Finding[]; rendering: Rendering };
  private defaultRootNamespace?: string;
  private defaultIstioNamespace?: string;
  private lastPrinted = '';
  /** The errors of this validation on each object, which the object's own validation returns. */
  private errorsByObject = new Map<IConstruct, string[]>();
  /** The objects that carry a validation of this analyzer. */
  private readonly reporting = new WeakSet<IConstruct>();

  private constructor(private readonly root: IConstruct) {}

  /** Findings for the app as it is now (what synth would check). */
  public findings(): Finding[] {
    return this.analyzeApp().findings;
  }

  private analyzeApp(): { findings: Finding[]; rendering: Rendering } {
    const objects = this.root.node.findAll().filter(ApiObject.isApiObject);
    const { json, rendering } = render(objects);
    // Construct paths are read only for findings.
    const sources = objects.map((o, i): Source => new AppSource(json[i], o));
    sources.push(...assumedSources(sources, assumedObjects(this.root)));
    // The app's objects are manifests: its Pods are not running pods yet.
    const options = { rootNamespace: this.defaultRootNamespace, istioNamespace: this.defaultIstioNamespace, ...this.options };
    return { findings: run(sources, options, {}, false), rendering };
  }

  /**
   * The findings for this validation. cdk8s's `App.synth()` / `synthYaml()` validate the whole app,
   * then serialize each chart through `App._synthChart`, which validates the whole app again with no
   * user code in between: those nested validations reuse the findings of the first. A validation
   * inside `_synthChart` lends the analysis's rendering to the chart render that follows it.
   */
  private findingsOfThisSynth(): Finding[] {
    const phase = synthPhase();
    const tick = synchronousTick();
    // Only the synth that computed them reuses them: it runs without a break.
    if (!(this.cached?.options === this.options && this.cached.tick === tick && phase.appSynth)) {
      this.cached = { options: this.options, tick, ...this.analyzeApp() };
    }
    if (phase.chartSynth) this.cached.rendering.lend();
    return this.cached.findings;
  }

  private validate(): string[] {
    this.errorsByObject = new Map();
    if (this.options.enabled === false) return [];
    const findings = this.findingsOfThisSynth();
    const fatal = (f: Finding) => f.severity === Severity.ERROR || (this.options.warningsAsErrors === true && f.severity === Severity.WARNING);
    const printed = findings.filter((f) => !fatal(f) && f.severity === Severity.WARNING).map(formatFinding).join('\n');
    // Validation runs on every chart.toJson(): print each set of warnings once.
    if (printed && printed !== this.lastPrinted) process.stderr.write(`mesh analysis warnings:\n${printed}\n`);
    this.lastPrinted = printed;
    // cdk8s prefixes each error with the path of the construct whose validation returned it. An
    // error on an object is returned by a validation on that object, so the message starts with
    // its path; cdk8s validates the root first (pre-order), so the object's turn is still to come.
    const atRoot: string[] = [];
    for (const f of findings.filter(fatal)) {
      const obj = f.path === undefined ? undefined : this.constructAt(f.path);
      if (!obj) {
        atRoot.push(formatFinding(f));
        continue;
      }
      const list = this.errorsByObject.get(obj) ?? [];
      if (!list.length) this.errorsByObject.set(obj, list);
      list.push(formatFinding(f));
      if (!this.reporting.has(obj)) {
        this.reporting.add(obj);
        obj.node.addValidation({ validate: () => this.errorsByObject.get(obj) ?? [] });
      }
    }
    return atRoot;
  }

  /** The construct at `path` (relative to the root), if there is one. */
  private constructAt(path: string): IConstruct | undefined {
    let c: IConstruct | undefined = this.root;
    for (const id of path.split('/')) c = c?.node.tryFindChild(id);
    return c;
  }
}

/** An object of the app: its construct path is read only for a finding. */
class AppSource implements Source {
  constructor(public readonly obj: any, private readonly construct: IConstruct) {}
  public get path(): string {
    return this.construct.node.path;
  }
}

/**
/**
 * A finding from a YAML file, with the line its object starts on.
 * @internal
 */
export interface LocatedFinding extends Finding {
  /** 1-based line of the object in `file` (the first object of that resource in the file). */
  readonly line?: number;
}

/**
 * Findings for several YAML files analyzed as one object set (the CLI, the cdk8s plugin), with the
 * objects `assumed` to exist in the cluster. `mesh` is mesh configuration given beside them (the
 * CLI's `--meshConfigFile`); without it, a mesh ConfigMap among the objects is read, else Istio's
 * defaults apply.
 * @internal
 */
export function analyzeFiles(
  files: { file: string; text: string }[], options: AnalyzerOptions, assumed: any[] = [], mesh: MeshInput = {},
): LocatedFinding[] {
  const lines = new Map<object, number>();
  const parsed = files.map((f) => parseYaml(f.text, f.file, lines));
  const sources = parsed.flatMap((p) => p.sources);
  const refused = parsed.flatMap((p) => p.refused);
  const { findings, index } = analyzeSources([...sources, ...assumedSources(sources, assumed)], options, mesh, true, refused);
  const lineOf = new Map<string, number>();
  for (const e of index.entries) {
    const key = `${e.file}\0${e.resource}`;
    if (!lineOf.has(key) && lines.has(e.obj)) lineOf.set(key, lines.get(e.obj)!);
  }
  // A finding's line is its own object's (objects with one name in one file each have theirs).
  const lineOfEntry = (f: Finding) => {
    const entry = index.entryOf.get(f);
    return entry ? lines.get(entry.obj) : undefined;
  };
  return findings.map((f) => ({ ...f, line: lines.get(f) ?? lineOfEntry(f) ?? lineOf.get(`${f.file}\0${f.resource}`) }));
}

/**
 * The objects of YAML files read as kubectl reads them (List items included), e.g. objects to assume.
 * @internal
 */
export function objectsOfFiles(files: { file: string; text: string }[]): any[] {
  return files.flatMap((f) => parseYaml(f.text, f.file).sources).map((s) => s.obj);
}

/** `CODE Severity Kind ns/name [path]: message. Fix: fix`. */
export function formatFinding(f: Finding): string {
  const where = f.path ? ` (${f.path})` : f.file ? ` (${f.file})` : '';
  return `${f.code} ${f.severity} ${f.resource}${where}: ${f.message}. Fix: ${f.fix}`;
}

function run(sources: Source[], options: AnalyzerOptions, mesh: MeshInput = {}, livePods = true): Finding[] {
  return analyzeSources(sources, options, mesh, livePods).findings;
}

/**
 * `livePods`: whether Pods among the objects are running pods (files and plain objects, as
 * `istioctl analyze` reads them) rather than manifests of an app being synthesized. `refused`:
 * findings on YAML documents that are no objects (see `parseYaml`), suppressed like the others.
 */
function analyzeSources(
  sources: Source[], options: AnalyzerOptions, mesh: MeshInput = {}, livePods = true, refused: Finding[] = [],
): { findings: Finding[]; index: MeshIndex } {
  const root = options.rootNamespace ?? 'istio-system';
  const index = new MeshIndex(sources, root, options.istioNamespace ?? root);
  index.findings.push(...refused);
  index.livePods = livePods;
  index.mesh = readMeshSettings(index, mesh);
  for (const e of index.entries) {
    if (e.assumed) continue;
    for (const check of OBJECT_CHECKS) {
      for (const f of check(e.obj)) index.add(e, { ...f, resource: e.resource, path: e.path, file: e.file });
    }
  }
  // The checks across objects read them in the shapes of their schemas. Hand-written objects can
  // break those shapes: the SCHEMA findings name the problem then, and a check that stops on such
  // an object does not stop the analysis.
  const schemaErrors = index.findings.length > refused.length;
  const stopped: string[] = [];
  const guarded = (name: string, f: () => void): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      stopped.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  };
  if (guarded('index', () => index.link())) for (const check of CROSS_CHECKS) guarded(check.name, () => check(index));
  if (stopped.length && !schemaErrors) {
    index.findings.push({
      code: 'ANALYZER',
      severity: Severity.WARNING,
      resource: 'MeshAnalyzer',
      message: `some checks stopped on an object they could not read (${stopped.join('; ')})`,
      fix: 'look for a field with the wrong type in objects of kinds without a schema check (e.g. ReplicaSet); if there is none, report this with the objects',
    });
  }
  const suppressed = suppression(options.suppress ?? []);
  // Only objects that carry the annotation can suppress (most carry none). A finding about an object
  // reads that object's annotation (objects with one name each have their own); the others (refused
  // documents) read those of the objects with their resource name.
  const codesOf = (e: Entry) => (SUPPRESS_ANNOTATION in e.annotations ? e.annotations[SUPPRESS_ANNOTATION].split(',').map((c) => c.trim()) : []);
  const annotationCodes = new Map<string, string[]>();
  for (const e of index.entries) {
    if (SUPPRESS_ANNOTATION in e.annotations) annotationCodes.set(e.resource, [...annotationCodes.get(e.resource) ?? [], ...codesOf(e)]);
  }
  const findings = index.findings
    .filter((f) => {
      const entry = index.entryOf.get(f);
      const codes = entry ? codesOf(entry) : annotationCodes.get(f.resource) ?? [];
      return !codes.includes('*') && !codes.includes(f.code) && !suppressed(f);
    })
    .sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity)
      || a.resource.localeCompare(b.resource) || a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
  return { findings, index };
}

/**
 * Sources for the objects assumed to exist in the cluster, except those the app writes itself or
 * that another construct assumed already (two references to one namespace are one namespace).
 */
function assumedSources(sources: Source[], assumed: any[]): Source[] {
  if (assumed.length === 0) return [];
  const key = (o: any) => `${String(o?.apiVersion).replace(/\/?[^/]*$/, '')}|${o?.kind}|${o?.metadata?.namespace ?? ''}|${o?.metadata?.name}`;
  const seen = new Set(sources.map((s) => key(s.obj)));
  const out: Source[] = [];
  for (const obj of assumed) {
    if (seen.has(key(obj))) continue;
    seen.add(key(obj));
    out.push({ obj, assumed: true });
  }
  return out;
}

/** A predicate for `--suppress` entries: `CODE` or `CODE=<resource glob>`. */
function suppression(entries: string[]): (f: Finding) => boolean {
  const rules = entries.map((entry) => {
    const [code, resource] = entry.split('=', 2).map((s) => s.trim());
    const pattern = resource === undefined ? undefined
      : new RegExp(`^${resource.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
    return { code, pattern };
  });
  return (f) => rules.some((r) => r.code === f.code && (!r.pattern || r.pattern.test(f.resource) || r.pattern.test(istioResource(f.resource))));
}

/** `Kind ns/name` → Istio's `Kind name.ns`. */
function istioResource(resource: string): string {
  const m = /^(\S+) ([^/]+)\/(.+)$/.exec(resource);
  return m ? `${m[1]} ${m[3]}.${m[2]}` : resource;
}

/** The objects of a YAML stream, and SCHEMA errors for the documents kubectl refuses to decode. */
interface ParsedYaml { readonly sources: Source[]; readonly refused: Finding[] }

/**
 * The objects of a YAML stream (documents and the items of lists) as kubectl reads them, tagged
 * with the file; `lines` receives the 1-based line each object (and each refused document's
 * finding) starts on. Empty documents and null list items are skipped, as kubectl skips them.
 */
function parseYaml(text: string, file?: string, lines?: Map<object, number>): ParsedYaml {
  const lineCounter = new LineCounter();
  let docs: KubeDocument[];
  try {
    docs = readKubeYaml(text, lineCounter);
  } catch (e) {
    throw new Error(`${file ?? 'YAML'}: ${(e as Error).message}`);
  }
  const sources: Source[] = [];
  const refused: Finding[] = [];
  docs.forEach(({ value, start, itemStarts }, d) => {
    const list = listItems(value);
    const items: any[] = list ?? [value];
    items.forEach((obj, i) => {
      if (obj === null || obj === undefined) return;
      const at = list ? itemStarts?.[i] : start;
      const refusal = undecodableFinding(obj, `document ${d + 1}${list ? `, items[${i}]` : ''}`);
      const key: object = refusal ? (file === undefined ? refusal : { ...refusal, file }) : obj;
      if (refusal) refused.push(key as Finding);
      else sources.push({ obj, file });
      if (lines && typeof at === 'number') lines.set(key, lineCounter.linePos(at).line);
    });
  });
  return { sources, refused };
}

/**
 * The items of a list, as apimachinery decodes one: `kind: List` or a typed list
 * (`VirtualServiceList`) with an `items` array. An item with neither kind nor apiVersion gets the
 * list's apiVersion and the list's kind without `List` (none for `kind: List`).
 */
function listItems(value: any): any[] | undefined {
  if (typeof value?.kind !== 'string' || !value.kind.endsWith('List') || !Array.isArray(value.items)) return undefined;
  const itemKind = value.kind.slice(0, -'List'.length);
  const set = (v: unknown) => typeof v === 'string' && v !== '';
  return value.items.map((item: any) => (!isPlainObject(item) || set(item.kind) || set(item.apiVersion) ? item
    : { ...item, ...(itemKind ? { kind: itemKind } : {}), ...(typeof value.apiVersion === 'string' ? { apiVersion: value.apiVersion } : {}) }));
}
