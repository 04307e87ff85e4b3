// Admission-equivalent schema checks: an Istio or Gateway API object must match the structural
// schema of its pinned CRD version (with the CRD's defaults applied first, as the API server does)
// and satisfy the CRD's CEL rules, and a core Kubernetes object the fields and types of its kind,
// with unknown fields rejected as by `kubectl apply --validate=strict`. The schemas are generated
// into src/imports/ (istio-schemas.ts and gateway-api-schemas.ts by `npx projen import`,
// k8s-schemas.ts by `npx projen import:k8s`); this file interprets the OpenAPI subset they use
// (test/schema.test.ts fails when they use a keyword not handled here).
import { CEL_RULES } from './cel-rules';
import { Finding, Severity } from './finding';
import { GATEWAY_API_CEL_RULES } from './gateway-api-cel-rules';
import { isFormatIp } from './ip-address';
import { isPlainObject } from '../core/json';
import { isDnsLabel, isDnsSubdomain, isServiceName } from '../core/names';
import { GATEWAY_API_CRD_SCHEMAS } from '../imports/gateway-api-schemas';
import { ISTIO_CRD_SCHEMAS } from '../imports/istio-schemas';
import { K8S_SCHEMAS } from '../imports/k8s-schemas';

/** One schema violation, before it becomes a Finding. */
interface Problem { readonly path: string; readonly message: string; readonly fix: string }

// metadata is not part of a CRD's schema: the API server validates it as ObjectMeta.
const ENVELOPE = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: 'ObjectMeta' } };

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The CRD schemas of an API group family: which groups, the pinned release, the generated schemas. */
interface CrdSource { readonly groups: RegExp; readonly release: string; readonly crds: typeof ISTIO_CRD_SCHEMAS }
const GATEWAY_API_SOURCE: CrdSource = { groups: /^gateway\.networking\.k8s\.io$/, release: `the Gateway API ${GATEWAY_API_CRD_SCHEMAS.version}`, crds: GATEWAY_API_CRD_SCHEMAS };
const SOURCES: CrdSource[] = [
  { groups: /\.istio\.io$/, release: `Istio ${ISTIO_CRD_SCHEMAS.version}`, crds: ISTIO_CRD_SCHEMAS },
  GATEWAY_API_SOURCE,
];

/** A source's schemas by `group/version/Kind`, with the ObjectMeta envelope added, built on first use. */
const roots = new Map<CrdSource, Map<string, any>>();
function rootSchemas(source: CrdSource): Map<string, any> {
  let map = roots.get(source);
  if (!map) {
    // The envelope last: a CRD that lists `metadata` (the Gateway API's do) gives it as a bare object.
    const withEnvelope = source.crds.schemas.map((s) => ({ ...s, properties: { ...s.properties, ...ENVELOPE, ...status(s.properties?.status) } }));
    roots.set(source, map = new Map(Object.entries(source.crds.kinds).map(([gvk, i]) => [gvk, withEnvelope[i]])));
  }
  return map;
}

/**
 * The `status` property without its default: the API server drops the status of a created object
 * that has a status subresource (as every CRD here has), so a status default never applies at admission.
 */
function status(schema: any): { status?: any } {
  if (schema?.default === undefined) return {};
  const { default: _, ...rest } = schema;
  return { status: rest };
}

/** JSON type name of a value, with integers told apart from other numbers. */
function typeOf(v: any): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** A test of a value's JSON type against a schema's `type` (and int-or-string). */
function typeTest(s: any): (v: any) => boolean {
  if (s['x-kubernetes-int-or-string']) return (v) => typeof v === 'string' || Number.isInteger(v);
  switch (s.type) {
    case undefined: return () => true;
    case 'object': return isPlainObject;
    case 'array': return Array.isArray;
    case 'integer': return Number.isInteger;
    case 'number': return (v) => typeof v === 'number';
    default: return (v) => typeof v === s.type;
  }
}

