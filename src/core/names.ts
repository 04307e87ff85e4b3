import { IConstruct } from 'constructs';

/** Node's `net.isIP`, loaded on first use (`net` is not among what cdk8s loads anyway). */
function isIP(address: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('net') as typeof import('net')).isIP(address);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether `value` is an RFC 1123 DNS label (lowercase, at most 63 characters).
 * @internal
 */
export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value) && String(value).length <= 63;
}

/**
 * `name` cut to `max` characters, with a hash of the whole name in place of what was cut, so that
 * two long names with a common prefix stay distinct (and stay the same from one synth to the next).
 * @internal
 */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = shortHash(name);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * Eight hex digits of the SHA-256 of `value`: a stable suffix that tells apart names built from
 * values that read alike.
 * @internal
 */
export function shortHash(value: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('crypto') as typeof import('crypto')).createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/**
 * Whether `value` is an RFC 1123 DNS subdomain as Kubernetes checks object names (lowercase labels
 * joined by dots, at most 253 characters).
 * @internal
 */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label));
}

/**
 * Whether `value` is a lowercase DNS name (labels joined by dots); with `wildcard`, `*.` may lead.
 * @internal
 */
export function isDnsName(value: string, wildcard: boolean): boolean {
  const name = wildcard && value.startsWith('*.') ? value.slice(2) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every(isDnsLabel);
}

/**
 * Throws unless `value` is an RFC 1123 DNS label (what Kubernetes requires of
 * namespace, Service and most object names).
 * @internal
 */
export function checkDnsLabel(scope: IConstruct | string, what: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw new Error(`${where(scope)}: ${what} "${value}" is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  return value;
}

/**
 * Whether `value` is an RFC 1035 DNS label, what Kubernetes requires of Service names (a DNS label
 * that starts with a letter).
 * @internal
 */
export function isServiceName(value: string): boolean {
  return isDnsLabel(value) && /^[a-z]/.test(value);
}

/**
 * Throws unless `value` can name a Service (an RFC 1035 DNS label).
 * @internal
 */
export function checkServiceName(scope: IConstruct | string, what: string, value: string): string {
  checkDnsLabel(scope, what, value);
  if (!isServiceName(value)) {
    throw new Error(`${where(scope)}: ${what} "${value}" starts with a digit, which a Service name may not (a DNS-1035 label): start it with a letter`);
  }
  return value;
}

/**
 * Throws unless `value` is an RFC 1123 DNS subdomain (what Kubernetes requires of Secret and
 * ConfigMap names, among others).
 * @internal
 */
export function checkDnsSubdomain(scope: IConstruct | string, what: string, value: string): string {
  if (typeof value !== 'string' || !isDnsName(value, false)) {
    throw new Error(`${where(scope)}: ${what} "${value}" is not a valid object name: use at most 253 lowercase letters, digits, '-' and '.', `
      + 'in labels that start and end with a letter or digit');
  }
  return value;
}

/**
 * Throws unless `value` is a whole number in [min, max].
 * @internal
 */
export function checkRange(scope: IConstruct | string, what: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number') throw new Error(`${where(scope)}: ${what} must be a number, got ${JSON.stringify(value) ?? String(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${where(scope)}: ${what} ${value} is out of range: use a whole number from ${min} to ${max}`);
  }
  return value;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Throws unless every key of `record` is a valid label (or annotation) key and, for labels, every
 * value a valid label value. Returns `record`.
 * @internal
 */
export function checkLabels(scope: IConstruct | string, what: string, record: Record<string, string>, annotations = false): Record<string, string> {
  if (record === null || typeof record !== 'object') throw new Error(`${where(scope)}: \`${what}\` must be a map of strings`);
  for (const [key, value] of Object.entries(record)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    if ((prefix !== undefined && !isDnsName(prefix, false)) || name.length > 63 || !LABEL_NAME.test(name)) {
      throw new Error(`${where(scope)}: ${what} key "${key}" is not a valid key: use [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
    }
    if (typeof value !== 'string') throw new Error(`${where(scope)}: ${what} "${key}" must be a string, got ${typeof value}`);
    if (!annotations && value !== '' && (value.length > 63 || !LABEL_NAME.test(value))) {
      throw new Error(`${where(scope)}: ${what} ${key}="${value}" is not a valid ${annotations ? 'annotation' : 'label'} value: ${annotations ? 'use a string' : "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"}`);
    }
  }
  return record;
}

/** The construct path of `scope`, or `scope` itself when it names a place that is not a construct. */
function where(scope: IConstruct | string): string {
  return typeof scope === 'string' ? scope : scope.node.path;
}

/**
 * Returns the keys of a record in sorted order, so emitted maps are deterministic.
 * @internal
 */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key];
  return out;
}

/**
 * Whether `a` is an IPv4 or IPv6 address.
 * @internal
 */
export function isIp(a: string): boolean {
  return isIP(a) !== 0;
}

/**
 * Whether `a` is a CIDR range (`10.0.0.0/8`).
 * @internal
 */
export function isCidr(a: string): boolean {
  const [ip, bits, extra] = a.split('/');
  const family = isIP(ip);
  return extra === undefined && family !== 0 && /^\d+$/.test(bits ?? '') && Number(bits) <= (family === 4 ? 32 : 128);
}
