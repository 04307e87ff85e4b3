// Validation of synthesized objects: every object is checked against the JSON schemas of
// kubernetes-models (Kubernetes API), @kubernetes-models/istio (Istio CRDs) and
// @kubernetes-models/gateway-api (Gateway API, types and enums only), an independent validator,
// and by the library's own schemaFindings (pinned Istio 1.30.3 and Gateway API v1.5.1 CRDs with
// unknown fields rejected, and their CEL rules).
import * as gatewayV1 from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import * as gatewayV1Beta1 from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1';
import * as networking from '@kubernetes-models/istio/networking.istio.io/v1';
import * as security from '@kubernetes-models/istio/security.istio.io/v1';
import * as telemetry from '@kubernetes-models/istio/telemetry.istio.io/v1';
import { App, Chart, Testing } from 'cdk8s';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import { schemaFindings } from '../src/analysis/schema';

interface ModelClass { apiVersion: string; kind: string; new (data: any): { validate(): void } }

const MODELS = new Map<string, ModelClass>();
for (const mod of [networking, security, telemetry, gatewayV1, gatewayV1Beta1, apps, autoscaling, policy, rbac, core]) {
  for (const value of Object.values(mod) as any[]) {
    if (typeof value === 'function' && value.apiVersion && value.kind) MODELS.set(`${value.apiVersion}/${value.kind}`, value);
  }
}

/** Throws unless every object passes its schema; objects of unknown kinds are errors too. */
export function validateObjects(objects: any[]): void {
  for (const obj of objects) {
    const model = MODELS.get(`${obj.apiVersion}/${obj.kind}`);
    const where = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    if (!model) throw new Error(`no validator for ${obj.apiVersion} ${obj.kind} (${where})`);
    try {
      new model(obj).validate();
      const findings = schemaFindings(obj);
      if (findings.length) throw new Error(findings.map((f) => f.message).join('; '));
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
