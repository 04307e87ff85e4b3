import { App } from 'cdk8s';
import { AsmQuickstart } from './chart';

const app = new App({ outdir: 'dist' });
new AsmQuickstart(app, 'asm-quickstart');
app.synth();
