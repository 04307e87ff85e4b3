// Admission-equivalent schema checks: an Istio object must match the structural schema of its
// pinned CRD version and satisfy the CRD's CEL rules, and a core Kubernetes object the fields and
// types of its kind, with unknown fields rejected as by `kubectl apply --validate=strict`. The
// schemas are generated into src/imports/ (istio-schemas.ts by `npx projen import`, k8s-schemas.ts
// by `npx projen import:k8s`); this file interprets the OpenAPI subset they use
// (test/schema.test.ts fails when they use a keyword not handled here).
import { CEL_RULES } from './cel-rules';
import { Finding, Severity } from './finding';
import { ISTIO_CRD_SCHEMAS } from '../imports/istio-schemas';
import { K8S_SCHEMAS } from '../imports/k8s-schemas';

/** One schema violation, before it becomes a Finding. */
interface Problem { readonly path: string; readonly message: string; readonly fix: string }

// metadata is not part of a CRD's schema: the API server validates it as ObjectMeta.
const ENVELOPE = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: 'ObjectMeta' } };

const INT32 = 2 ** 31;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The Istio schemas with the ObjectMeta envelope added, built on first use. */
let roots: Map<string, any> | undefined;
function rootSchemas(): Map<string, any> {
  if (!roots) {
    const withEnvelope = ISTIO_CRD_SCHEMAS.schemas.map((s) => ({ ...s, properties: { ...ENVELOPE, ...s.properties } }));
    roots = new Map(Object.entries(ISTIO_CRD_SCHEMAS.kinds).map(([gvk, i]) => [gvk, withEnvelope[i]]));
  }
  return roots;
}

/** JSON type name of a value, with integers told apart from other numbers. */
function typeOf(v: any): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(s: any, v: any): boolean {
  const t = typeOf(v);
  if (s['x-kubernetes-int-or-string']) return t === 'integer' || t === 'string';
  if (!s.type) return true;
  return s.type === t || (s.type === 'number' && t === 'integer');
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const quoteList = (xs: any[]) => xs.map((x) => JSON.stringify(x)).join(', ');

/** The field names of a proto-oneof pattern (`oneOf: [not anyOf required..., required...]`), else undefined. */
function oneofFields(branches: any[]): string[] | undefined {
  const fields = branches.flatMap((b) => b.required ?? []);
  const isOneof = branches.every((b) => (b.required && Object.keys(b).length === 1) || b.not?.anyOf?.every((a: any) => a.required));
  return isOneof ? fields : undefined;
}

function matches(s: any, v: any, path: string): boolean {
  const out: Problem[] = [];
  check(s, v, path, out);
  return out.length === 0;
}

function checkScalar(s: any, v: any, path: string, out: Problem[]): void {
  if (s.enum && !s.enum.includes(v)) {
    out.push({ path, message: `${JSON.stringify(v)} is not one of ${quoteList(s.enum)}`, fix: `set ${path} to one of ${quoteList(s.enum)}` });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) out.push({ path, message: `${v} is less than the minimum ${s.minimum}`, fix: `use a value of at least ${s.minimum}` });
    if (s.maximum !== undefined && v > s.maximum) out.push({ path, message: `${v} is greater than the maximum ${s.maximum}`, fix: `use a value of at most ${s.maximum}` });
    if (s.format === 'int32' && (v < -INT32 || v >= INT32)) out.push({ path, message: `${v} is out of the int32 range`, fix: `use a value from ${-INT32} to ${INT32 - 1}` });
  }
  if (typeof v === 'string') {
    if (s.maxLength !== undefined || s.minLength !== undefined) {
      const length = [...v].length; // code points, as Kubernetes counts
      if (s.maxLength !== undefined && length > s.maxLength) out.push({ path, message: `is ${length} characters long, more than ${s.maxLength}`, fix: `shorten it to ${s.maxLength} characters` });
      if (s.minLength !== undefined && length < s.minLength) out.push({ path, message: `is ${length} characters long, less than ${s.minLength}`, fix: `use at least ${s.minLength} characters` });
    }
    if (s.pattern !== undefined && !patternOf(s.pattern).test(v)) {
      out.push({ path, message: `${JSON.stringify(v)} does not match ${s.pattern}`, fix: `use a value matching ${s.pattern}` });
    }
    if (s.format === 'date-time' && !DATE_TIME.test(v)) out.push({ path, message: `${JSON.stringify(v)} is not an RFC 3339 date-time`, fix: 'use a timestamp such as 2024-01-31T12:00:00Z' });
    if (s.format === 'byte' && !BASE64.test(v)) out.push({ path, message: 'is not base64', fix: 'base64-encode the value' });
  }
}

