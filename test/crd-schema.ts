// Independent oracle for src/analysis/schema.ts (test/schema.test.ts): ajv over the raw pinned
// Istio 1.30.3 CRDs (../shared/istio/1.30.3/crds.yaml, or $ISTIO_CRDS), with unknown fields
// rejected as by `kubectl apply --validate=strict`. Structural schema only, no CEL rules.
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

const CRDS = process.env.ISTIO_CRDS ?? path.join(__dirname, '..', '..', 'shared', 'istio', '1.30.3', 'crds.yaml');

let validators: Map<string, ValidateFunction> | undefined;

/** Every sub-schema of a schema (of the generated artifacts, in the schema tests). */
export function* walk(s: any): Generator<any> {
  if (!s || typeof s !== 'object') return;
  yield s;
  for (const sub of Object.values(s.properties ?? {})) yield* walk(sub);
  if (typeof s.additionalProperties === 'object') yield* walk(s.additionalProperties);
  yield* walk(s.items);
  yield* walk(s.not);
  for (const key of ['oneOf', 'anyOf', 'allOf']) for (const sub of s[key] ?? []) yield* walk(sub);
}

/** Closes every object schema that does not preserve unknown fields. */
function strict(schema: any): any {
  if (schema && typeof schema === 'object') {
    if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
      schema.additionalProperties = false;
    }
    for (const value of Object.values(schema)) strict(value);
  }
  return schema;
}

function load(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const map = new Map<string, ValidateFunction>();
  for (const doc of parseAllDocuments(fs.readFileSync(CRDS, 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      const schema = strict(version.schema.openAPIV3Schema);
      Object.assign(schema.properties, { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } });
      map.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
  return map;
}

/** Throws unless the Istio object matches its CRD's structural schema (unknown fields included). */
export function validateAgainstCrd(obj: any): void {
  validators ??= load();
  const validate = validators.get(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) throw new Error(`no CRD schema for ${obj.apiVersion} ${obj.kind}`);
  if (!validate(obj)) {
    const errors = validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
    throw new Error(`${obj.kind} ${obj.metadata?.name} does not match the Istio 1.30.3 CRD: ${errors.join('; ')}`);
  }
}