// Paths are kept as a stack of segments while the validator descends and turned into text
// (`spec.http[0].route`, `metadata.labels[app]`) only for a problem.
type Segment = string | number | { readonly key: string };
type Path = Segment[];

function pathText(path: Path): string {
  let text = '';
  for (const seg of path) {
    if (typeof seg === 'number') text += `[${seg}]`;
    else if (typeof seg === 'object') text += `[${seg.key}]`;
    else text = text ? `${text}.${seg}` : seg;
  }
  return text;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const quoteList = (xs: any[]) => xs.map((x) => JSON.stringify(x)).join(', ');

/** A schema compiled into a function: appends the problems of `v` at `path` to `out`. */
type Validate = (v: any, path: Path, out: Problem[]) => void;

/** Compiled schemas, by schema object: each sub-schema is compiled once, on first use. */
const COMPILED = new Map<any, Validate>();

function compile(schema: any): Validate {
  let validate = COMPILED.get(schema);
  if (!validate) {
    // A placeholder first, for schemas that refer to themselves through $ref.
    let built: Validate | undefined;
    COMPILED.set(schema, (v, path, out) => built!(v, path, out));
    built = schema.$ref ? compile(K8S_SCHEMAS.defs[schema.$ref]) : build(schema);
    COMPILED.set(schema, validate = built);
  }
  return validate;
}

/** Whether `v` matches a compiled schema. */
function matches(validate: Validate, v: any, path: Path): boolean {
  const out: Problem[] = [];
  validate(v, path, out);
  return out.length === 0;
}

/** The field names of a proto-oneof pattern (`oneOf: [not anyOf required..., required...]`), else undefined. */
function oneofFields(branches: any[]): string[] | undefined {
  const fields = branches.flatMap((b) => b.required ?? []);
  const isOneof = branches.every((b) => (b.required && Object.keys(b).length === 1) || b.not?.anyOf?.every((a: any) => a.required));
  return isOneof ? fields : undefined;
}

function build(s: any): Validate {
  // Steps by the JSON type they apply to, so that a value runs only its own.
  const steps = [...scalarSteps(s), ...combinatorSteps(s), ...ruleSteps(s)];
  const objectOnly = objectSteps(s);
  const arrayOnly = arraySteps(s);
  const nullOk = Boolean(s.nullable || (!s.type && s['x-kubernetes-preserve-unknown-fields']));
  const hasType = typeTest(s);
  const want = s['x-kubernetes-int-or-string'] ? 'integer or string' : s.type;
  return (v, path, out) => {
    if (v === null && nullOk) return;
    if (!hasType(v)) {
      const at = pathText(path);
      out.push({ path: at, message: `must be ${want}, got ${typeOf(v)}`, fix: `set ${at} to ${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want}` });
      return;
    }
    if (typeof v === 'object' && v !== null) {
      for (const step of Array.isArray(v) ? arrayOnly : objectOnly) step(v, path, out);
    }
    for (const step of steps) step(v, path, out);
  };
}

function scalarSteps(s: any): Validate[] {
  const steps: Validate[] = [];
  if (s.enum) {
    const values = new Set(s.enum);
    steps.push((v, path, out) => {
      if (!values.has(v)) {
        const at = pathText(path);
        out.push({ path: at, message: `${JSON.stringify(v)} is not one of ${quoteList(s.enum)}`, fix: `set ${at} to one of ${quoteList(s.enum)}` });
      }
    });
  }
  const number = (test: (v: number) => boolean, problem: (v: number) => Omit<Problem, 'path'>): Validate =>
    (v, path, out) => {
      if (typeof v === 'number' && test(v)) out.push({ path: pathText(path), ...problem(v) });
    };
  const { minimum, maximum, minLength, maxLength } = s;
  if (minimum !== undefined) steps.push(number((v) => v < minimum, (v) => ({ message: `${v} is less than the minimum ${minimum}`, fix: `use a value of at least ${minimum}` })));
  if (maximum !== undefined) steps.push(number((v) => v > maximum, (v) => ({ message: `${v} is greater than the maximum ${maximum}`, fix: `use a value of at most ${maximum}` })));
  if (s.format === 'int32') steps.push(number((v) => v < -INT32 || v >= INT32, (v) => ({ message: `${v} is out of the int32 range`, fix: `use a value from ${-INT32} to ${INT32 - 1}` })));
  const string = (test: (v: string) => boolean, problem: (v: string) => Omit<Problem, 'path'>): Validate =>
    (v, path, out) => {
      if (typeof v === 'string' && test(v)) out.push({ path: pathText(path), ...problem(v) });
    };
  const length = (v: string) => [...v].length; // code points, as Kubernetes counts
  if (maxLength !== undefined) steps.push(string((v) => length(v) > maxLength, (v) => ({ message: `is ${length(v)} characters long, more than ${maxLength}`, fix: `shorten it to ${maxLength} characters` })));
  if (minLength !== undefined) steps.push(string((v) => length(v) < minLength, (v) => ({ message: `is ${length(v)} characters long, less than ${minLength}`, fix: `use at least ${minLength} characters` })));
  if (s.pattern !== undefined) {
    const re = new RegExp(s.pattern, 'u');
    steps.push(string((v) => !re.test(v), (v) => ({ message: `${JSON.stringify(v)} does not match ${s.pattern}`, fix: `use a value matching ${s.pattern}` })));
  }
  if (s.format === 'date-time') steps.push(string((v) => !DATE_TIME.test(v), (v) => ({ message: `${JSON.stringify(v)} is not an RFC 3339 date-time`, fix: 'use a timestamp such as 2024-01-31T12:00:00Z' })));
  if (s.format === 'byte') steps.push(string((v) => !BASE64.test(v), () => ({ message: 'is not base64', fix: 'base64-encode the value' })));
  if (s.format === 'int64') steps.push(number((v) => v < -INT64 || v >= INT64, (v) => ({ message: `${v} is out of the int64 range`, fix: 'use a smaller value' })));
  if (s.format === 'ipv4') steps.push(string((v) => !isFormatIp(v, 4), (v) => ({ message: `${JSON.stringify(v)} is not an IPv4 address`, fix: 'use an IPv4 address such as 192.0.2.10' })));
  if (s.format === 'ipv6') steps.push(string((v) => !isFormatIp(v, 6), (v) => ({ message: `${JSON.stringify(v)} is not an IPv6 address`, fix: 'use an IPv6 address such as 2001:db8::10' })));
  return steps;
}

function objectSteps(s: any): Validate[] {
  const steps: Validate[] = [];
  const required: string[] = s.required ?? [];
  if (required.length) {
    steps.push((v, path, out) => {
      for (const name of required) {
        if (v[name] === undefined || v[name] === null) {
          const at = pathText(path);
          out.push({ path: at, message: `required field "${name}" is missing`, fix: `set ${join(at, name)}` });
        }
      }
    });
  }
  const { minProperties, maxProperties } = s;
  if (minProperties !== undefined || maxProperties !== undefined) {
    steps.push((v, path, out) => {
      const count = Object.keys(v).length;
      if (maxProperties !== undefined && count > maxProperties) out.push({ path: pathText(path), message: `has ${count} entries, more than ${maxProperties}`, fix: `keep at most ${maxProperties} entries` });
      if (minProperties !== undefined && count < minProperties) out.push({ path: pathText(path), message: `has ${count} entries, less than ${minProperties}`, fix: `set at least ${minProperties} entries` });
    });
  }
  // A Map, not the properties object: a key such as "constructor" must not find Object's.
  const properties = new Map<string, any>(Object.entries(s.properties ?? {}));
  // The properties' validators, compiled on first use: a lookup here is cheaper than in COMPILED.
  const compiled = new Map<string, Validate>();
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  const closed = s.type === 'object' && !s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true;
  if (!properties.size && !additional && !closed) return steps;
  steps.push((v, path, out) => {
    for (const key of Object.keys(v)) {
      const value = v[key];
      const prop = properties.get(key);
      // The API server reads a null field as absent (built-in kinds) or prunes it (CRDs); only an
      // unknown field is an error whatever its value.
      if (value === undefined || (value === null && (prop || additional))) continue;
      if (prop) {
        let validate = compiled.get(key);
        if (!validate) compiled.set(key, validate = compile(prop));
        path.push(key);
        validate(value, path, out);
        path.pop();
      } else if (additional) {
        path.push({ key });
        compile(additional)(value, path, out);
        path.pop();
      } else if (closed) {
        const at = pathText(path);
        const known = [...properties.keys()].sort();
        out.push({
          path: join(at, key),
          message: 'unknown field',
          fix: `remove ${JSON.stringify(key)} or correct its name; ${at || 'the object'} has ${known.length ? known.join(', ') : 'no fields'}`,
        });
      }
    }
  });
  return steps;
}

function arraySteps(s: any): Validate[] {
  const steps: Validate[] = [];
  const { minItems, maxItems, items } = s;
  if (minItems !== undefined || maxItems !== undefined) {
    steps.push((v, path, out) => {
      if (maxItems !== undefined && v.length > maxItems) out.push({ path: pathText(path), message: `has ${v.length} items, more than ${maxItems}`, fix: `keep at most ${maxItems} items` });
      if (minItems !== undefined && v.length < minItems) out.push({ path: pathText(path), message: `has ${v.length} items, less than ${minItems}`, fix: `set at least ${minItems} items` });
    });
  }
  if (items) {
    steps.push((v, path, out) => {
      const validate = compile(items);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        validate(v[i], path, out);
        path.pop();
      }
    });
  }
  if (s['x-kubernetes-list-type'] === 'set') {
    steps.push((v, path, out) => {
      const seen = new Set<string>();
      v.forEach((item: any, i: number) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) out.push({ path: `${pathText(path)}[${i}]`, message: `duplicate entry ${key}`, fix: `list ${key} once in ${pathText(path)}` });
        seen.add(key);
      });
    });
  }
  const keys: string[] | undefined = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] : undefined;
  if (keys) {
    steps.push((v, path, out) => {
      const seen = new Set<string>();
      v.forEach((item: any, i: number) => {
        const key = JSON.stringify(keys.map((k) => item?.[k]));
        if (seen.has(key)) {
          const at = pathText(path);
          const desc = keys.map((k) => `${k}=${JSON.stringify(item?.[k])}`).join(', ');
          out.push({ path: `${at}[${i}]`, message: `duplicate entry with ${desc}`, fix: `give every item of ${at} a distinct ${keys.join(' + ')}` });
        }
        seen.add(key);
      });
    });
  }
  return steps;
}

