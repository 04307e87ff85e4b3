import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { ApiObject, Chart } from 'cdk8s';

// The analysis needs every object rendered (`toJson`), and so does cdk8s right after it when it
// writes a chart: rendering twice was most of the analysis's cost at synth. cdk8s gives
// validations no access to the JSON it renders, so the analysis lends its rendering to cdk8s:
// each object it renders gets a `toJson` of its own that returns that rendering once, and only
// when cdk8s calls it to write a chart (`App._synthChart`, read from the call stack) in the
// synthesis the analysis validated. Any other call (the user's code, even right after a synth)
// renders anew, so no stale JSON escapes. The one assumption, as for cdk8s's own repeated
// validations: validations do not change API objects.
//
// Memory: the renderings live from the analysis until cdk8s has written them, so they are kept
// as plain copies (`plainCopy`), and on a large app the analysis's own garbage is collected before
// cdk8s writes YAML (`collection`): docs/performance.md has the measurements.

/** The renderings lent to cdk8s's chart renders (dropped when the tick ends). */
let lent: WeakMap<ApiObject, unknown> | undefined;
/** The chart that cdk8s is rendering now, once checked (its objects' calls follow each other). */
let rendering: Chart | undefined;
/** Whether the next chart render is the first of a large synth (see `collection`). */
let collectPending = false;

/** Where in cdk8s's synthesis the current call is (read from the call stack: cdk8s has no hooks). */
export interface SynthPhase {
  /** Inside `App._synthChart` (a chart's `toJson()`), which validates the app, then renders the chart. */
  readonly chartSynth: boolean;
  /** ... called by `App.synth()` / `synthYaml()`, which validated the app just before. */
  readonly appSynth: boolean;
}