/** Compiled `pattern` regexes, by source (a schema has few). */
const PATTERNS = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = PATTERNS.get(source);
  if (!re) PATTERNS.set(source, re = new RegExp(source, 'u'));
  return re;
}

function checkObject(s: any, v: any, path: string, out: Problem[]): void {
  for (const name of s.required ?? []) {
    if (v[name] === undefined) out.push({ path, message: `required field "${name}" is missing`, fix: `set ${join(path, name)}` });
  }
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) out.push({ path, message: `has ${count} entries, more than ${s.maxProperties}`, fix: `keep at most ${s.maxProperties} entries` });
  if (s.minProperties !== undefined && count < s.minProperties) out.push({ path, message: `has ${count} entries, less than ${s.minProperties}`, fix: `set at least ${s.minProperties} entries` });
  for (const [key, value] of Object.entries(v)) {
    if (value === undefined) continue;
    const prop = s.properties?.[key];
    if (prop) {
      check(prop, value, join(path, key), out);
    } else if (typeof s.additionalProperties === 'object') {
      check(s.additionalProperties, value, `${path}[${key}]`, out);
    } else if (s.type === 'object' && !s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true) {
      const known = Object.keys(s.properties ?? {}).sort();
      out.push({
        path: join(path, key),
        message: 'unknown field',
        fix: `remove ${JSON.stringify(key)} or correct its name; ${path || 'the object'} has ${known.length ? known.join(', ') : 'no fields'}`,
      });
    }
  }
}

function checkArray(s: any, v: any[], path: string, out: Problem[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) out.push({ path, message: `has ${v.length} items, more than ${s.maxItems}`, fix: `keep at most ${s.maxItems} items` });
  if (s.minItems !== undefined && v.length < s.minItems) out.push({ path, message: `has ${v.length} items, less than ${s.minItems}`, fix: `set at least ${s.minItems} items` });
  v.forEach((item, i) => s.items && check(s.items, item, `${path}[${i}]`, out));
  const keys: string[] | undefined = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] : undefined;
  if (keys) {
    const seen = new Set<string>();
    v.forEach((item, i) => {
      const key = JSON.stringify(keys.map((k) => item?.[k]));
      if (seen.has(key)) {
        const desc = keys.map((k) => `${k}=${JSON.stringify(item?.[k])}`).join(', ');
        out.push({ path: `${path}[${i}]`, message: `duplicate entry with ${desc}`, fix: `give every item of ${path} a distinct ${keys.join(' + ')}` });
      }
      seen.add(key);
    });
  }
}

function checkCombinators(s: any, v: any, path: string, out: Problem[]): void {
  if (s.oneOf && s.oneOf.filter((b: any) => matches(b, v, path)).length !== 1) {
    const fields = oneofFields(s.oneOf);
    out.push(fields
      ? { path, message: `only one of ${fields.join(', ')} may be set`, fix: `keep one of ${fields.join(', ')}` }
      : { path, message: 'must match exactly one of the schemas in oneOf', fix: `change ${path} to match exactly one alternative of the CRD` });
  }
  if (s.anyOf && !s.anyOf.some((b: any) => matches(b, v, path))) {
    out.push({ path, message: 'must match at least one of the schemas in anyOf', fix: `change ${path} to match an alternative of the CRD` });
  }
  for (const sub of s.allOf ?? []) check(sub, v, path, out);
  if (s.not && matches(s.not, v, path)) out.push({ path, message: 'must not match the schema in not', fix: `change ${path}` });
}

