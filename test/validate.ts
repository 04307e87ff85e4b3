// Validation of synthesized objects: every object is checked against the JSON schemas of
// kubernetes-models (Kubernetes API) and @kubernetes-models/istio (Istio CRDs), an independent
// validator, by ajv over the pinned Istio and Gateway API CRD schemas with unknown fields rejected
// (./crd-schema; the Gateway API's only independent check, since the Gateway API models that run on
// Node 20 predate v1.5), and by the library's own schemaFindings (the same CRDs, and their CEL rules).
import * as networking from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import * as security from '@kubernetes-models/istio/security.istio.io/v1';
import * as securityBeta from '@kubernetes-models/istio/security.istio.io/v1beta1';
import * as telemetry from '@kubernetes-models/istio/telemetry.istio.io/v1alpha1';
import { App, Chart, Testing } from 'cdk8s';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import { crdFindings, hasCrdSchemas, sameSchemaVersion } from './crd-schema';
import { schemaFindings } from '../src/analysis/schema';

interface ModelClass { apiVersion: string; kind: string; new (data: any): { validate(): void } }

const MODELS = new Map<string, ModelClass>();
for (const mod of [networking, security, securityBeta, telemetry, apps, autoscaling, policy, rbac, core]) {
  for (const value of Object.values(mod) as any[]) {
    if (typeof value === 'function' && value.apiVersion && value.kind) MODELS.set(`${value.apiVersion}/${value.kind}`, value);
  }
}

/**
 * The kubernetes-models validator of an object. The Istio models that run on Node 20 (@kubernetes-models/istio 2)
 * predate the v1 APIs: a v1 object is validated by the model of an older version only where the pinned CRD
 * serves both versions with one schema.
 */
function modelOf(obj: any): ModelClass | undefined {
  const exact = MODELS.get(`${obj.apiVersion}/${obj.kind}`);
  if (exact) return exact;
  const older = sameSchemaVersion(obj.apiVersion, obj.kind, [...MODELS.values()].filter((m) => m.kind === obj.kind).map((m) => m.apiVersion));
  return older ? MODELS.get(`${older}/${obj.kind}`) : undefined;
}

/** Throws unless every object passes its schema; objects of unknown kinds are errors too. */
export function validateObjects(objects: any[]): void {
  for (const obj of objects) {
    const model = modelOf(obj);
    const where = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const gatewayApi = String(obj.apiVersion).startsWith('gateway.networking.k8s.io/') && hasCrdSchemas(obj);
    if (!model && !gatewayApi) throw new Error(`no validator for ${obj.apiVersion} ${obj.kind} (${where})`);
    try {
      if (model) new model({ ...obj, apiVersion: model.apiVersion }).validate();
      const findings = [...schemaFindings(obj).map((f) => f.message), ...crdFindings(obj)];
      if (findings.length) throw new Error(findings.join('; '));
    } catch (e) {
      throw new Error(`${where} is invalid: ${(e as Error).message}`);
    }
  }
}

/** Synthesizes a chart (Testing.synth), validates every object and returns them. */
export function synthValid(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  validateObjects(objects);
  return objects;
}

/** Synthesizes an app to YAML twice, checks the bytes are equal, validates every object, returns the YAML. */
export function synthAppValid(app: App): string {
  const yaml = app.synthYaml();
  expect(app.synthYaml()).toBe(yaml);
  for (const chart of app.charts) validateObjects(Testing.synth(chart));
  return yaml;
}

/** The object of this kind and name (and namespace, when given); fails the test when absent. */
export function find(objects: any[], kind: string, name: string, namespace?: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ?? '*'}/${name} among: ${objects.map((o) => `${o.kind} ${o.metadata?.name}`).join(', ')}`);
  return found;
}