export function synthPhase(): SynthPhase {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  // `at App._synthChart (<file>:line:column)`; App.synth()/synthYaml() are in the same file,
  // whatever the class of the app (a subclass of App shows its own name).
  const chart = /\._synthChart \((.*):\d+:\d+\)/.exec(stack);
  if (!chart) return { chartSynth: false, appSynth: false };
  const file = chart[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { chartSynth: true, appSynth: new RegExp(`\\.synth(Yaml)? \\(${file}:`).test(stack) };
}

const CHART_SYNTH = /\._synthChart \(/;

/** Renders API objects (their `toJson()`, in order); the rendering can be lent to cdk8s's chart renders. */
export function render(objects: ApiObject[]): { json: any[]; rendering: Rendering } {
  lent = undefined; // a new rendering supersedes any lent one
  const result = new Rendering(objects.length);
  const json = objects.map((o) => {
    const rendered = plainCopy(o.toJson());
    // An own `toJson` that is not ours (e.g. a jsii override from another language) keeps its say.
    if (!Object.prototype.hasOwnProperty.call(o, 'toJson')) {
      Object.defineProperty(o, 'toJson', { value: lentToJson, configurable: true, writable: true });
    }
    if ((o as { toJson: unknown }).toJson === lentToJson) result.memo.set(o, rendered);
    return rendered;
  });
  return { json, rendering: result };
}

/** The renderings of one `render`, lendable until the synchronous synthesis that made them ends. */
export class Rendering {
  public memo = new WeakMap<ApiObject, unknown>();
  /** Whether the first chart render it is lent to collects the analysis's garbage first (see `collection`). */
  private collectFirst: boolean;

  /** @param size the number of objects rendered */
  constructor(size: number) {
    this.collectFirst = size >= collection.aboveObjects;
    expiring.push(this);
    synchronousTick(); // its end drops the renderings
  }

  /**
   * Lends the renderings to the chart render that follows (call it from a validation inside
   * `App._synthChart`). Once the tick has ended there are none left to lend.
   */
  public lend(): void {
    collectPending = this.collectFirst;
    this.collectFirst = false;
    lent = this.memo;
    rendering = undefined;
  }
}

let tick = 0;
let tickScheduled = false;
/** Renderings to drop when the tick ends (the JSON would otherwise live as long as the app). */
const expiring: Rendering[] = [];

/**
 * A number that changes once the synchronous code now running ends (at the next microtask): a
 * synthesis runs without a break, so what one made is valid only while this number stays the same.
 * Nothing of the app is held until then, so many synths in one synchronous loop hold no memory.
 */
export function synchronousTick(): number {
  if (!tickScheduled) {
    tickScheduled = true;
    queueMicrotask(() => {
      tick++;
      tickScheduled = false;
      for (const r of expiring.splice(0)) r.memo = new WeakMap();
      lent = undefined;
      rendering = undefined;
      collectPending = false;
    });
  }
  return tick;
}

/**
 * The `toJson` of a rendered object: its lent rendering when cdk8s renders its chart, else a new
 * rendering. The call stack is checked on the first object of a chart; the chart's other objects
 * follow in the same loop, and each rendering is used once, so none is left after the loop.
 */
function lentToJson(this: ApiObject): unknown {
  const rendered = lent?.get(this);
  if (rendered !== undefined) {
    if (this.chart !== rendering) {
      rendering = calledByChartRender() ? this.chart : undefined;
      // The first chart render of a synth: the analysis and cdk8s's validations are done.
      if (rendering && collectPending) {
        collectPending = false;
        collect();
      }
    }
    if (rendering) {
      lent!.delete(this);
      return rendered;
    }
  }
  return Object.getPrototypeOf(this).toJson.call(this);
}

/** Whether the caller of `lentToJson` is `App._synthChart`'s render loop (`objects.map(o => o.toJson())`). */
function calledByChartRender(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 5; // calledByChartRender, lentToJson, the arrow function, Array.map, App._synthChart
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return CHART_SYNTH.test(stack);
}

/**
 * A copy of rendered JSON built key by key. The generated L1 classes build their JSON with object
 * spreads (`{ ...GVK, ...props }`, `{ ...r, [key]: value }`), and V8 gives every object built that way
 * a hidden class of its own: kept until cdk8s writes them, and with the key caches the analysis's
 * reads add to each hidden class, 42 MiB more at N = 10000 than objects that share them. Objects
 * that are not plain (class instances) stay as they are.
 * @internal
 */
export function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = plainCopy((value as Record<string, unknown>)[key]);
  return copy;
}

/**
 * One full garbage collection once the analysis is done, before cdk8s renders and writes YAML,
 * when the app is large. V8 lets the heap grow to a multiple of what its last full collection
 * found alive; in a synth with the analysis that collection falls during the analysis (constructs,
 * renderings and the analysis's index alive), and cdk8s's YAML phase, which allocates about as much
 * again, then ran without one: peaks of up to 1.5x the same objects written as raw L1. Collected
 * when cdk8s starts rendering the first chart, the peak no longer depends on where V8's collections
 * fall. V8 would then let the heap grow to up to four times what is alive, so the YAML phase would
 * still run without a collection: for that one collection, its growth is set to `growth` (V8's
 * `--heap-growing-percent`, cleared again at once, and left alone if the process was started with
 * it). Smaller apps (tests lower the threshold) are not worth a collection: it costs in proportion
 * to the whole process's heap (a test runner's, say), and their peak is small.
 * @internal
 */
export const collection = { aboveObjects: 10000, growth: 2 };

/** The collection of `collection`, with V8's heap growth after it bounded to `collection.growth`. */
function collect(): void {
  const gc = fullCollection();
  if (!gc) return;
  const ownGrowth = /--heap[-_]growing[-_]percent/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '));
  if (ownGrowth) return gc();
  setFlagsFromString(`--heap-growing-percent=${Math.round((collection.growth - 1) * 100)}`);
  try {
    gc();
  } finally {
    setFlagsFromString('--heap-growing-percent=0');
  }
}

let collector: (() => void) | null | undefined;

/**
 * V8's full collection: the process's `gc` when node runs with --expose-gc, else the `gc` of a
 * context created while the flag is set (as jest's --logHeapUsage does), the flag cleared again
 * at once so that no other context gets it. `null` where V8 refuses.
 * @internal
 */
export function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as () => void);
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    collector = typeof gc === 'function' ? gc : null;
  } catch {
    collector = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector ?? null;
}
