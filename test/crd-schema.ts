// Independent oracle for src/analysis/schema.ts: ajv (a second implementation of the validation) over the
// pinned Istio 1.30.3 and Gateway API v1.5.1 CRD schemas that `npx projen import` generates into
// src/imports/istio-schemas.ts and gateway-api-schemas.ts (each CRD version's openAPIV3Schema without its
// descriptions), with unknown fields rejected as by `kubectl apply --validate=strict`. Structural schema
// only, no CEL rules. Nothing is read from disk.
import Ajv, { ValidateFunction } from 'ajv';
import { GATEWAY_API_CRD_SCHEMAS } from '../src/imports/gateway-api-schemas';
import { ISTIO_CRD_SCHEMAS } from '../src/imports/istio-schemas';

type CrdSchemas = { readonly kinds: { [gvk: string]: number }; readonly schemas: any[] };

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
/** Compiled validators by schema. */
const compiled = new Map<any, ValidateFunction>();

/** The generated schemas of an object's API group, if this oracle has them. */
function schemasOf(apiVersion: string): CrdSchemas | undefined {
  const group = String(apiVersion).split('/')[0];
  if (group.endsWith('.istio.io')) return ISTIO_CRD_SCHEMAS;
  if (group === 'gateway.networking.k8s.io') return GATEWAY_API_CRD_SCHEMAS;
  return undefined;
}

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

function validatorOf(source: any): ValidateFunction {
  let validate = compiled.get(source);
  if (!validate) {
    const schema = strict(structuredClone(source));
    Object.assign(schema.properties, { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } });
    validate = ajv.compile(schema);
    compiled.set(source, validate);
  }
  return validate;
}

/** Whether this oracle has the schemas of the object's API group (Istio's and the Gateway API's). */
export function hasCrdSchemas(obj: any): boolean {
  return schemasOf(obj.apiVersion) !== undefined;
}

/**
 * ajv's complaints about an object of an Istio or Gateway API group (none for a valid one); objects of
 * other groups are not this oracle's.
 */
export function crdFindings(obj: any): string[] {
  const crds = schemasOf(obj.apiVersion);
  if (!crds) return [];
  const index = crds.kinds[`${obj.apiVersion}/${obj.kind}`];
  if (index === undefined) return [`no CRD schema for ${obj.apiVersion} ${obj.kind}`];
  const validate = validatorOf(crds.schemas[index]);
  if (validate(obj)) return [];
  return validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
}

/** The first of `candidates` (apiVersions) that the pinned CRD of `kind` serves with the same schema as `apiVersion`. */
export function sameSchemaVersion(apiVersion: string, kind: string, candidates: string[]): string | undefined {
  const index = ISTIO_CRD_SCHEMAS.kinds[`${apiVersion}/${kind}`];
  return index === undefined ? undefined : candidates.find((c) => ISTIO_CRD_SCHEMAS.kinds[`${c}/${kind}`] === index);
}
