import { IConstruct } from 'constructs';

// Runtime checks of what callers pass. TypeScript checks these at compile time; jsii languages and
// plain JavaScript can pass anything, and a wrong value would otherwise end in a TypeError deep in
// the library, or in YAML that is wrong.

/** A construct (its path names the place) or the name of a static factory (`Tracing.openTelemetry`). */
type Where = IConstruct | string;

function where(w: Where): string {
  return typeof w === 'string' ? w : w.node.path;
}

/** How a value reads in an error message. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `the string "${value}"`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : `a ${value.constructor?.name ?? 'plain'} object`;
}

/**
 * Throws unless `props` is an object: a construct or factory called without its props.
 * @internal
 */
export function checkProps<T>(w: Where, props: T, required: string[]): T {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    const fields = required.length ? ` with ${required.map((r) => `\`${r}\``).join(', ')}` : '';
    throw new Error(`${where(w)}: props are missing (got ${shown(props)}): pass an object${fields}`);
  }
  for (const field of required) {
    if ((props as any)[field] === undefined || (props as any)[field] === null) {
      throw new Error(`${where(w)}: \`${field}\` is required`);
    }
  }
  return props;
}

/**
 * Throws unless `value` is one of the values of the enum `e` (a jsii enum, a string at runtime).
 * @internal
 */
export function checkEnum<T>(w: Where, field: string, value: T | undefined, e: Record<string, string>, enumName: string): T | undefined {
  if (value === undefined) return value;
  const values = Object.values(e);
  if (!values.includes(value as unknown as string)) {
    throw new Error(`${where(w)}: \`${field}\` is ${shown(value)}, which is not ${article(enumName)}: use one of ${Object.keys(e).map((k) => `${enumName}.${k}`).join(', ')}`);
  }
  return value;
}

/**
 * Throws unless `value` is a string (a required string argument or field).
 * @internal
 */
export function checkString(w: Where, field: string, value: unknown): string {
  if (typeof value !== 'string') throw new Error(`${where(w)}: \`${field}\` must be a string, got ${shown(value)}`);
  return value;
}

/**
 * Throws unless `value` is a list.
 * @internal
 */
export function checkList<T>(w: Where, field: string, value: T[] | undefined): T[] | undefined {
  if (value !== undefined && !Array.isArray(value)) throw new Error(`${where(w)}: \`${field}\` must be a list, got ${shown(value)}`);
  return value;
}

/**
 * Throws unless `value` is an instance of `cls` (a class of this library or of cdk8s, built with
 * its factories: `Duration.seconds(5)`, `Protocol.http()`).
 * @internal
 */
export function checkInstance<T>(w: Where, field: string, value: T | undefined, cls: { prototype: T; name: string }, example: string): T | undefined {
  // Classes with private constructors (built by static factories) are types without `new`.
  if (value !== undefined && !(value instanceof (cls as any))) {
    throw new Error(`${where(w)}: \`${field}\` must be ${article(cls.name)} (e.g. ${example}), got ${shown(value)}`);
  }
  return value;
}

/**
 * Throws unless `value` is a mesh namespace (a `MeshNamespace`, or `MeshNamespace.fromNamespaceName`):
 * a name is not enough, the namespace's platform and injection decide what is written.
 * @internal
 */
export function checkNamespaceRef<T>(w: Where, field: string, value: T): T {
  const v = value as any;
  if (v === null || typeof v !== 'object' || typeof v.name !== 'string' || typeof v.injection !== 'boolean' || typeof v.platform !== 'object') {
    const hint = typeof value === 'string' ? `MeshNamespace.fromNamespaceName(scope, id, '${value}')` : 'new MeshNamespace(chart, \'app\')';
    throw new Error(`${where(w)}: \`${field}\` must be a mesh namespace (${hint}), got ${shown(value)}`);
  }
  return value;
}

/** `a Name` or `an Name`. */
function article(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}
