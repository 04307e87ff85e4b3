// The synth benchmark (issues #5 and #14): for each mesh shape, times every variant in fresh
// processes, interleaved in ABBA rounds (see measureShape), by wall time (the targets) and CPU time
// (a cross-check that a shared machine moves less, though it also counts the GC's helper threads),
// with the peak RSS of the same runs; measures cold start and the analyzer CLI; prints the ratios
// against their targets and writes bench/results.json.
//
//   npx projen bench                                 every shape at N = 1000, 5000, 10000 (long: about 65 minutes on 2 idle cores)
//   npx projen bench --shape versions,principals     some shapes (names in bench/shape.ts)
//   npx projen bench --quick                         N = 1000 and 2000, fewer repetitions (add --shape to narrow it)
//   npx projen bench --sizes 2000,4000 --reps 2      other sizes or rounds
//   node bench/lib/bench/bench.js --check 20         self-check only: the variants emit the same objects
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { compareVariants } from './check';
import { Shape, shape as shapeNamed, SHAPES } from './shape';
import { VARIANTS } from './variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHILD = path.join(__dirname, 'child.js');
/** The library as compiled from src/ with the project's tsconfig (the same JS jsii emits into lib/). */
const LIBRARY = path.join(__dirname, '..', 'src', 'index.js');
const CLI = path.join(__dirname, '..', 'src', 'analysis', 'cli.js');
const ANALYSIS = 'library+analysis';

interface Options { shapes: Shape[]; sizes: number[]; rounds: number; coldReps: number; cliReps: number }
interface Stats { median: number; min: number; max: number; spreadPct: number; samples: number[] }
interface Target { target: string; value?: number; cpu?: number; limit: number; status?: string }

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const [min, max] = [sorted[0], sorted[sorted.length - 1]];
  return { median, min, max, spreadPct: (100 * (max - min)) / median, samples };
}

/** The median of `a[i] / b[i]`: samples taken in the same round, compared pairwise (the drift of a shared machine cancels). */
function pairedRatio(a: number[], b: number[]): number | undefined {
  const n = Math.min(a.length, b.length);
  return n ? round(stats(a.slice(0, n).map((x, i) => x / b[i])).median) : undefined;
}

function child(args: string[]): { ms: number; cpuMs: number; bytes: number; maxRssMiB: number } {
  return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=8192', CHILD, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 }));
}

function options(args: string[]): Options {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i < 0 ? undefined : args[i + 1];
  };
  const quick = args.includes('--quick');
  const sizes = value('--sizes')?.split(',').map(Number) ?? (quick ? [1000, 2000] : [1000, 5000, 10000]);
  const reps = Number(value('--reps') ?? 0);
  return {
    shapes: value('--shape')?.split(',').map(shapeNamed) ?? SHAPES,
    sizes,
    // Three rounds at every size: the median of three paired ratios outlasts one disturbed round
    // (two rounds at the largest size gave scaling ratios that moved by 0.1 between runs).
    rounds: reps || (quick ? 1 : 3),
    coldReps: quick ? 5 : 31,
    cliReps: quick ? 2 : 3,
  };
}

function selfCheck(shapes: Shape[], n: number): void {
  for (const s of shapes) {
    const { differences, counts } = compareVariants(n, s);
    if (differences.length) {
      console.error(differences.slice(0, 20).join('\n'));
      throw new Error(`${s.name}: the variants differ in ${differences.length} places: the comparison would not be fair`);
    }
    console.log(`self-check ${s.name} at N=${n}: every variant emits the same ${counts.library} objects`);
  }
}

/** The clocks a synth is timed by: wall time (what the targets read) and CPU time of the child process. */
type Clock = 'cpu' | 'wall';

/** The mean of each pair of samples (the two runs of an item in one ABBA round). */
const pairMeans = (xs: number[]) => Array.from({ length: xs.length / 2 }, (_, i) => (xs[2 * i] + xs[2 * i + 1]) / 2);

/**
 * Synth times and peak RSS of every variant at every size, each run a fresh process (as `cdk8s synth`
 * is: its require, the build and the synth), in ABBA rounds: at each size in turn, every variant runs
 * once in a rotating order, then once in the reverse order, and the round's value of a variant is the
 * mean of its two runs. The variants compared at one size run back to back, so a drift of the shared
 * machine that is linear over those few minutes cancels out of their ratios; ratios are taken round
 * by round (paired), their median reported. Scaling ratios pair sizes measured minutes apart.
 */