function checkRules(s: any, v: any, path: string, out: Problem[]): void {
  for (const { rule, message } of s['x-kubernetes-validations'] ?? []) {
    const known = CEL_RULES[rule];
    if (!known) throw new Error(`schema: no predicate for the CRD rule ${JSON.stringify(rule)} (update src/analysis/cel-rules.ts)`);
    let ok: boolean;
    try {
      ok = known.test(v);
    } catch {
      ok = false;
    }
    if (!ok) out.push({ path, message: `${message} (CRD rule: ${rule.replace(/\n/g, ' ')})`, fix: known.fix });
  }
}

function check(schema: any, v: any, path: string, out: Problem[]): void {
  const s = schema.$ref ? K8S_SCHEMAS.defs[schema.$ref] : schema;
  if (v === null && (s.nullable || (!s.type && s['x-kubernetes-preserve-unknown-fields']))) return;
  if (!hasType(s, v)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer or string' : s.type;
    out.push({ path, message: `must be ${want}, got ${typeOf(v)}`, fix: `set ${path} to ${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want}` });
    return;
  }
  checkScalar(s, v, path, out);
  if (typeOf(v) === 'object') checkObject(s, v, path, out);
  if (Array.isArray(v)) checkArray(s, v, path, out);
  checkCombinators(s, v, path, out);
  checkRules(s, v, path, out);
}

/** `Kind namespace/name` (`Kind name` when cluster-scoped). */
function resourceOf(obj: any): string {
  const ns = obj?.metadata?.namespace;
  return `${obj?.kind ?? '(no kind)'} ${ns ? `${ns}/` : ''}${obj?.metadata?.name ?? '(no name)'}`;
}

/**
 * Admission-equivalent schema findings (code `SCHEMA`, severity ERROR) for one object: an object of
 * an `*.istio.io` API group must match its Istio 1.30.3 CRD version's structural schema and CEL
 * rules, a core Kubernetes object (the kinds cdk8s-plus emits) its kind's fields and types; unknown
 * fields are errors, as with `kubectl apply --validate=strict`. Other kinds yield no findings here.
 */
export function schemaFindings(obj: any): Finding[] {
  const resource = resourceOf(obj);
  const finding = (p: Problem): Finding => ({ code: 'SCHEMA', severity: Severity.ERROR, resource, message: `${p.path || '(root)'}: ${p.message}`, fix: p.fix });
  if (typeOf(obj) !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return [finding({ path: '', message: 'not a Kubernetes object (apiVersion and kind must be strings)', fix: 'set apiVersion and kind' })];
  }
  const out: Problem[] = [];
  if (!obj.metadata?.name && !obj.metadata?.generateName) out.push({ path: 'metadata', message: 'required field "name" is missing', fix: 'set metadata.name' });
  const core = K8S_SCHEMAS.kinds[`${obj.apiVersion}/${obj.kind}`];
  if (core) {
    check({ $ref: core }, obj, '', out);
    return out.map(finding);
  }
  const group = obj.apiVersion.split('/')[0];
  if (!/\.istio\.io$/.test(group) || !obj.apiVersion.includes('/')) return [];
  const schema = rootSchemas().get(`${obj.apiVersion}/${obj.kind}`);
  if (!schema) {
    const kinds = [...rootSchemas().keys()].filter((k) => k.endsWith(`/${obj.kind}`)).map((k) => k.slice(0, -obj.kind.length - 1));
    return [finding({
      path: 'apiVersion',
      message: `Istio ${ISTIO_CRD_SCHEMAS.version} serves no ${obj.kind} in ${obj.apiVersion}`,
      fix: kinds.length ? `use apiVersion ${kinds.join(' or ')}` : `use a kind of ${group}`,
    })];
  }
  check(schema, obj, '', out);
  return out.map(finding);
}

/** Admission-equivalent schema validation of synthesized objects (see {@link Finding}). */
export class SchemaValidator {
  /**
   * The `SCHEMA` findings for one Kubernetes object (plain JSON, as synthesized): an Istio object
   * must match its Istio 1.30.3 CRD's structural schema and its CEL (`x-kubernetes-validations`)
   * rules, a core Kubernetes object (the kinds cdk8s-plus emits) its kind's fields and types;
   * unknown fields are errors. Objects of other kinds yield no findings.
   * @param obj the object, as JSON
   */
  public static findings(obj: any): Finding[] {
    return schemaFindings(obj);
  }

  private constructor() {}
}
