// The synth benchmark (issue #5): times the variants side by side in this process, interleaved
// and repeated, measures peak RSS and cold start in child processes, prints a table with the
// ratios and targets, and writes bench/results.json.
//
//   node --expose-gc bench/lib/bench/bench.js            full run (npx projen bench)
//   node --expose-gc bench/lib/bench/bench.js --quick    N = 100 and 1000 only, fewer repetitions
//   node bench/lib/bench/bench.js --check 20             self-check: the variants emit the same objects
import { execFileSync } from 'child_process';
import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { compareVariants } from './check';
import { VARIANTS } from './variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHILD = path.join(__dirname, 'child.js');
/** The library as compiled from src/ with the project's tsconfig (the same JS jsii emits into lib/). */
const LIBRARY = path.join(__dirname, '..', 'src', 'index.js');

interface Stats { median: number; min: number; max: number; spreadPct: number; samples: number[] }

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const [min, max] = [sorted[0], sorted[sorted.length - 1]];
  return { median, min, max, spreadPct: (100 * (max - min)) / median, samples };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc, so that every timed run starts from a collected heap');
  collect();
}

function child(args: string[]): { ms: number; bytes: number; maxRssMiB: number } {
  return JSON.parse(execFileSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 }));
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The median of `a[i] / b[i]`: samples taken in the same round, compared pairwise. */
function pairedRatio(a: number[], b: number[]): number | undefined {
  return a.length && a.length === b.length ? round(stats(a.map((x, i) => x / b[i])).median) : undefined;
}

