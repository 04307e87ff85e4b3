/** A Map or WeakMap of lists. */
interface ListMap<K, V> {
  get(key: K): V[] | undefined;
  set(key: K, value: V[]): unknown;
}

/**
 * Appends `value` to the list of `key` (created on first use), in place: registries that grow with
 * the mesh must not copy their lists on every addition, which made them quadratic.
 * @internal
 */
export function appendTo<K, V>(map: ListMap<K, V>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The value when it is an array, else no items: manifests read as plain JSON may hold anything.
 * @internal
 */
export function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Whether a value is an array with items.
 * @internal
 */
export function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}