function measureShape(s: Shape, o: Options) {
  const names = VARIANTS.map((v) => v.name);
  const began = performance.now();
  const empty = () => Object.fromEntries(names.map((v) => [v, Object.fromEntries(o.sizes.map((n) => [n, [] as number[]]))]));
  const samples: Record<Clock | 'rss', Record<string, Record<number, number[]>>> = { cpu: empty(), wall: empty(), rss: empty() };
  for (let r = 0; r < o.rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const n of o.sizes) {
      for (const v of [...order, ...[...order].reverse()]) {
        const run = child(['synth', s.name, v, String(n)]);
        samples.cpu[v][n].push(run.cpuMs);
        samples.wall[v][n].push(run.ms);
        samples.rss[v][n].push(run.maxRssMiB);
      }
    }
    console.log(`  ${s.name}: round ${r + 1} done at ${Math.round((performance.now() - began) / 1000)} s`);
  }
  const largest = o.sizes[o.sizes.length - 1];
  const previous = o.sizes[o.sizes.length - 2];
  const summary = (clock: Clock) => {
    const t = samples[clock];
    const rounds = (v: string, n: number) => pairMeans(t[v][n]);
    return {
      times: Object.fromEntries(names.map((v) => [v, Object.fromEntries(o.sizes.map((n) => [n, stats(t[v][n])]))])),
      ratios: Object.fromEntries(o.sizes.map((n) => [n, {
        'analysis on/off': pairedRatio(rounds(ANALYSIS, n), rounds('library', n)),
        'library+analysis/raw-l1': pairedRatio(rounds(ANALYSIS, n), rounds('raw-l1', n)),
        'library/raw-l1': pairedRatio(rounds('library', n), rounds('raw-l1', n)),
        'library+analysis/floor': pairedRatio(rounds(ANALYSIS, n), rounds('floor', n)),
        'raw-l1/floor': pairedRatio(rounds('raw-l1', n), rounds('floor', n)),
      }])),
      scaling: Object.fromEntries(names.map((v) => [v, previous ? pairedRatio(rounds(v, largest), rounds(v, previous)) : undefined])),
    };
  };
  // Peak RSS: the median over the runs of a (size, variant).
  const rss = Object.fromEntries(o.sizes.map((n) => [n, Object.fromEntries(names.map((v) => [v, round(stats(samples.rss[v][n]).median, 1)]))]));
  return { cpu: summary('cpu'), wall: summary('wall'), rss, seconds: round((performance.now() - began) / 1000, 1) };
}

