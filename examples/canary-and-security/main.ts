import { App } from 'cdk8s';
import { CanaryAndSecurity } from './chart';

const app = new App({ outdir: 'dist' });
new CanaryAndSecurity(app, 'canary-and-security');
app.synth();
