// The reference setup of the design notes: managed ASM (Regular channel), an ingress gateway
// routing /hello to `front`, `front` allowed to call `backend`, JSON access logs and Cloud Trace.
// In an app repo the import is `from 'cdk8s-mesh'`.
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AccessLog, IngressGateway, HttpMatch, MeshNamespace, MeshPlatform, MeshService, ReleaseChannel, Tracing,
  TracingConfig,
} from 'cdk8s-mesh';

export class AsmQuickstart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    MeshPlatform.asmManaged({ channel: ReleaseChannel.REGULAR }).applyTo(this);

    const gatewayNs = new MeshNamespace(this, 'istio-gateway');
    const appNs = new MeshNamespace(this, 'app');

    // Drain settings that let in-flight requests finish when pods stop.
    const sidecar = {
      holdApplicationUntilProxyStarts: true,
      minimumDrainDuration: Duration.seconds(10),
      exitOnZeroActiveConnections: true,
    };

    const backend = new MeshService(this, 'backend', {
      namespace: appNs,
      image: 'us-docker.pkg.dev/my-project/samples/backend:1.0.0',
      ports: [{ port: 3100, name: 'http-web' }],
      serviceAccount: { name: 'backend-sa' },
      sidecar,
    });
    const front = new MeshService(this, 'front', {
      namespace: appNs,
      image: 'us-docker.pkg.dev/my-project/samples/front:1.0.0',
      ports: [{ port: 3000, name: 'http-web' }],
      serviceAccount: { name: 'front-sa', gcpServiceAccount: 'front@my-project.iam.gserviceaccount.com' },
      env: { BACKEND_URL: `http://${backend.fqdn}:3100` },
      sidecar,
    });
    backend.allowFrom(front);

    // The reference runs one gateway pod (without replicas, an autoscaler would run 2 to 5).
    const gateway = new IngressGateway(this, 'ingress', { namespace: gatewayNs, replicas: 1 });
    gateway.route({ match: HttpMatch.prefix('/hello'), to: front });

    new TracingConfig(this, 'observability', {
      accessLog: AccessLog.json(),
      tracing: Tracing.cloudTrace(),
    });
  }
}
