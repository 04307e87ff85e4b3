import { App } from 'cdk8s';
import { AmbientGatewayApi } from './chart';
import { MeshDiagram } from 'cdk8s-mesh';

const app = new App({ outdir: 'dist' });
new AmbientGatewayApi(app, 'ambient-gateway-api');
app.synth();
MeshDiagram.writeToOutdir(app); // opt-in: dist/mesh-diagram.md, a Mermaid picture for reviews
