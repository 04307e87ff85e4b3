import { App } from 'cdk8s';
import { Bookinfo, BookinfoRouting } from './chart';
import { MeshDiagram } from 'cdk8s-mesh';

// Every part of the sample at once; test/bookinfo.test.ts synthesizes each routing and fault variant.
const app = new App({ outdir: 'dist' });
new Bookinfo(app, 'bookinfo', { routing: BookinfoRouting.ALL_V1, authorization: true, egress: true });
app.synth();
MeshDiagram.writeToOutdir(app);
