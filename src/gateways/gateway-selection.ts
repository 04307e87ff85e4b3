// Which gateway pods the Istio Gateways of an app select. istiod applies a Gateway's selector to the
// pods of every namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE is off by default), so a Gateway whose
// selector also matches another gateway's pods makes those pods serve its hosts and routes too: a
// public gateway would answer for an internal one's hosts.
import { IConstruct } from 'constructs';
import { selects } from '../workloads/adoption';

/** Gateway pods of an app: the ones it deploys, and the installed ones its gateways bind to. */
interface GatewayPods {
  /** `namespace/name` of the gateway workload. */
  readonly workload: string;
  /** The construct that deploys them, or that first bound to them. */
  readonly owner: string;
  readonly labels: Record<string, string>;
  /** Installed outside the app (its installation decides which pods share labels, e.g. a canary revision). */
  readonly installed: boolean;
}

const PODS = new WeakMap<IConstruct, Map<string, GatewayPods>>();

/**
 * Records that `gateway` writes an Istio Gateway selecting `selector`, meant for the pods of
 * `workload` (`namespace/name`, labelled `labels`), and fails validation when the selector also
 * matches the pods of another gateway workload of the app. Installed gateways that share labels are
 * left alone: their installation may do so on purpose (two revisions of one gateway during an upgrade).
 * @internal
 */
export function recordGatewaySelection(
  gateway: IConstruct, selector: Record<string, string>, workload: string, labels: Record<string, string>, installed: boolean,
): void {
  const root = gateway.node.root;
  const pods = PODS.get(root) ?? new Map<string, GatewayPods>();
  PODS.set(root, pods);
  if (!pods.has(workload)) pods.set(workload, { workload, owner: gateway.node.path, labels, installed });
  gateway.node.addValidation({
    validate: () => [...pods.values()]
      .filter((p) => p.workload !== workload && !(installed && p.installed) && selects(selector, p.labels))
      .map((p) => `its Istio Gateway selects ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', ')}, which the gateway pods ${p.workload} `
        + `(${p.owner}) carry too; istiod applies a Gateway's selector in every namespace, so those pods would also serve this gateway's hosts and routes: `
        + 'give one of the gateways another name or istioLabel'),
  });
}
