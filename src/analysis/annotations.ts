import { parse } from 'yaml';
import { ISTIO_ANNOTATIONS } from './annotation-table';
import { Severity } from './finding';
import { Entry, MeshIndex } from './mesh-index';
import { isCidr } from '../core/names';

const KNOWN = new Map(ISTIO_ANNOTATIONS.map(([name, resources, deprecated]) => [name, { resources: resources.split(','), deprecated }]));
/** Written by Istio itself: never reported. */
const IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

const isUint = (bits: number) => (v: string) => /^\d+$/.test(v) && Number(v) < 2 ** bits;
const list = (item: (v: string) => boolean) => (v: string) => v === '' || v.split(',').every((x) => item(x.trim()));
const orStar = (valid: (v: string) => boolean) => (v: string) => v === '*' || valid(v);
const isInterface = (v: string) => v.length > 0 && v.length <= 15 && !/[\s/]/.test(v);
const isProxyConfig = (v: string) => {
  try {
    // Most values are JSON (this library writes JSON): parse that without the YAML parser's cost.
    const doc = v.trimStart().startsWith('{') ? tryJson(v) ?? parse(v) : parse(v);
    return doc === null || (typeof doc === 'object' && !Array.isArray(doc));
  } catch {
    return false;
  }
};

function tryJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** Istio's injector validators (`AnnotationValidation`), by annotation, with what a valid value is. */
const VALIDATORS: Record<string, [(v: string) => boolean, string]> = {
  'sidecar.istio.io/interceptionMode': [(v) => ['REDIRECT', 'TPROXY', 'NONE'].includes(v), 'REDIRECT, TPROXY or NONE'],
  'status.sidecar.istio.io/port': [isUint(16), 'a port number 0-65535'],
  'readiness.status.sidecar.istio.io/initialDelaySeconds': [isUint(32), 'a whole number of seconds'],
  'readiness.status.sidecar.istio.io/periodSeconds': [isUint(32), 'a whole number of seconds'],
  'readiness.status.sidecar.istio.io/failureThreshold': [isUint(32), 'a whole number'],
  'traffic.sidecar.istio.io/includeOutboundIPRanges': [orStar(list(isCidr)), '"*" or a comma-separated list of CIDRs'],
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': [list(isCidr), 'a comma-separated list of CIDRs'],
  'traffic.sidecar.istio.io/includeInboundPorts': [orStar(list(isUint(16))), '"*" or a comma-separated list of ports'],
  'traffic.sidecar.istio.io/excludeInboundPorts': [list(isUint(16)), 'a comma-separated list of ports'],
  'traffic.sidecar.istio.io/excludeOutboundPorts': [list(isUint(16)), 'a comma-separated list of ports'],
  'traffic.sidecar.istio.io/excludeInterfaces': [list(isInterface), 'a comma-separated list of interface names'],
  'traffic.sidecar.istio.io/kubevirtInterfaces': [list(isInterface), 'a comma-separated list of interface names'],
  'istio.io/reroute-virtual-interfaces': [list(isInterface), 'a comma-separated list of interface names'],
  'prometheus.istio.io/merge-metrics': [(v) => BOOLS.has(v), 'true or false'],
  'proxy.istio.io/config': [isProxyConfig, 'a ProxyConfig as a YAML or JSON object'],
  'sidecar.istio.io/proxyCPU': [(v) => QUANTITY.test(v), 'a Kubernetes quantity (e.g. 100m)'],
  'sidecar.istio.io/proxyMemory': [(v) => QUANTITY.test(v), 'a Kubernetes quantity (e.g. 128Mi)'],
  'sidecar.istio.io/proxyCPULimit': [(v) => QUANTITY.test(v), 'a Kubernetes quantity (e.g. 500m)'],
  'sidecar.istio.io/proxyMemoryLimit': [(v) => QUANTITY.test(v), 'a Kubernetes quantity (e.g. 512Mi)'],
};

/**
 * Istio annotations on Namespaces, Services, Pods and Deployments (IST0107, IST0108, IST0125,
 * IST0135). Pod templates of workloads are checked as the Pods they become.
 */
export function checkAnnotations(index: MeshIndex): void {
  for (const kind of ['Namespace', 'Service', 'Pod', 'Deployment']) {
    for (const e of index.of(kind)) check(index, e, kind, e.annotations, e.labels, 'metadata.annotations');
  }
  for (const w of index.workloads) {
    if (w.entry.kind !== 'Pod') check(index, w.entry, 'Pod', w.annotations, w.labels, 'pod template annotations');
  }
}

function check(index: MeshIndex, e: Entry, kind: string, annotations: Record<string, string>, labels: Record<string, string>, where: string): void {
  for (const [name, value] of Object.entries(annotations)) {
    if (!isIstioAnnotation(name) || IGNORED.has(name)) continue;
    const known = KNOWN.get(name);
    if (!known) {
      index.report(e, 'IST0108', Severity.WARNING, `${where}: unknown Istio annotation "${name}"`,
        'fix the spelling (names are case-sensitive) or remove it');
      continue;
    }
    if (known.deprecated && !(name === 'sidecar.istio.io/inject' && name in labels)) {
      index.report(e, 'IST0135', Severity.INFO, `${where}: annotation "${name}" is deprecated`,
        name === 'sidecar.istio.io/inject' ? 'use the sidecar.istio.io/inject label instead' : 'remove it (see the Istio annotation reference for its replacement)');
    }
    if (known.resources.includes('Any')) continue;
    if (!known.resources.includes(kind)) {
      index.report(e, 'IST0107', Severity.WARNING, `${where}: annotation "${name}" belongs on ${known.resources.join(' or ')}, not on a ${kind}: it has no effect here`,
        known.resources.includes('Pod') ? 'move it to the pod template (spec.template.metadata.annotations)' : `move it to the ${known.resources.join(' or ')}`);
      continue;
    }
    const validator = VALIDATORS[name];
    if (validator && !validator[0](String(value))) {
      index.report(e, 'IST0125', Severity.WARNING, `${where}: annotation "${name}" has an invalid value "${value}"`, `use ${validator[1]}`);
    }
  }
}

/** `kubernetes.io/ingress.class`, or a domain ending in `istio.io`. */
function isIstioAnnotation(name: string): boolean {
  if (name === 'kubernetes.io/ingress.class') return true;
  const slash = name.indexOf('/');
  return slash > 0 && name.slice(0, slash).endsWith('istio.io');
}