function combinatorSteps(s: any): Validate[] {
  const steps: Validate[] = [];
  if (s.oneOf) {
    const fields = oneofFields(s.oneOf);
    steps.push((v, path, out) => {
      if (s.oneOf.filter((b: any) => matches(compile(b), v, path)).length === 1) return;
      const at = pathText(path);
      out.push(fields
        ? { path: at, message: `only one of ${fields.join(', ')} may be set`, fix: `keep one of ${fields.join(', ')}` }
        : { path: at, message: 'must match exactly one of the schemas in oneOf', fix: `change ${at} to match exactly one alternative of the CRD` });
    });
  }
  if (s.anyOf) {
    steps.push((v, path, out) => {
      if (s.anyOf.some((b: any) => matches(compile(b), v, path))) return;
      const at = pathText(path);
      out.push({ path: at, message: 'must match at least one of the schemas in anyOf', fix: `change ${at} to match an alternative of the CRD` });
    });
  }
  for (const sub of s.allOf ?? []) steps.push((v, path, out) => compile(sub)(v, path, out));
  if (s.not) {
    steps.push((v, path, out) => {
      if (matches(compile(s.not), v, path)) out.push({ path: pathText(path), message: 'must not match the schema in not', fix: `change ${pathText(path)}` });
    });
  }
  return steps;
}

