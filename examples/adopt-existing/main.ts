import { App } from 'cdk8s';
import { AdoptExisting } from './chart';
import { MeshDiagram } from 'cdk8s-mesh';

const app = new App({ outdir: 'dist' });
new AdoptExisting(app, 'adopt-existing');
app.synth();
MeshDiagram.writeToOutdir(app);
