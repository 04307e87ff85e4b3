import { parse } from 'yaml';
import { Severity } from './finding';
import { DATAPLANE_MODE, Entry, MeshIndex, Workload, hasAmbientLabel, isSystemNamespace, matchesLabels, proxyImage } from './mesh-index';
import { asArray } from '../core/collections';
import { isPlainObject } from '../core/json';

/** The injector's ConfigMap (`istio-sidecar-injector`, `istio-sidecar-injector-<revision>`) and its JSON `values`. */
const INJECTOR_CONFIG_MAP = 'istio-sidecar-injector';
const INJECT = 'sidecar.istio.io/inject';
const REVISION = 'istio.io/rev';

/**
 * Sidecar injection: namespace labels (IST0102, IST0123, IST0148), running pods without their
 * proxy (IST0103) or with an outdated one (IST0158), `image: auto` that no injector replaces
 * (IST0146, IST0147) and injector webhooks that overlap (IST0139).
 */
export function checkInjection(index: MeshIndex): void {
  const injectorValues = new Map(index.of('ConfigMap')
    .filter((cm) => cm.name.startsWith(INJECTOR_CONFIG_MAP))
    .map((cm) => [cm.name, parseJson(cm.obj.data?.values)]));
  checkNamespaces(index, injectorValues.get(INJECTOR_CONFIG_MAP)?.sidecarInjectorWebhook?.enableNamespacesByDefault === true);
  const webhooks = injectorWebhooks(index);
  for (const w of index.workloads) checkImageAuto(index, w, webhooks);
  checkWebhookOverlaps(index);
  if (!index.livePods) return;
  for (const pod of index.workloads) {
    if (pod.entry.kind === 'Pod') checkMissingProxy(index, pod);
  }
  checkProxyImages(index, injectorValues);
}

function checkNamespaces(index: MeshIndex, enabledByDefault: boolean): void {
  for (const ns of index.of('Namespace')) {
    if (ns.name === 'istio-system' || ns.name === index.rootNamespace || isSystemNamespace(ns.name)) continue;
    const l = ns.labels;
    const injection = l['istio-injection'];
    const present: string[] = [];
    if (injection !== undefined) present.push(`istio-injection=${injection}`);
    for (const key of [REVISION, DATAPLANE_MODE]) {
      if (key in l && (injection === undefined || injection === 'enabled')) present.push(`${key}=${l[key]}`);
    }
    if (present.length > 1) {
      index.report(ns, 'IST0123', Severity.WARNING, `the namespace has several injection labels (${present.join(', ')}): which one wins is undefined`,
        'keep one: istio-injection=enabled, istio.io/rev=<revision> or istio.io/dataplane-mode=ambient');
    }
    if (hasAmbientLabel(l) || injection || REVISION in l) continue;
    if (enabledByDefault) {
      index.report(ns, 'IST0148', Severity.INFO, 'the namespace has no injection label, and the injector injects it anyway (enableNamespacesByDefault in istio-sidecar-injector)',
        'label it istio-injection=enabled to say so, or istio-injection=disabled to keep sidecars out');
    } else {
      index.report(ns, 'IST0102', Severity.INFO, 'the namespace is not enabled for Istio injection: its pods get no sidecar',
        'label it istio-injection=enabled or istio.io/rev=<revision> (or istio-injection=disabled to say it is deliberate)');
    }
  }
}

/** The namespace labels of a workload's namespace, undefined when the namespace is not among the objects. */
function namespaceLabels(index: MeshIndex, namespace: string): Record<string, string> | undefined {
  return index.namespaces.get(namespace)?.labels;
}

/** Whether a namespace's labels turn injection on (`istio-injection=enabled`, or a revision unless disabled). */
function injectedNamespace(labels: Record<string, string> | undefined): boolean {
  return labels?.['istio-injection'] === 'enabled' || (!!labels?.[REVISION] && labels['istio-injection'] !== 'disabled');
}

