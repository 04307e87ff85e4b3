import { sameSchemaVersion } from './crd-schema';
import { validateObjects } from './validate';

const vs = (spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' }, spec });

describe('the independent validator', () => {
  test('accepts a valid VirtualService', () => {
    expect(() => validateObjects([vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] })])).not.toThrow();
  });
  test('rejects a wrongly typed Istio field (kubernetes-models)', () => {
    expect(() => validateObjects([vs({ hosts: 'a' })])).toThrow(/VirtualService \/x is invalid/);
  });
  test('rejects an unknown Istio field (CRD schema, strict)', () => {
    expect(() => validateObjects([vs({ hosts: ['a'], bogus: 1 })])).toThrow('VirtualService /x is invalid: spec.bogus: unknown field');
  });
  test('rejects a violated CRD CEL rule', () => {
    expect(() => validateObjects([vs({ hosts: ['a'], http: [{ timeout: '0s' }] })])).toThrow(/spec.http\[0\].timeout: must be a valid duration greater than 1ms/);
  });
  test('rejects a Deployment without containers', () => {
    expect(() => validateObjects([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: {} } } }]))
      .toThrow(/Deployment \/x is invalid/);
  });
  test('rejects kinds it cannot validate', () => {
    expect(() => validateObjects([{ apiVersion: 'x/v1', kind: 'Y', metadata: { name: 'z' } }])).toThrow(/no validator/);
  });
  test('validates a v1 Istio object with an older version\'s model only where the pinned CRD serves one schema', () => {
    expect(sameSchemaVersion('networking.istio.io/v1', 'VirtualService', ['networking.istio.io/v1beta1'])).toBe('networking.istio.io/v1beta1');
    expect(sameSchemaVersion('telemetry.istio.io/v1', 'Telemetry', ['telemetry.istio.io/v1alpha1'])).toBe('telemetry.istio.io/v1alpha1');
    expect(sameSchemaVersion('networking.istio.io/v1', 'EnvoyFilter', ['networking.istio.io/v1alpha3'])).toBeUndefined();
  });
});
