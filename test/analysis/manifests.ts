// Hand-written manifests of the CLI and cdk8s-plugin tests (test/analysis/cli.test.ts, test/validation-plugin.test.ts).

/** The injected namespace `app`. */
export const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: app, labels: { istio-injection: enabled } }\n';

/**
 * A VirtualService `app/web` whose gateway `app/missing` does not exist (IST0101); its object starts on line 2.
 * Istio also reports IST0132 for it (no host accepted by a missing gateway): suppressed, one finding is the point.
 */
export const VIRTUAL_SERVICE = `# a comment before the object
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: app, annotations: { galley.istio.io/analyze-suppress: IST0132 } }
spec:
  hosts: [web.example.com]
  gateways: [app/missing]
  http: [{ route: [{ destination: { host: web.example.com } }] }]
`;