/** IST0103: a running pod in an injected namespace, not opted out, has no istio-proxy. */
function checkMissingProxy(index: MeshIndex, pod: Workload): void {
  if (!injectedNamespace(namespaceLabels(index, pod.namespace))) return;
  // The label wins over the deprecated annotation.
  const inject = String(pod.labels[INJECT] ?? pod.annotations[INJECT] ?? '');
  if (inject.toLowerCase() === 'false' || pod.podSpec.hostNetwork === true || proxyImage(pod.podSpec) !== undefined) return;
  index.report(pod.entry, 'IST0103', Severity.WARNING, `the pod runs in injected namespace "${pod.namespace}" without the istio-proxy sidecar: it was created before injection was turned on, or the injector was down`,
    'restart or redeploy the workload so that the injector adds the sidecar');
}

/** An injection webhook: its namespace and object selectors. */
interface Webhook { readonly namespaceSelector: any; readonly objectSelector: any }

/** The webhooks (`*istio.io`) of the MutatingWebhookConfigurations among the objects; undefined when there are none. */
function injectorWebhooks(index: MeshIndex): Webhook[] | undefined {
  const hooks = index.of('MutatingWebhookConfiguration').flatMap((e) => asArray(e.obj.webhooks))
    .filter((h) => String(h?.name ?? '').endsWith('istio.io'));
  return hooks.length ? hooks : undefined;
}

/**
 * Whether the injector mutates pods with these labels in a namespace with these labels: by the
 * webhooks among the objects, else by the selectors of Istio's default injector webhooks.
 */
function injects(webhooks: Webhook[] | undefined, nsLabels: Record<string, string> | undefined, podLabels: Record<string, string>): boolean {
  if (webhooks) return webhooks.some((h) => matchesSelector(h.namespaceSelector, nsLabels ?? {}) && matchesSelector(h.objectSelector, podLabels));
  if (podLabels[INJECT] === 'false') return false;
  if (nsLabels && 'istio-injection' in nsLabels) return nsLabels['istio-injection'] === 'enabled';
  if (nsLabels && REVISION in nsLabels) return true;
  return podLabels[INJECT] === 'true' || REVISION in podLabels;
}

/**
 * `image: auto` on the istio-proxy container is a placeholder the injector replaces: a running pod
 * that still has it was not injected (IST0147); a Deployment no injector webhook selects never will
 * be (IST0146).
 */
function checkImageAuto(index: MeshIndex, w: Workload, webhooks: Webhook[] | undefined): void {
  const auto = asArray(w.podSpec.containers).some((c) => c?.name === 'istio-proxy' && c.image === 'auto');
  if (!auto) return;
  if (w.entry.kind === 'Pod') {
    if (index.livePods) {
      index.report(w.entry, 'IST0147', Severity.ERROR, 'the pod runs with `image: auto` on its istio-proxy container: the injector did not replace it, so the container cannot start',
        'label the namespace (istio-injection=enabled or istio.io/rev) or the pod (sidecar.istio.io/inject=true) for injection and recreate the pod');
    }
    return;
  }
  const nsLabels = namespaceLabels(index, w.namespace);
  // Without the namespace or the webhooks, whether the injector selects it is cluster state.
  if (!nsLabels && !webhooks) return;
  if (!injects(webhooks, nsLabels, w.labels)) {
    index.report(w.entry, 'IST0146', Severity.WARNING, `the pod template has \`image: auto\` on its istio-proxy container, but no injector webhook selects it in namespace "${w.namespace}": its pods cannot start`,
      'label the namespace for injection (istio-injection=enabled or istio.io/rev=<revision>), or the pod template sidecar.istio.io/inject=true');
  }
}

/**
 * IST0158: running pods whose proxy image is not the one the injector of their namespace's
 * revision injects (the injector ConfigMap's `global.hub`, `global.tag`, `global.proxy.image`,
 * with the ProxyConfig image type as suffix).
 */