function ruleSteps(s: any): Validate[] {
  // A transition rule compares with the stored object (`oldSelf`), which an object being created has not.
  const rules = (s['x-kubernetes-validations'] ?? []).filter(({ rule }: { rule: string }) => !/\boldSelf\b/.test(rule));
  return rules.map(({ rule, message }: { rule: string; message: string }): Validate => {
    const known = CEL_RULES[rule] ?? GATEWAY_API_CEL_RULES[rule];
    if (!known) throw new Error(`schema: no predicate for the CRD rule ${JSON.stringify(rule)} (update src/analysis/cel-rules.ts or gateway-api-cel-rules.ts)`);
    return (v, path, out) => {
      let ok: boolean;
      try {
        ok = known.test(v);
      } catch {
        ok = false;
      }
      if (!ok) out.push({ path: pathText(path), message: `${message} (CRD rule: ${rule.replace(/\n/g, ' ')})`, fix: known.fix });
    };
  });
}

/** A defaulting function: the value with the schema's defaults filled in (copied where changed, never modified). */
type Defaulter = (v: any) => any;
/** Compiled defaulting, by schema object; undefined where no `default` is reachable from the schema. */
const DEFAULTERS = new Map<any, Defaulter | undefined>();

/**
 * Applies the schema's defaults as the API server does before it validates (a missing property with
 * a `default` gets it, then defaults apply inside it and inside the present values, items and map
 * entries), so that the checks and CEL rules see what admission sees.
 */
