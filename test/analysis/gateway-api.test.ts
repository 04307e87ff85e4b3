import { baseMesh } from './fixtures';
import { GATEWAY_API_OWN_CASES } from './gateway-api-cases';
import { MeshAnalyzer } from '../../src';

describe('GATEWAY_API findings (Gateway API status conditions)', () => {
  test.each(GATEWAY_API_OWN_CASES.map((c) => [c.message, c]))('%s: fires, and not on the corrected objects', (_name, c) => {
    const findings = MeshAnalyzer.analyze([...baseMesh(), ...c.bad]);
    const hit = findings.find((f) => f.code === c.code && f.message.includes(c.message));
    expect(hit).toBeDefined();
    expect(hit!.severity).toBe(c.severity);
    expect(MeshAnalyzer.analyze([...baseMesh(), ...c.good]).filter((f) => f.code === c.code)).toEqual([]);
  });
});