function checkProxyImages(index: MeshIndex, injectorValues: Map<string, any>): void {
  if (injectorValues.size === 0) return;
  const images = new Map([...injectorValues].map(([name, values]) => [name, injectorImage(values)]));
  const mismatched = new Map<string, Set<string>>();
  for (const pod of index.workloads) {
    if (pod.entry.kind !== 'Pod' || pod.annotations['sidecar.istio.io/proxyImage']) continue;
    const nsLabels = namespaceLabels(index, pod.namespace);
    const revision = nsLabels?.[REVISION] ?? (nsLabels?.['istio-injection'] === 'enabled' ? 'default' : undefined);
    if (revision === undefined) continue;
    const expected = images.get(revision === 'default' ? INJECTOR_CONFIG_MAP : `${INJECTOR_CONFIG_MAP}-${revision}`);
    if (expected === undefined) continue;
    const variant = imageType(index, pod);
    const proxies = [...asArray(pod.podSpec.containers), ...asArray(pod.podSpec.initContainers)].filter((c) => c?.name === 'istio-proxy');
    if (proxies.some((c) => c.image !== expected && c.image !== `${expected}-${variant}`)) {
      const set = mismatched.get(pod.namespace) ?? new Set<string>();
      mismatched.set(pod.namespace, set.add(pod.entry.name));
    }
  }
  for (const [namespace, pods] of mismatched) {
    const ns = index.namespaces.get(namespace);
    if (!ns) continue;
    index.report(ns, 'IST0158', Severity.WARNING,
      `the istio-proxy image of pod(s) ${[...pods].sort().join(', ')} is not the one the injector injects now: they run an older (or newer) proxy`,
      'restart or redeploy these workloads so that they get the current proxy');
  }
}

/** The image the injector writes: `global.proxy.image` when it is a full reference, else `<hub>/<image>:<tag>`. */
function injectorImage(values: any): string {
  const g = values?.global ?? {};
  const image = String(g.proxy?.image ?? '');
  return image.includes('/') ? image : `${g.hub ?? ''}/${image}:${g.tag ?? ''}`;
}

/**
 * The proxy image type (`distroless`, ...) of a pod, Istio's effective ProxyConfig: the mesh
 * default, then the root namespace's ProxyConfig, the namespace's, those selecting the pod, and the
 * pod's `proxy.istio.io/config` annotation; `default` is none.
 */
function imageType(index: MeshIndex, pod: Workload): string {
  let variant = '';
  const take = (v: unknown) => {
    if (typeof v === 'string' && v) variant = v;
  };
  for (const m of index.mesh.meshConfigs) take(m?.defaultConfig?.image?.imageType);
  for (const pc of index.inNamespace('ProxyConfig', index.rootNamespace)) take(pc.spec.image?.imageType);
  const local = pod.namespace === index.rootNamespace ? [] : index.inNamespace('ProxyConfig', pod.namespace);
  for (const pc of local) if (!isPlainObject(pc.spec.selector)) take(pc.spec.image?.imageType);
  const selects = (pc: Entry) => isPlainObject(pc.spec.selector) && matchesLabels(pc.spec.selector.matchLabels, pod.labels);
  for (const pc of local) if (selects(pc)) take(pc.spec.image?.imageType);
  const annotation = pod.annotations['proxy.istio.io/config'];
  if (typeof annotation === 'string') {
    try {
      take(parse(annotation)?.image?.imageType);
    } catch {
      // IST0125 reports a malformed annotation.
    }
  }
  return variant === 'default' ? '' : variant;
}

/**
 * IST0139: two injector webhooks (of Istio's MutatingWebhookConfigurations) select the same pods,
 * which are then injected twice; a webhook's control-plane Service is checked where the Services
 * of its namespace are among the objects.
 */