/** cdk8s-mesh-analyze on the YAML of the mesh against only parsing it with `yaml`, both from their require on, interleaved. */
function measureCli(s: Shape, n: number, reps: number) {
  // The CLI reads its package.json (version and home page for its reports) beside its lib/ directory;
  // the copy goes again after the runs (jest would see a second package of the same name).
  const pkg = path.join(__dirname, '..', 'package.json');
  const copied = !existsSync(pkg);
  if (copied) copyFileSync(path.join(ROOT, 'package.json'), pkg);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
  try {
    const file = path.join(dir, 'mesh.k8s.yaml');
    writeFileSync(file, variantYaml(s, n));
    const runs = { cli: [] as ReturnType<typeof child>[], parse: [] as ReturnType<typeof child>[] };
    for (let r = 0; r < reps; r++) {
      runs.cli.push(child(['cli', CLI, file]));
      runs.parse.push(child(['parse', file]));
    }
    const summary = (list: ReturnType<typeof child>[]) => ({
      cpuMs: stats(list.map((x) => x.cpuMs)), wallMs: stats(list.map((x) => x.ms)), rssMiB: round(Math.max(...list.map((x) => x.maxRssMiB)), 1),
    });
    return {
      n,
      cli: summary(runs.cli),
      parse: summary(runs.parse),
      ratio: pairedRatio(runs.cli.map((x) => x.cpuMs), runs.parse.map((x) => x.cpuMs)),
      wallRatio: pairedRatio(runs.cli.map((x) => x.ms), runs.parse.map((x) => x.ms)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (copied) rmSync(pkg, { force: true });
  }
}

function variantYaml(s: Shape, n: number): string {
  return VARIANTS.find((v) => v.name === 'floor')!.synth(n, s);
}

/** What the README's quick start imports: reading them loads the modules a typical program uses. */
const QUICK_START = ['AccessLog', 'HttpMatch', 'IngressGateway', 'MeshNamespace', 'MeshPlatform', 'MeshService', 'MtlsPolicy', 'ReleaseChannel', 'Tracing', 'TracingConfig'];

/**
 * Require time of the library (a fresh process each time) against cdk8s-plus-34 alone, interleaved:
 * the bare `require`, and the `require` with the quick start's imports read.
 */
function measureColdStart(reps: number) {
  const runs: Record<string, { args: string[]; samples: ReturnType<typeof child>[] }> = {
    'cdk8s-mesh': { args: [LIBRARY], samples: [] },
    'cdk8s-mesh, quick-start imports': { args: [LIBRARY, ...QUICK_START], samples: [] },
    'cdk8s-plus-34': { args: [require.resolve('cdk8s-plus-34')], samples: [] },
  };
  for (let r = 0; r < reps; r++) {
    for (const run of Object.values(runs)) run.samples.push(child(['require', ...run.args]));
  }
  const of = (name: string, key: 'cpuMs' | 'ms' | 'maxRssMiB') => runs[name].samples.map((x) => x[key]);
  const names = Object.keys(runs);
  return {
    cpuMs: Object.fromEntries(names.map((k) => [k, stats(of(k, 'cpuMs'))])),
    wallMs: Object.fromEntries(names.map((k) => [k, stats(of(k, 'ms'))])),
    rssMiB: Object.fromEntries(names.map((k) => [k, round(stats(of(k, 'maxRssMiB')).median, 1)])),
    ratio: pairedRatio(of('cdk8s-mesh', 'cpuMs'), of('cdk8s-plus-34', 'cpuMs')),
    wallRatio: pairedRatio(of('cdk8s-mesh', 'ms'), of('cdk8s-plus-34', 'ms')),
    quickStartRatio: pairedRatio(of('cdk8s-mesh, quick-start imports', 'cpuMs'), of('cdk8s-plus-34', 'cpuMs')),
    quickStartWallRatio: pairedRatio(of('cdk8s-mesh, quick-start imports', 'ms'), of('cdk8s-plus-34', 'ms')),
  };
}

const col = (s: string | number | undefined, w = 10) => String(s ?? '-').padStart(w);

function printShape(s: Shape, o: Options, m: ReturnType<typeof measureShape>): void {
  const largest = o.sizes[o.sizes.length - 1];
  const previous = o.sizes[o.sizes.length - 2];
  const rssSizes = Object.keys(m.rss).map(Number);
  console.log(`\n== ${s.name}: ${s.description}`);
  console.log(`${col('ms (median)', 18)}${o.sizes.map((n) => col(`N=${n}`) + col('spread', 8)).join('')}${col(`t(${largest})/t(${previous})`, 18)}${rssSizes.map((n) => col(`RSS MiB N=${n}`, 16)).join('')}`);
  for (const v of VARIANTS.map((x) => x.name)) {
    console.log(col(v, 18) + o.sizes.map((n) => col(m.wall.times[v][n].median.toFixed(0)) + col(`${m.wall.times[v][n].spreadPct.toFixed(0)}%`, 8)).join('')
      + col(m.wall.scaling[v], 18) + rssSizes.map((n) => col(m.rss[n][v] ?? '', 16)).join(''));
  }
  console.log(`${col('paired ratios', 26)}${o.sizes.map((n) => col(`N=${n}`)).join('')}${col('CPU time:', 14)}${o.sizes.map((n) => col(`N=${n}`)).join('')}`);
  for (const key of Object.keys(m.wall.ratios[o.sizes[0]])) {
    const at = (clock: 'cpu' | 'wall', n: number) => (m[clock].ratios[n] as Record<string, number | undefined>)[key];
    console.log(col(key, 26) + o.sizes.map((n) => col(at('wall', n))).join('') + col('', 14) + o.sizes.map((n) => col(at('cpu', n))).join(''));
  }
  console.log(`${col('scaling (CPU time)', 26)} ${VARIANTS.map((v) => `${v.name} ${m.cpu.scaling[v.name] ?? '-'}`).join(', ')}`);
}

function shapeTargets(s: Shape, o: Options, m: ReturnType<typeof measureShape>): Target[] {
  const largest = o.sizes[o.sizes.length - 1];
  const previous = o.sizes[o.sizes.length - 2];
  const checked = o.sizes.filter((n) => n >= 5000).length ? o.sizes.filter((n) => n >= 5000) : [largest];
  const scalingLimit = round(2.2 * largest / previous / 2);
  return [
    ...checked.map((n) => ({
      target: `${s.name}: analysis on/off <= 1.20 at N=${n}`, value: m.wall.ratios[n]['analysis on/off'], cpu: m.cpu.ratios[n]['analysis on/off'], limit: 1.2,
    })),
    ...checked.map((n) => ({
      target: `${s.name}: library (analysis on) / raw-l1 <= 1.30 at N=${n}`,
      value: m.wall.ratios[n]['library+analysis/raw-l1'],
      cpu: m.cpu.ratios[n]['library+analysis/raw-l1'],
      limit: 1.3,
    })),
    ...(previous ? VARIANTS.map((v) => ({
      target: `${s.name}: ${v.name} time(${largest})/time(${previous}) <= ${scalingLimit}`, value: m.wall.scaling[v.name], cpu: m.cpu.scaling[v.name], limit: scalingLimit,
    })) : []),
    ...checked.map((n) => ({ target: `${s.name}: peak RSS library (analysis on) <= 1.15x raw-l1 at N=${n}`, value: round(m.rss[n][ANALYSIS] / m.rss[n]['raw-l1']), limit: 1.15 })),
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--check') return selfCheck(SHAPES, Number(args[1] ?? 20));
  const o = options(args);
  const began = performance.now();
  selfCheck(o.shapes, 20);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`shapes ${o.shapes.map((s) => s.name).join(', ')}; sizes ${o.sizes.join(', ')}; rounds ${o.rounds}; cold start ${o.coldReps}; CLI ${o.cliReps}`);

  const cold = measureColdStart(o.coldReps);
  const targets: Target[] = [
    { target: 'cold require of the library <= 1.2x cdk8s-plus-34 alone', value: cold.wallRatio, cpu: cold.ratio, limit: 1.2 },
    { target: 'cold require of the library with the quick start\'s imports read <= 1.2x cdk8s-plus-34 alone', value: cold.quickStartWallRatio, cpu: cold.quickStartRatio, limit: 1.2 },
  ];
  const shapes: Record<string, unknown> = {};
  for (const s of o.shapes) {
    const m = measureShape(s, o);
    printShape(s, o, m);
    targets.push(...shapeTargets(s, o, m));
    shapes[s.name] = { description: s.description, ...m };
  }
  // The CLI on the YAML of the first shape (today's mesh by default) at the largest N.
  const cli = measureCli(o.shapes[0], o.sizes[o.sizes.length - 1], o.cliReps);
  targets.push({ target: `cdk8s-mesh-analyze <= 2.5x parse only (${o.shapes[0].name}, N=${cli.n})`, value: cli.wallRatio, cpu: cli.ratio, limit: 2.5 });
  for (const t of targets) t.status = t.value === undefined ? 'not measured' : t.value <= t.limit ? 'PASS' : 'FAIL';

  console.log(`\ncdk8s-mesh-analyze on the YAML of ${o.shapes[0].name} at N=${cli.n}: CPU ${cli.cli.cpuMs.median.toFixed(0)} ms (RSS ${cli.cli.rssMiB} MiB) against parse only `
    + `${cli.parse.cpuMs.median.toFixed(0)} ms (RSS ${cli.parse.rssMiB} MiB): ${cli.wallRatio}x by wall time, ${cli.ratio}x by CPU time`);
  console.log(`cold start (require, median of ${o.coldReps} fresh processes): ${Object.entries(cold.cpuMs).map(([k, s]) => `${k} CPU ${s.median.toFixed(0)} ms, wall ${cold.wallMs[k].median.toFixed(0)} ms (RSS ${cold.rssMiB[k]} MiB)`).join('; ')}; paired ratio ${cold.wallRatio} by wall time, ${cold.ratio} by CPU time (quick-start imports: ${cold.quickStartWallRatio}, ${cold.quickStartRatio})`);
  console.log(`\ntargets (${targets.filter((t) => t.status === 'PASS').length} of ${targets.length} pass)`);
  for (const t of targets) console.log(`  [${t.status}] ${t.target}: ${t.value ?? '-'}${t.cpu === undefined ? '' : ` (CPU time ${t.cpu})`}`);

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverageAtEnd: os.loadavg(),
    sizes: o.sizes,
    repetitions: Object.fromEntries(o.sizes.map((n) => [n, o.rounds])),
    variants: Object.fromEntries(VARIANTS.map((v) => [v.name, v.description])),
    shapes,
    cli: { shape: o.shapes[0].name, ...cli },
    coldStart: cold,
    targets,
    benchSeconds: round((performance.now() - began) / 1000, 1),
  };
  writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, undefined, 2)}\n`);
  console.log(`\nwrote bench/results.json (${results.benchSeconds} s)`);
}

main();
