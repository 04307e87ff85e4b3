import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { constants, PerformanceEntry, PerformanceObserver } from 'perf_hooks';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, which the library calls through (`import * as` gives a copy)
import v8 = require('v8');
import { runInNewContext } from 'vm';
import { ApiObject, App, Chart, JsonPatch, Lazy, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { libraryApp } from '../../bench/library';
import { AsmQuickstart } from '../../examples/asm-quickstart/chart';
import { MeshAnalyzer, MeshNamespace, MeshPlatform, MeshService } from '../../src';
import { collection, fullCollection, plainCopy } from '../../src/analysis/shared-rendering';

// The analysis lends its rendering of each object to cdk8s's chart render (src/analysis/shared-rendering.ts).
// These tests pin down that the output is exactly what cdk8s renders on its own, and that no
// rendering outlives the synthesis it was made for.

/** Counts the renderings of its objects. */
class Counted extends ApiObject {
  public static renders = 0;
  public toJson(): any {
    Counted.renders++;
    return super.toJson();
  }
}

function mesh(analysis: boolean, outdir?: string, yamlOutputType?: YamlOutputType) {
  const app = new App({ outdir: outdir ?? mkdtempSync(join(tmpdir(), 'rendering-')), yamlOutputType });
  const chart = new Chart(app, 'mesh');
  MeshPlatform.asmManaged().applyTo(chart);
  if (!analysis) MeshAnalyzer.attach(app, { enabled: false });
  const ns = new MeshNamespace(chart, 'app');
  const front = new MeshService(chart, 'front', { namespace: ns, image: 'front:1', port: 3000 });
  const second = new Chart(app, 'second');
  const cm = new Counted(second, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'app' } });
  let produced = 0;
  const lazy = new Counted(second, 'lazy', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'lazy', namespace: 'app' },
    data: { value: Lazy.any({ produce: () => (++produced, 'lazy') }) },
  });
  lazy.addJsonPatch(JsonPatch.add('/data/patched', 'yes'));
  // cdk8s-plus renders its objects from Lazy values too.
  new kplus.Deployment(second, 'plus', { containers: [{ image: 'nginx', portNumber: 80 }] }).exposeViaService();
  Counted.renders = 0;
  return { app, chart, front, cm, lazy, produced: () => produced };
}