function checkWebhookOverlaps(index: MeshIndex): void {
  const configs = index.of('MutatingWebhookConfiguration').filter((e) => revisionsOf(e).length > 0 || asArray(e.obj.webhooks).some((h) => String(h?.name ?? '').endsWith('istio.io')));
  if (configs.length === 0) return;
  const hooks = configs.flatMap((e) => asArray(e.obj.webhooks).map((h) => ({ e, h, id: `${e.name}/${h?.name}` })));
  const revisions = [...new Set(configs.flatMap(revisionsOf))];
  // The label sets Istio probes: none, injection on or off, each also with every revision.
  const probes = (base: Record<string, string>[]) => [...base, ...revisions.flatMap((rev) => base.map((l) => ({ ...l, [REVISION]: rev })))];
  const nsSets = probes([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }]);
  const podSets = probes([{}, { [INJECT]: 'true' }, { [INJECT]: 'false' }]);
  const reported = new Set<string>();
  for (const nsLabels of nsSets) {
    for (const podLabels of podSets) {
      const matching = hooks.filter(({ h }) => matchesSelector(h?.namespaceSelector, nsLabels) && matchesSelector(h?.objectSelector, podLabels));
      if (matching.length < 2) continue;
      for (const m of matching) {
        const others = matching.filter((o) => o !== m).map((o) => o.id).sort();
        const key = `${m.id}|${others.join(',')}`;
        if (reported.has(key)) continue;
        reported.add(key);
        index.report(m.e, 'IST0139', Severity.ERROR, `webhook ${m.h?.name} overlaps with ${others.join(', ')}: pods they both select are injected twice`,
          'make the namespace and object selectors of the injector webhooks disjoint (remove the webhooks of an old revision)');
      }
    }
  }
  for (const { e, h } of hooks) {
    const service = h?.clientConfig?.service;
    if (!isPlainObject(service)) continue;
    const namespace = String(service.namespace ?? '');
    const name = String(service.name ?? '');
    // The Service is cluster state unless the objects hold Services of its namespace.
    if (index.inNamespace('Service', namespace).length === 0 || index.get('Service', namespace, name)) continue;
    index.report(e, 'IST0139', Severity.ERROR, `webhook ${h.name} calls control-plane Service ${namespace}/${name}, which does not exist: injection fails`,
      'point clientConfig.service at the istiod Service of the revision, or remove the webhook');
  }
}

/** The revisions a webhook configuration serves: its `istio.io/rev` label and the revisions its selectors name. */
function revisionsOf(e: Entry): string[] {
  const out = new Set<string>();
  if (e.labels[REVISION] !== undefined) out.add(e.labels[REVISION]);
  for (const h of asArray(e.obj.webhooks)) {
    for (const selector of [h?.namespaceSelector, h?.objectSelector]) {
      if (!isPlainObject(selector)) continue;
      const value = (selector as any).matchLabels?.[REVISION];
      if (value !== undefined) out.add(String(value));
      for (const req of asArray((selector as any).matchExpressions)) {
        if (req?.key === REVISION) for (const v of asArray(req.values)) out.add(String(v));
      }
    }
  }
  return [...out];
}

/**
 * Whether labels match a Kubernetes LabelSelector (`matchLabels` and `matchExpressions` with In,
 * NotIn, Exists, DoesNotExist); no selector matches everything, a malformed one nothing.
 */
export function matchesSelector(selector: any, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isPlainObject(selector)) return false;
  const s = selector as any;
  if (s.matchLabels !== undefined && !(isPlainObject(s.matchLabels) && matchesLabels(s.matchLabels, labels))) return false;
  return asArray(s.matchExpressions).every((req) => {
    const has = Object.prototype.hasOwnProperty.call(labels, req?.key);
    const values = asArray(req?.values).map(String);
    switch (req?.operator) {
      case 'In': return has && values.includes(labels[req.key]);
      case 'NotIn': return !has || !values.includes(labels[req.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

function parseJson(text: unknown): any {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

