import { App } from 'cdk8s';
import { CanaryAndSecurity } from './chart';
import { MeshDiagram } from 'cdk8s-mesh';

const app = new App({ outdir: 'dist' });
new CanaryAndSecurity(app, 'canary-and-security');
app.synth();
MeshDiagram.writeToOutdir(app); // opt-in: dist/mesh-diagram.md, a Mermaid picture for reviews