describe('the analysis shares its rendering with cdk8s', () => {
  test('synthYaml renders every object once, and the output is what cdk8s renders without the analysis', () => {
    const on = mesh(true);
    const yaml = on.app.synthYaml();
    expect(Counted.renders).toBe(2);
    expect(on.produced()).toBe(1);
    expect(yaml).toContain('value: lazy');
    expect(yaml).toContain('patched: "yes"');
    const off = mesh(false);
    expect(off.app.synthYaml()).toBe(yaml);
  });

  test('an app of a subclass of App is analyzed and rendered once per synth too', () => {
    class MyApp extends App {}
    const app = new MyApp();
    for (const id of ['one', 'two']) {
      const chart = new Chart(app, id);
      MeshPlatform.asmManaged().applyTo(chart);
      new Counted(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace: 'default' } });
    }
    Counted.renders = 0;
    expect(app.synthYaml()).toContain('name: two');
    expect(Counted.renders).toBe(2);
  });

  test('a second synth renders anew: changes between synths show', () => {
    const { app, cm } = mesh(true);
    app.synthYaml();
    cm.metadata.addLabel('changed', 'yes');
    expect(cm.toJson().metadata.labels).toEqual({ changed: 'yes' });
    expect(app.synthYaml()).toContain('changed: "yes"');
  });

  test('a direct toJson() never gets a lent rendering, even in the tick of a synth', () => {
    const { app, chart, cm, front } = mesh(true);
    // The first chart only: the second chart's renderings are lent but not used.
    Testing.synth(chart);
    front.service.metadata.addLabel('changed', 'yes');
    expect(front.service.toJson().metadata.labels).toMatchObject({ changed: 'yes' });
    cm.metadata.addLabel('changed', 'yes');
    expect(cm.toJson().metadata.labels).toEqual({ changed: 'yes' });
    expect(app.synthYaml()).toContain('changed: "yes"');
  });

  test.each([
    ['validation of the app', 1],
    ['validation of a chart it renders', 2],
  ])('after a synth that fails in the %s, the objects render anew', (_name, failingCall) => {
    const { app, cm } = mesh(true);
    app.synthYaml(); // the last chart rendered is the one cm is in
    let calls = 0;
    class Failing extends Construct {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        this.node.addValidation({ validate: () => (++calls === failingCall ? ['failed'] : []) });
      }
    }
    new Failing(app, 'failing');
    expect(() => app.synthYaml()).toThrow('failed');
    cm.metadata.addLabel('changed', 'yes');
    expect(cm.toJson().metadata.labels).toEqual({ changed: 'yes' });
    expect(app.synthYaml()).toContain('changed: "yes"');
  });

  test.each([
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])(
    'app.synth() (%s) writes what it writes without the analysis',
    (_name, type) => {
      const files = (analysis: boolean) => {
        const outdir = mkdtempSync(join(tmpdir(), 'rendering-'));
        mesh(analysis, outdir, type).app.synth();
        const read = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
          .flatMap((e) => (e.isDirectory() ? read(join(dir, e.name)) : [`${e.name}\n${readFileSync(join(dir, e.name), 'utf8')}`]));
        return read(outdir);
      };
      const written = files(true);
      expect(written.length).toBeGreaterThan(1);
      expect(written).toEqual(files(false));
    },
  );

  test('a synchronous loop of synths holds no app it is done with', async () => {
    const gc = fullCollection()!;
    const heap = () => {
      // Twice, for steadier readings.
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const synth = () => libraryApp(50).synthYaml();
    synth();
    // The warm-up synth's renderings go when its tick ends.
    await new Promise((resolve) => setImmediate(resolve));
    // The size of one app (not synthesized), from two readings in a row: readings drift down over
    // collections, and against a base read earlier one app once measured -40 MB.
    const held = [libraryApp(50)];
    const withTree = heap();
    held.pop();
    const base = heap();
    const oneApp = withTree - base;
    // No await in between: what a synth leaves for a microtask to release stays until the loop ends.
    for (let i = 0; i < 4; i++) synth();
    expect(heap() - base).toBeLessThan(3 * oneApp);
  });

  test('an object with its own toJson (e.g. a jsii override) keeps it', () => {
    const { app, cm } = mesh(true);
    Object.defineProperty(cm, 'toJson', { value: () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own', namespace: 'app' } }) });
    expect(app.synthYaml()).toContain('name: own');
  });

  test('the analysis does not change the objects it reads (they are what cdk8s writes)', () => {
    const app = new App();
    new AsmQuickstart(app, 'asm-quickstart');
    const objects = app.charts.flatMap((c) => c.toJson()).map(deepFreeze);
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
  });
});

describe('memory of the lent renderings', () => {
  test('a plain copy keeps keys, their order, values and non-plain objects', () => {
    class Quantity {
      constructor(public readonly value: string) {}
    }
    const q = new Quantity('1Gi');
    const rendered = { 10: 'ten', kind: 'Pod', spec: { list: [1, 'a', null, { b: undefined, a: true }], q }, empty: {} };
    const copy = plainCopy(rendered) as any;
    expect(copy).toEqual(rendered);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(rendered));
    expect(Object.keys(copy.spec.list[3])).toEqual(['b', 'a']);
    expect(copy.spec).not.toBe(rendered.spec);
    expect(copy.spec.q).toBe(q);
  });

  test('V8\'s full collection is at hand without --expose-gc, and no other context gets `gc`', () => {
    const gc = fullCollection();
    expect(typeof gc).toBe('function');
    expect(() => gc!()).not.toThrow();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  test('from the threshold of objects on, the synth collects once before cdk8s writes YAML, bounding the heap\'s growth, and writes the same YAML', async () => {
    const major: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => major.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    // eslint-disable-next-line no-bitwise -- the flags of a gc entry are a bit set
    const forced = () => major.filter((e) => ((e as any).detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0).length;
    const expected = mesh(false).app.synthYaml();
    const saved = collection.aboveObjects;
    fullCollection(); // made before the flags are watched
    const flags = jest.spyOn(v8, 'setFlagsFromString');
    try {
      collection.aboveObjects = 0;
      const { app } = mesh(true);
      expect(app.synthYaml()).toBe(expected);
      // V8's heap growth is bounded for that one collection, then cleared.
      expect(flags.mock.calls).toEqual([['--heap-growing-percent=100'], ['--heap-growing-percent=0']]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(forced()).toBe(1);
      // A process started with its own growth keeps it.
      process.execArgv.push('--heap-growing-percent=30');
      try {
        mesh(true).app.synthYaml();
      } finally {
        process.execArgv.pop();
      }
      expect(flags.mock.calls.length).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(forced()).toBe(2);
      collection.aboveObjects = Number.MAX_SAFE_INTEGER;
      mesh(true).app.synthYaml();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(forced()).toBe(2);
    } finally {
      flags.mockRestore();
      collection.aboveObjects = saved;
      observer.disconnect();
    }
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
