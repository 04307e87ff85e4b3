import { Testing } from 'cdk8s';
import * as yaml from 'yaml';
import { EgressGateway, ExternalService, MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService, Protocol, Source, TlsOriginationMode } from '../src';
import { meshChart } from './helpers';

test('scratch', () => {
  const chart = meshChart(MeshPlatform.istio());
  const app = new MeshNamespace(chart, 'app');
  const egress = new MeshNamespace(chart, 'istio-egress');
  const ext = new MeshNamespace(chart, 'external');
  const sleep = new MeshService(chart, 'sleep', { namespace: app, image: 's', port: 80 });
  const cnn = new ExternalService(chart, 'cnn', { namespace: ext, hosts: ['edition.cnn.com'], tlsOrigination: {} });
  const gw = new EgressGateway(chart, 'egw', { namespace: egress });
  const nginx = new ExternalService(chart, 'nginx', { namespace: ext, hosts: ['my-nginx.example.com'], ports: [{ port: 80, protocol: Protocol.http() }, { port: 443 }] });
  gw.route(nginx, { allowFrom: [Source.namespaces(app)], originateTls: { mode: TlsOriginationMode.MUTUAL, credentialName: 'client-credential' } });
  const api = new ExternalService(chart, 'api', { namespace: ext, hosts: ['api.example.com'] });
  gw.route(api, { allowFrom: [Source.services(sleep)] });
  sleep.talksTo(cnn, nginx, api);
  const objects = Testing.synth(chart);
  console.log(objects.filter((o) => !['Namespace', 'ConfigMap'].includes(o.kind)).map((o) => yaml.stringify(o)).join('---\n'));
  console.log(JSON.stringify(MeshAnalyzer.analyze(objects), null, 1));
});
