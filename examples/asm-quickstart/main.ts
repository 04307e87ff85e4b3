import { App } from 'cdk8s';
import { AsmQuickstart } from './chart';
import { MeshDiagram } from 'cdk8s-mesh';

const app = new App({ outdir: 'dist' });
new AsmQuickstart(app, 'asm-quickstart');
app.synth();
MeshDiagram.writeToOutdir(app); // opt-in: dist/mesh-diagram.md, a Mermaid picture for reviews