function defaulter(s: any): Defaulter | undefined {
  if (DEFAULTERS.has(s)) return DEFAULTERS.get(s);
  DEFAULTERS.set(s, undefined); // a schema that reaches itself through $ref has no defaults of its own below
  const schema = s.$ref ? K8S_SCHEMAS.defs[s.$ref] : s;
  const properties = new Map<string, any>(Object.entries(schema.properties ?? {}));
  const filled = [...properties].filter(([, p]) => p.default !== undefined);
  const inner = new Map<string, Defaulter>();
  for (const [name, p] of properties) {
    const d = defaulter(p);
    if (d) inner.set(name, d);
  }
  const additional = typeof schema.additionalProperties === 'object' ? defaulter(schema.additionalProperties) : undefined;
  const items = schema.items ? defaulter(schema.items) : undefined;
  if (!filled.length && !inner.size && !additional && !items) return undefined;
  const apply: Defaulter = (v) => {
    if (Array.isArray(v)) {
      if (!items) return v;
      let copy: any[] | undefined;
      v.forEach((item, i) => {
        const d = items(item);
        if (d !== item) (copy ??= [...v])[i] = d;
      });
      return copy ?? v;
    }
    if (!isPlainObject(v)) return v;
    let copy: any;
    // A null field is pruned before defaulting, so it gets the default too.
    for (const [name, p] of filled) if (v[name] === undefined || v[name] === null) (copy ??= { ...v })[name] = p.default;
    const source = copy ?? v;
    for (const key of Object.keys(source)) {
      const d = properties.has(key) ? inner.get(key) : additional;
      const value = source[key];
      const defaulted = d && value !== undefined ? d(value) : value;
      if (defaulted !== value) (copy ??= { ...v })[key] = defaulted;
    }
    return copy ?? v;
  };
  DEFAULTERS.set(s, apply);
  return apply;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** The API server's rule for an object's name, by kind: what it checks and how to say it. */
function nameRule(kind: string): { test: (name: string) => boolean; what: string } {
  if (kind === 'Namespace') return { test: isDnsLabel, what: 'a DNS-1123 label (at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit)' };
  if (kind === 'Service') {
    return { test: isServiceName, what: 'a DNS-1035 label (at most 63 lowercase letters, digits and \'-\', starting with a letter, ending with a letter or digit)' };
  }
  if (RBAC_KINDS.has(kind)) return { test: (n) => n !== '.' && n !== '..' && !/[/%]/.test(n), what: 'a path segment (not "." or "..", no "/" or "%")' };
  if (kind === 'CronJob') return { test: (n) => isDnsSubdomain(n) && n.length <= 52, what: 'a DNS-1123 subdomain of at most 52 characters (the Job names get a suffix)' };
  return { test: isDnsSubdomain, what: 'a DNS-1123 subdomain (at most 253 lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit)' };
}

/** The API server's checks of metadata.name (by kind) and metadata.namespace (a DNS-1123 label). */
function checkNames(obj: any, out: Problem[]): void {
  const { name, namespace } = obj.metadata ?? {};
  const suggest = (v: string) => {
    const lower = v.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'a lowercase name';
    return obj.kind === 'Service' && /^[0-9]/.test(lower) ? `svc-${lower}` : lower;
  };
  if (typeof name === 'string' && name) {
    const rule = nameRule(obj.kind);
    if (!rule.test(name)) {
      out.push({ path: 'metadata.name', message: `${JSON.stringify(name)} is not a valid ${obj.kind} name: the API server wants ${rule.what}`, fix: `rename it, e.g. "${suggest(name)}"` });
    }
  }
  if (typeof namespace === 'string' && namespace && !isDnsLabel(namespace)) {
    out.push({
      path: 'metadata.namespace',
      message: `${JSON.stringify(namespace)} is not a valid namespace name: the API server wants a DNS-1123 label (at most 63 lowercase letters, digits and '-')`,
      fix: `use the namespace's name, e.g. "${suggest(namespace)}"`,
    });
  }
}

/** `Kind namespace/name` (`Kind name` when cluster-scoped). */
function resourceOf(obj: any): string {
  const ns = obj?.metadata?.namespace;
  return `${obj?.kind ?? '(no kind)'} ${ns ? `${ns}/` : ''}${obj?.metadata?.name ?? '(no name)'}`;
}

/**
 * The SCHEMA error for a document (or List item) that kubectl refuses to decode as an object: not
 * a mapping, or a mapping without a kind. `where` names it in its stream (`document 2`,
 * `document 2, items[0]`). Undefined for anything kubectl decodes.
 */
export function undecodableFinding(value: unknown, where: string): Finding | undefined {
  const finding = (message: string, fix: string): Finding => ({ code: 'SCHEMA', severity: Severity.ERROR, resource: resourceOf(value), message: `${where}: not a Kubernetes object (${message})`, fix });
  if (!isPlainObject(value)) {
    const type = typeOf(value) === 'array' ? 'sequence' : typeOf(value) === 'integer' ? 'number' : typeOf(value);
    return finding(`a ${type}, where kubectl reads a mapping`, type === 'sequence'
      ? 'write each object as its own document, or as an item of a `kind: List`' : 'make the document a mapping with apiVersion and kind, or remove it');
  }
  const kind = (value as any).kind;
  if (typeof kind === 'string' && kind !== '') return undefined;
  // Field names are case-sensitive: `Kind:` is an unknown field, not the kind.
  const typo = Object.keys(value).find((k) => k !== 'kind' && k.toLowerCase() === 'kind');
  return finding('kubectl: Object \'Kind\' is missing', typo ? `rename "${typo}" to "kind" (field names are case-sensitive)` : 'set apiVersion and kind');
}

/**
 * Admission-equivalent schema findings (code `SCHEMA`, severity ERROR) for one object: an object of
 * an `*.istio.io` API group must match its Istio 1.30.3 CRD version's structural schema and CEL
 * rules, an object of `gateway.networking.k8s.io` its Gateway API v1.5.1 CRD version's (after the
 * CRD's defaults are applied), a core Kubernetes object (the kinds cdk8s-plus emits) its kind's
 * fields and types; unknown fields are errors, as with `kubectl apply --validate=strict`. Other
 * kinds yield no findings here.
 */
export function schemaFindings(obj: any): Finding[] {
  const finding = (p: Problem): Finding => ({ code: 'SCHEMA', severity: Severity.ERROR, resource: resourceOf(obj), message: `${p.path || '(root)'}: ${p.message}`, fix: p.fix });
  if (typeOf(obj) !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return [finding({ path: '', message: 'not a Kubernetes object (apiVersion and kind must be strings)', fix: 'set apiVersion and kind' })];
  }
  const out: Problem[] = [];
  if (!obj.metadata?.name && !obj.metadata?.generateName) out.push({ path: 'metadata', message: 'required field "name" is missing', fix: 'set metadata.name' });
  checkNames(obj, out);
  const core = K8S_SCHEMAS.kinds[`${obj.apiVersion}/${obj.kind}`];
  if (core) {
    compile(K8S_SCHEMAS.defs[core])(obj, [], out);
    return out.map(finding);
  }
  const group = obj.apiVersion.split('/')[0];
  const source = obj.apiVersion.includes('/') ? SOURCES.find((s) => s.groups.test(group)) : undefined;
  // Other kinds: only the API server's name rules apply here.
  if (!source) return out.map(finding);
  const schema = rootSchemas(source).get(`${obj.apiVersion}/${obj.kind}`);
  if (!schema) {
    const kinds = [...rootSchemas(source).keys()].filter((k) => k.endsWith(`/${obj.kind}`)).map((k) => k.slice(0, -obj.kind.length - 1));
    const fix = kinds.length ? `use apiVersion ${kinds.join(' or ')}`
      // Istio's install API (IstioOperator) is read by istioctl install, not served by the cluster.
      : obj.kind === 'IstioOperator' ? 'an IstioOperator is an input of `istioctl install -f`, not an object to apply: keep it out of the manifests you apply and analyze'
        : `use a kind of ${group}`;
    if (source === GATEWAY_API_SOURCE) {
      // The experimental channel's CRDs serve more kinds and versions (TCPRoute, TLSRoute v1alpha2, ...), which Istio implements.
      return [{
        ...finding({ path: 'apiVersion', message: `the standard channel of Gateway API ${GATEWAY_API_CRD_SCHEMAS.version} serves no ${obj.kind} in ${obj.apiVersion}: it needs the experimental channel's CRDs, and is not schema-checked here`, fix: `${fix}, or install the experimental channel` }),
        severity: Severity.WARNING,
      }];
    }
    return [finding({ path: 'apiVersion', message: `${source.release} serves no ${obj.kind} in ${obj.apiVersion}`, fix })];
  }
  compile(schema)(defaulter(schema)?.(obj) ?? obj, [], out);
  return out.map(finding);
}

/** Admission-equivalent schema validation of synthesized objects (see {@link Finding}). */
export class SchemaValidator {
  /**
   * The `SCHEMA` findings for one Kubernetes object (plain JSON, as synthesized): an Istio object
   * must match its Istio 1.30.3 CRD's structural schema and its CEL (`x-kubernetes-validations`)
   * rules, a Gateway API object its Gateway API v1.5.1 CRD's (with the CRD's defaults applied, as
   * the API server does), a core Kubernetes object (the kinds cdk8s-plus emits) its kind's fields
   * and types; unknown fields are errors. Objects of other kinds yield no findings.
   * @param obj the object, as JSON
   */
  public static findings(obj: any): Finding[] {
    return schemaFindings(obj);
  }

  private constructor() {}
}
