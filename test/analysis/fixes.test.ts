import { REVIEWS, baseMesh, dr } from './fixtures';
import { MeshAnalyzer } from '../../src';

/** `code resource: message` of every finding with one of these codes. */
const findings = (objects: any[], ...codes: string[]) => MeshAnalyzer.analyze(objects)
  .filter((f) => codes.includes(f.code)).map((f) => `${f.code} ${f.resource}: ${f.message}`);

const workloadEntry = (name: string, namespace: string, labels: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name, namespace }, spec: { address: '10.0.0.7', labels },
});

describe('IST0173 counts WorkloadEntries as endpoints', () => {
  const v2 = dr('d', 'app', { host: REVIEWS, subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
  test('a subset only a WorkloadEntry selected by the Service carries is not reported', () => {
    expect(findings([...baseMesh(), v2], 'IST0173')).toEqual([expect.stringContaining('IST0173 DestinationRule app/d: subset "v2" selects no pods')]);
    expect(findings([...baseMesh(), v2, workloadEntry('vm', 'app', { app: 'reviews', version: 'v2' })], 'IST0173')).toEqual([]);
  });
  test('a WorkloadEntry in another namespace, or without the Service selector\'s labels, does not count', () => {
    expect(findings([...baseMesh(), v2, workloadEntry('vm', 'gw', { app: 'reviews', version: 'v2' })], 'IST0173')).toHaveLength(1);
    expect(findings([...baseMesh(), v2, workloadEntry('vm', 'app', { app: 'ratings', version: 'v2' })], 'IST0173')).toHaveLength(1);
  });
});
