import { checkList, checkProps, checkString } from '../core/check';
import { checkDnsLabel, checkRange } from '../core/names';

/** A port of an installed gateway's Service. */
export interface InstalledGatewayPort {
  /** The Service port. */
  readonly port: number;
  /**
   * The port the gateway proxy listens on (the Service's targetPort), which the Istio Gateway's servers use.
   * @default - same as `port`
   */
  readonly targetPort?: number;
  /** The Service port's name (`http2`, `https`, `status-port`…). */
  readonly name: string;
}

/** Where and how a gateway was installed outside this app. */
export interface InstalledGatewayProps {
  /** Name of its Deployment and Service. */
  readonly name: string;
  /** Namespace of its pods. */
  readonly namespace: string;
  /** Labels of its pods (an Istio Gateway selects them; `istio` is the usual selector label). */
  readonly podLabels: { [key: string]: string };
  /** The ServiceAccount its pods run as (their SPIFFE identity). */
  readonly serviceAccountName: string;
  /** Its Service's ports. The first port named `http2` or `http` carries HTTP; `https` carries TLS. */
  readonly ports: InstalledGatewayPort[];
}

/** Options of the installation presets. */
export interface InstalledGatewayOptions {
  /**
   * Name of the gateway's Deployment and Service (the Helm release name for the Helm chart).
   * @default 'istio-ingressgateway'
   */
  readonly name?: string;
  /**
   * Namespace of the gateway's pods.
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * Gateway pods and a Service installed outside this app: by Istio's `gateway` Helm chart, by
 * `istioctl install`, by the Cloud Service Mesh gateway recipes, or by hand. An `IngressGateway`
 * with `installed` writes only the Istio Gateway and routes for them.
 */
export class InstalledGateway {
  /**
   * Istio's `gateway` Helm chart (`helm install <name> istio/gateway -n <namespace>`): pod labels
   * `app: <name>`, `istio: <name without "istio-">`, ServiceAccount `<name>`, Service ports 80 and 443
   * on the same pod ports, status port 15021.
   */
  public static istioHelmChart(options: InstalledGatewayOptions = {}): InstalledGateway {
    checkProps('InstalledGateway.istioHelmChart', options, []);
    const name = options.name ?? 'istio-ingressgateway';
    return new InstalledGateway({
      name,
      namespace: options.namespace ?? 'istio-system',
      podLabels: { app: name, istio: name.replace(/^istio-/, '') },
      serviceAccountName: name,
      ports: [{ port: 15021, name: 'status-port' }, { port: 80, name: 'http2' }, { port: 443, name: 'https' }],
    });
  }

  /**
   * The ingress gateway of `istioctl install` (default profile): `istio-ingressgateway` with pod
   * labels `app: istio-ingressgateway`, `istio: ingressgateway`, ServiceAccount
   * `istio-ingressgateway-service-account`, Service ports 80 and 443 on pod ports 8080 and 8443.
   */
  public static istioctl(options: InstalledGatewayOptions = {}): InstalledGateway {
    checkProps('InstalledGateway.istioctl', options, []);
    const name = options.name ?? 'istio-ingressgateway';
    return new InstalledGateway({
      name,
      namespace: options.namespace ?? 'istio-system',
      podLabels: { app: name, istio: name.replace(/^istio-/, '') },
      serviceAccountName: `${name}-service-account`,
      ports: [{ port: 15021, name: 'status-port' }, { port: 80, targetPort: 8080, name: 'http2' }, { port: 443, targetPort: 8443, name: 'https' }],
    });
  }

  /**
   * The Cloud Service Mesh / ASM gateway recipe (`samples/gateways/istio-ingressgateway` of
   * anthos-service-mesh-packages) applied to `namespace`: pod labels `app: istio-ingressgateway`,
   * `istio: ingressgateway`, ServiceAccount `istio-ingressgateway`, Service ports 80 and 443.
   */
  public static cloudServiceMeshRecipe(namespace: string): InstalledGateway {
    checkString('InstalledGateway.cloudServiceMeshRecipe', 'namespace', namespace);
    return new InstalledGateway({
      name: 'istio-ingressgateway',
      namespace,
      podLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      serviceAccountName: 'istio-ingressgateway',
      ports: [{ port: 15021, name: 'status-port' }, { port: 80, name: 'http2' }, { port: 443, name: 'https' }],
    });
  }

  /** A gateway installed some other way, described by its pods and Service. */
  public static of(props: InstalledGatewayProps): InstalledGateway {
    return new InstalledGateway(props);
  }

  /** Name of its Deployment and Service. */
  public readonly name: string;
  /** Namespace of its pods. */
  public readonly namespace: string;
  /** Labels of its pods. */
  public readonly podLabels: { [key: string]: string };
  /** The labels an Istio Gateway selects it by: `istio` when the pods carry it, else all pod labels. */
  public readonly selectorLabels: { [key: string]: string };
  /** The ServiceAccount its pods run as. */
  public readonly serviceAccountName: string;
  /** Its Service's ports. */
  public readonly ports: InstalledGatewayPort[];

  private constructor(props: InstalledGatewayProps) {
    checkProps('InstalledGateway.of', props, ['name', 'namespace', 'podLabels', 'serviceAccountName', 'ports']);
    checkList('InstalledGateway.of', 'ports', props.ports);
    const scope = `InstalledGateway ${props.namespace}/${props.name}`;
    this.name = checkDnsLabel(scope, 'name', props.name);
    this.namespace = checkDnsLabel(scope, 'namespace', props.namespace);
    this.serviceAccountName = checkDnsLabel(scope, 'serviceAccountName', props.serviceAccountName);
    if (Object.keys(props.podLabels).length === 0) throw new Error(`${scope}: podLabels is empty: name the labels of the gateway pods`);
    this.podLabels = { ...props.podLabels };
    this.selectorLabels = 'istio' in this.podLabels ? { istio: this.podLabels.istio } : { ...this.podLabels };
    if (props.ports.length === 0) throw new Error(`${scope}: ports is empty: list the ports of the gateway's Service`);
    const names = props.ports.map((p) => p.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`${scope}: port name "${twice}" appears twice: a Service's port names are unique`);
    this.ports = props.ports.map((p) => ({
      port: checkRange(scope, 'port', p.port, 1, 65535),
      targetPort: checkRange(scope, 'targetPort', p.targetPort ?? p.port, 1, 65535),
      name: checkDnsLabel(scope, 'port name', p.name),
    }));
  }

  /**
   * The pod port of the Service port named one of `names`, which Istio Gateway servers listen on.
   * @internal
   */
  public _listenPort(...names: string[]): number | undefined {
    return this.ports.find((p) => names.includes(p.name))?.targetPort;
  }

  /**
   * The pods and Service as the mesh analysis assumes them.
   * @internal
   */
  public _assumedObjects(): any[] {
    const metadata = { name: this.name, namespace: this.namespace, labels: this.podLabels };
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: {
          selector: { matchLabels: this.podLabels },
          template: {
            metadata: { labels: this.podLabels, annotations: { 'inject.istio.io/templates': 'gateway' } },
            spec: { serviceAccountName: this.serviceAccountName, containers: [{ name: 'istio-proxy', image: 'auto' }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: { selector: this.podLabels, ports: this.ports.map((p) => ({ port: p.port, targetPort: p.targetPort, name: p.name, protocol: 'TCP' })) },
      },
    ];
  }
}
