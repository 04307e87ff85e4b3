import * as fs from 'fs';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import * as ts from 'typescript';
import * as mesh from '../src';
import { validateObjects } from './validate';

/** The README's quick-start app runs as written against this library and synthesizes valid, analyzed objects. */
test('the README quick-start snippet works', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const snippet = /```ts\n(import \{ App, Chart \} from 'cdk8s';[\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet).toBeDefined();
  const js = ts.transpileModule(snippet!.replace('app.synth();', 'result.app = app;'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const result: { app?: App } = {};
  const modules: Record<string, unknown> = { 'cdk8s': cdk8s, 'cdk8s-plus-34': kplus, 'cdk8s-mesh': mesh };
  new Function('require', 'exports', 'result', js)((m: string) => modules[m], {}, result);
  const objects = result.app!.charts.flatMap((c) => c.toJson());
  validateObjects(objects);
  expect(mesh.MeshAnalyzer.analyze(objects)).toEqual([]);
  const front = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'front');
  expect(front.spec.template.metadata.labels.app).toBe('front');
  expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'front').spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 3000, protocol: 'TCP' }]);
  expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['AuthorizationPolicy', 'Gateway', 'VirtualService', 'PeerAuthentication', 'ConfigMap']));
});
