import { Source } from '../src';

describe('request-security mistakes fail with the construct and the fix', () => {
  test('a principal with the spiffe:// scheme would never match', () => {
    expect(() => Source.principals('spiffe://cluster.local/ns/app/sa/front'))
      .toThrow('Source.principals: "spiffe://cluster.local/ns/app/sa/front" starts with spiffe://, but Istio matches principals without the scheme '
        + '(<trust domain>/ns/<namespace>/sa/<service account>), so it would never match: write "cluster.local/ns/app/sa/front"');
    expect(Source.principals('cluster.local/ns/app/sa/front')._toIstio()).toEqual({ principals: ['cluster.local/ns/app/sa/front'] });
  });
});
