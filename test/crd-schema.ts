// Independent oracle for src/analysis/schema.ts: ajv (a second implementation of the validation) over the
// pinned Istio 1.30.3 CRD schemas that `npx projen import` generates into src/imports/istio-schemas.ts
// (each CRD version's openAPIV3Schema without its descriptions), with unknown fields rejected as by
// `kubectl apply --validate=strict`. Structural schema only, no CEL rules. Nothing is read from disk.
import Ajv, { ValidateFunction } from 'ajv';
import { ISTIO_CRD_SCHEMAS } from '../src/imports/istio-schemas';

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
/** Compiled validators by index into ISTIO_CRD_SCHEMAS.schemas. */
const compiled = new Map<number, ValidateFunction>();

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

function validatorOf(index: number): ValidateFunction {
  let validate = compiled.get(index);
  if (!validate) {
    const schema = strict(structuredClone(ISTIO_CRD_SCHEMAS.schemas[index]));
    Object.assign(schema.properties, { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } });
    validate = ajv.compile(schema);
    compiled.set(index, validate);
  }
  return validate;
}

/**
 * ajv's complaints about an object of an `*.istio.io` group (none for a valid one); objects of other
 * groups are not this oracle's.
 */
export function crdFindings(obj: any): string[] {
  if (!String(obj.apiVersion).split('/')[0].endsWith('.istio.io')) return [];
  const index = ISTIO_CRD_SCHEMAS.kinds[`${obj.apiVersion}/${obj.kind}`];
  if (index === undefined) return [`no CRD schema for ${obj.apiVersion} ${obj.kind}`];
  const validate = validatorOf(index);
  if (validate(obj)) return [];
  return validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
}

/** The first of `candidates` (apiVersions) that the pinned CRD of `kind` serves with the same schema as `apiVersion`. */
export function sameSchemaVersion(apiVersion: string, kind: string, candidates: string[]): string | undefined {
  const index = ISTIO_CRD_SCHEMAS.kinds[`${apiVersion}/${kind}`];
  return index === undefined ? undefined : candidates.find((c) => ISTIO_CRD_SCHEMAS.kinds[`${c}/${kind}`] === index);
}
