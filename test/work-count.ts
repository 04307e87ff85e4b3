// Work counted, not timed: the calls of the basic operations a piece of code makes, for tests that
// prove it grows linearly with the mesh.

/** Methods whose calls count as work; for those taking a callback, each callback call counts too. */
const COUNTED: [object, string[]][] = [
  [Array.prototype, ['filter', 'find', 'findIndex', 'some', 'every', 'map', 'flatMap', 'forEach', 'reduce', 'includes', 'indexOf']],
  [String.prototype, ['startsWith', 'endsWith', 'indexOf', 'includes']],
  [Object, ['entries', 'keys']],
  [Map.prototype, ['get', 'has']],
  [Set.prototype, ['has', 'add']],
];

/** The prototype of array iterators: each step of a `for...of` or a spread over an array. */
const ARRAY_ITERATOR = Object.getPrototypeOf([][Symbol.iterator]());

/**
 * The operations `run` performs from the moment it calls `start`. With `iterations`, every element
 * a `for...of` or a spread visits counts too (an array copied on each addition shows up there).
 */
export function countWork(run: (start: () => void) => void, iterations = false): number {
  let counting = false;
  let count = 0;
  const restore: (() => void)[] = [];
  const patch = (target: any, name: string, replacement: (orig: any) => any) => {
    const orig = target[name];
    target[name] = replacement(orig);
    restore.push(() => { target[name] = orig; });
  };
  const targets: [object, string[]][] = iterations ? [...COUNTED, [ARRAY_ITERATOR, ['next']]] : COUNTED;
  for (const [target, names] of targets) {
    for (const name of names) {
      patch(target, name, (orig) => function (this: any, ...args: any[]) {
        if (counting) {
          count++;
          const callback = args[0];
          if (typeof callback === 'function' && target === Array.prototype) {
            args[0] = function (this: any, ...a: any[]) {
              count++;
              return callback.apply(this, a);
            };
          }
        }
        return orig.apply(this, args);
      });
    }
  }
  try {
    run(() => { counting = true; });
  } finally {
    counting = false;
    restore.reverse().forEach((r) => r());
  }
  return count;
}