function selfCheck(n: number): void {
  const { differences, counts } = compareVariants(n);
  console.log(`self-check at N=${n}: objects per variant ${JSON.stringify(counts)}`);
  if (differences.length) {
    console.error(differences.slice(0, 20).join('\n'));
    throw new Error(`the variants differ in ${differences.length} places: the comparison would not be fair`);
  }
  console.log('self-check: every variant emits the same objects');
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--check') return selfCheck(Number(args[1] ?? 20));
  const quick = args.includes('--quick');
  const sizes = quick ? [100, 1000] : [100, 1000, 5000];
  const reps: Record<number, number> = quick ? { 100: 5, 1000: 3 } : { 100: 10, 1000: 7, 5000: 7 };
  const coldReps = quick ? 3 : 5;
  const names = VARIANTS.map((v) => v.name);
  const began = performance.now();

  selfCheck(20);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); repetitions per N: ${JSON.stringify(reps)}, cold start: ${coldReps}`);

  // Warm-up: load every variant's modules and let the JIT see each path once.
  for (const v of VARIANTS) v.synth(100);

  // Timed runs: rounds over every (N, variant) pair, the variants in a rotating order, so that the
  // drift of a shared machine spreads over all variants and sizes alike (the scaling ratio compares sizes).
  const samples: Record<string, Record<number, number[]>> = Object.fromEntries(names.map((v) => [v, Object.fromEntries(sizes.map((n) => [n, []]))]));
  const bytes: Record<number, Record<string, number>> = Object.fromEntries(sizes.map((n) => [n, {}]));
  for (let r = 0; r < Math.max(...sizes.map((n) => reps[n])); r++) {
    for (const n of sizes.filter((size) => r < reps[size])) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + r) % VARIANTS.length];
        gc();
        const start = performance.now();
        const yaml = v.synth(n);
        samples[v.name][n].push(performance.now() - start);
        bytes[n][v.name] = yaml.length;
      }
    }
    console.log(`round ${r + 1} done at ${Math.round((performance.now() - began) / 1000)} s`);
  }
  const times = Object.fromEntries(names.map((v) => [v, Object.fromEntries(sizes.map((n) => [n, stats(samples[v][n])]))]));

  // Peak RSS: each variant and N once in a fresh process.
  const rss: Record<string, Record<number, number>> = Object.fromEntries(names.map((v) => [v, {}]));
  for (const n of sizes) for (const v of names) rss[v][n] = round(child(['synth', v, String(n)]).maxRssMiB, 1);

  // Cold start: require time of the library (with its generated bindings) vs cdk8s-plus-34, interleaved.
  const modules: Record<string, string> = { 'cdk8s-mesh': LIBRARY, 'cdk8s-plus-34': require.resolve('cdk8s-plus-34') };
  const cold: Record<string, number[]> = { 'cdk8s-mesh': [], 'cdk8s-plus-34': [] };
  const coldRss: Record<string, number> = {};
  for (let r = 0; r < coldReps; r++) {
    for (const [name, file] of Object.entries(modules)) {
      const m = child(['require', file]);
      cold[name].push(m.ms);
      coldRss[name] = round(m.maxRssMiB, 1);
    }
  }
  const coldStats = Object.fromEntries(Object.entries(cold).map(([k, s]) => [k, stats(s)]));

  const at = (v: string, n: number) => times[v][n]?.median;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? round(a / b) : undefined);
  const ratios = Object.fromEntries(sizes.map((n) => [n, {
    'library/raw-l1': ratio(at('library', n), at('raw-l1', n)),
    'library/floor': ratio(at('library', n), at('floor', n)),
    'raw-l1/floor': ratio(at('raw-l1', n), at('floor', n)),
    // The analysis's cost is a within-round comparison: each round runs both variants back to back,
    // so the median of the per-round ratios cancels the drift of a shared machine between rounds.
    'analysis on/off': pairedRatio(samples['library+analysis'][n], samples.library[n]),
    'analysis, medians': ratio(at('library+analysis', n), at('library', n)),
  }]));
  const scaling = Object.fromEntries(names.map((v) => [v, ratio(at(v, 5000), at(v, 1000))]));
  const rssRatio = ratio(rss.library[5000], rss['raw-l1'][5000]);
  const targets = [
    ...[1000, 5000].map((n) => ({ target: `library <= 1.3x raw-l1 at N=${n}`, value: ratios[n]?.['library/raw-l1'], limit: 1.3 })),
    ...names.map((v) => ({ target: `${v}: time(5000)/time(1000) <= 5.5`, value: scaling[v], limit: 5.5 })),
    { target: 'peak RSS library <= 1.3x raw-l1 at N=5000', value: rssRatio, limit: 1.3 },
    { target: 'analysis adds <= 25% at N=5000 (library+analysis / library, median of per-round ratios)', value: ratios[5000]?.['analysis on/off'], limit: 1.25 },
  ].map((t) => ({ ...t, status: t.value === undefined ? 'not measured' : t.value <= t.limit ? 'PASS' : 'FAIL' }));

  // The table.
  const col = (s: string | number, w = 13) => String(s).padStart(w);
  console.log(`\nsynth time, median ms (spread = (max-min)/median) and peak RSS MiB (own process)\n${col('variant', 18)}${sizes.map((n) => col(`N=${n}`) + col('spread', 8) + col('RSS', 8)).join('')}`);
  for (const v of names) {
    console.log(col(v, 18) + sizes.map((n) => col(times[v][n].median.toFixed(1)) + col(`${times[v][n].spreadPct.toFixed(0)}%`, 8) + col(rss[v][n], 8)).join(''));
  }
  console.log(`\nratios of medians\n${col('', 18)}${sizes.map((n) => col(`N=${n}`)).join('')}`);
  for (const key of ['library/raw-l1', 'library/floor', 'raw-l1/floor', 'analysis on/off', 'analysis, medians'] as const) {
    console.log(col(key, 18) + sizes.map((n) => col(ratios[n][key] ?? '-')).join(''));
  }
  console.log(`scaling time(5000)/time(1000): ${names.map((v) => `${v} ${scaling[v] ?? '-'}`).join(', ')}`);
  console.log(`cold start (require, median of ${coldReps}): ${Object.entries(coldStats).map(([k, s]) => `${k} ${s.median.toFixed(0)} ms (RSS ${coldRss[k]} MiB)`).join(', ')}`);
  console.log('\ntargets');
  for (const t of targets) console.log(`  [${t.status}] ${t.target}${t.value === undefined ? '' : `: ${t.value}`}`);

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    sizes,
    repetitions: reps,
    variants: Object.fromEntries(VARIANTS.map((v) => [v.name, v.description])),
    timesMs: times,
    yamlBytes: bytes,
    peakRssMiB: rss,
    ratios,
    scaling,
    rssRatioAt5000: rssRatio,
    coldStartMs: coldStats,
    coldStartRssMiB: coldRss,
    targets,
    benchSeconds: round((performance.now() - began) / 1000, 1),
  };
  writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, undefined, 2)}\n`);
  console.log(`\nwrote bench/results.json (${results.benchSeconds} s)`);
}

main();
