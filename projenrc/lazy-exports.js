#!/usr/bin/env node
// Rewrites a compiled entry point (lib/index.js) so that `require('cdk8s-mesh')` loads a module
// only when a program first reads one of its exports: the constructs (`export * from ...`), the
// named re-exports of the analyzer and the schema validator (checks, CRD schemas, YAML parser) and
// the jsii submodules (`export * as networking from ...`: 2 MB of generated bindings). TypeScript
// emits them as require() calls at load; getters of the same names keep the API (the `export *`
// names are read from the compiled modules here), and the jsii assembly, read from the sources,
// does not change. Checks that the rewritten entry point exports the same values, and fails when the
// compiled file no longer has the shape this expects, so that the loading cannot turn eager unnoticed.
//
//   node projenrc/lazy-exports.js lib/index.js
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const MARK = '// Loaded on first access by projenrc/lazy-exports.js.\n';
const file = path.resolve(process.argv[2]);
const js = fs.readFileSync(file, 'utf8');
if (js.includes(MARK)) process.exit(0);

const getter = (name, value) => `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: function () { return ${value}; } });`;
// Names TypeScript declares up front (`exports.a = exports.b = void 0;`): `export *` never takes them.
const declared = new Set([...js.matchAll(/^exports\.\w+ = (?:exports\.\w+ = )*void 0;$/gm)].flatMap((m) => [...m[0].matchAll(/exports\.(\w+) =/g)].map((n) => n[1])));
const taken = new Set(declared);
const counts = { stars: 0, submodules: 0, reexports: 0 };
const out = js
  // `__exportStar(require("./workloads/mesh-service"), exports);`: a getter per name, the first module exporting a name wins.
  .replace(/^__exportStar\(require\(("[^"]+")\), exports\);$/gm, (_, mod) => {
    counts.stars++;
    const names = Object.keys(require(path.resolve(path.dirname(file), JSON.parse(mod)))).filter((k) => k !== 'default' && k !== '__esModule' && !taken.has(k));
    names.forEach((k) => taken.add(k));
    return names.map((k) => getter(k, `require(${mod}).${k}`)).join('\n');
  })
  // `exports.networking = __importStar(require("./imports/networking.istio.io"));`
  .replace(/^exports\.(\w+) = (__importStar\()?require\(("[^"]+")\)\)?;$/gm, (_, name, star, mod) => {
    counts.submodules++;
    return getter(name, star ? `__importStar(require(${mod}))` : `require(${mod})`);
  })
  // `var analyzer_1 = require("./analysis/analyzer");` followed by the getters of its re-exports.
  .replace(/^var (\w+) = require\(("[^"]+")\);\n((?:Object\.defineProperty\(exports, "\w+", \{ enumerable: true, get: function \(\) \{ return \1\.\w+; \} \}\);\n)+)/gm,
    (_, variable, mod, getters) => {
      counts.reexports++;
      return getters.split(`return ${variable}.`).join(`return require(${mod}).`);
    });
if (!counts.stars || !counts.submodules || !counts.reexports) {
  throw new Error(`${file}: expected the export forms TypeScript emits (found ${JSON.stringify(counts)}): update projenrc/lazy-exports.js`);
}
const eager = /^(?:var \w+ = )?(?:__exportStar\()?require\("\.[^"]*"\)/m.exec(out);
if (eager) throw new Error(`${file}: "${eager[0]}" still loads at require time: update projenrc/lazy-exports.js`);

// The rewritten entry point must export what the compiled one does, value for value, and load
// nothing of the library until an export is read.
const lazy = path.join(path.dirname(file), `.lazy-${process.pid}.js`);
fs.writeFileSync(lazy, MARK + out);
try {
  execFileSync(process.execPath, ['-e', `
    const lazy = require(${JSON.stringify(lazy)});
    const own = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(path.dirname(file) + path.sep)}) && f !== ${JSON.stringify(lazy)});
    if (own.length) throw new Error('loaded at require time: ' + own.join(', '));
    const eager = require(${JSON.stringify(file)});
    const a = Object.keys(lazy).sort().join(), b = Object.keys(eager).sort().join();
    if (a !== b) throw new Error('exports differ: ' + a + ' / ' + b);
    for (const k of Object.keys(eager)) if (lazy[k] !== eager[k]) throw new Error('export ' + k + ' differs');
  `], { stdio: 'inherit' });
  fs.renameSync(lazy, file);
} finally {
  fs.rmSync(lazy, { force: true });
}
console.log(`${path.relative(process.cwd(), file)}: ${taken.size - declared.size} exports of ${counts.stars} modules, ${counts.reexports} modules of re-exports and ${counts.submodules} submodules load on first access`);
