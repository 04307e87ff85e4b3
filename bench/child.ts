// One measurement in a fresh process, printed as JSON on stdout:
//   child.js synth <variant> <n>   build and synthesize once: time and peak RSS
//   child.js require <module>      require time and peak RSS of a module (cold start)
import { performance } from 'perf_hooks';
import { variant } from './variants';

const [mode, arg, n] = process.argv.slice(2);
const start = performance.now();
let bytes = 0;
if (mode === 'synth') bytes = variant(arg).synth(Number(n)).length;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module under measurement
else if (mode === 'require') require(arg);
else throw new Error(`usage: child.js synth <variant> <n> | child.js require <module> (got "${mode}")`);
const ms = performance.now() - start;
// maxRSS is in KiB.
console.log(JSON.stringify({ ms, bytes, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
