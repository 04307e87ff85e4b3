// One measurement in a fresh process, printed as JSON on stdout:
//   child.js synth <shape> <variant> <n>   build and synthesize once: time and peak RSS
//   child.js require <module> [export...]   require time and peak RSS of a module (cold start), reading the exports named
//   child.js cli <cli.js> <file...>        cdk8s-mesh-analyze on the files, from its require on
//   child.js parse <file...>               only parse the files with `yaml` (documents to JS), from its require on
/* eslint-disable @typescript-eslint/no-require-imports -- the modules under measurement load inside the timing */
import { readFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { shape } from './shape';
import { variant } from './variants';

const [mode, arg, ...rest] = process.argv.slice(2);
const start = performance.now();
const cpu = process.cpuUsage();
let bytes = 0;
if (mode === 'synth') {
  bytes = variant(rest[0]).synth(Number(rest[1]), shape(arg)).length;
} else if (mode === 'require') {
  const m = require(arg);
  for (const name of rest) if (m[name] === undefined) throw new Error(`${arg} exports no ${name}`);
} else if (mode === 'cli') {
  const lines: string[] = [];
  const code = (require(arg) as typeof import('../src/analysis/cli')).runCli(rest, (l) => lines.push(l), (l) => lines.push(l));
  if (code !== 0) throw new Error(`cdk8s-mesh-analyze exited with ${code}:\n${lines.slice(0, 20).join('\n')}`);
  bytes = lines.join('\n').length;
} else if (mode === 'parse') {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  for (const file of [arg, ...rest]) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })) bytes += doc.toJS() ? 1 : 0;
  }
} else {
  throw new Error(`usage: child.js synth <shape> <variant> <n> | require <module> [export...] | cli <cli.js> <file...> | parse <file...> (got "${mode}")`);
}
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
// maxRSS is in KiB.
console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, bytes, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
