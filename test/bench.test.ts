import { compareVariants } from '../bench/check';

test('the benchmark variants emit the same objects (kind, namespace, name and fields)', () => {
  const { differences, counts } = compareVariants(120);
  expect(differences).toEqual([]);
  // 120 services in 3 namespaces: 6 objects per service, a Namespace and a PeerAuthentication per
  // namespace, the gateway's 8 objects (its namespace and route VirtualService included), the mesh ConfigMap.
  const objects = 120 * 6 + 3 * 2 + 8 + 1;
  expect(counts).toEqual({ 'library': objects, 'library+analysis': objects, 'raw-l1': objects, 'floor': objects });
});
