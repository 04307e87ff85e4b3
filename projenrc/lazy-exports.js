#!/usr/bin/env node
// Rewrites a compiled entry point (lib/index.js) so that what a program may never use loads on
// first access: the jsii submodules (`export * as networking from ...`: 1.4 MB of generated code)
// and the named re-exports of the analyzer and the schema validator (checks, CRD schemas, YAML
// parser). TypeScript emits them as require() calls at load; getters of the same names keep the
// API, and the jsii assembly (read from the sources) does not change. Fails when the compiled file
// no longer has the shape this expects, so that the loading cannot turn eager unnoticed.
//
//   node projenrc/lazy-exports.js lib/index.js
const fs = require('fs');

const MARK = '// Loaded on first access by projenrc/lazy-exports.js.\n';
const file = process.argv[2];
const js = fs.readFileSync(file, 'utf8');
if (js.includes(MARK)) process.exit(0);

let submodules = 0;
let reexports = 0;
const out = js
  // `exports.networking = __importStar(require("./imports/networking.istio.io"));`
  .replace(/^exports\.(\w+) = (__importStar\()?require\(("[^"]+")\)\)?;$/gm, (_, name, star, mod) => {
    submodules++;
    const value = star ? `__importStar(require(${mod}))` : `require(${mod})`;
    return `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: function () { return ${value}; } });`;
  })
  // `var analyzer_1 = require("./analysis/analyzer");` followed by the getters of its re-exports.
  .replace(/^var (\w+) = require\(("[^"]+")\);\n((?:Object\.defineProperty\(exports, "\w+", \{ enumerable: true, get: function \(\) \{ return \1\.\w+; \} \}\);\n)+)/gm,
    (_, variable, mod, getters) => {
      reexports++;
      return getters.split(`return ${variable}.`).join(`return require(${mod}).`);
    });
if (submodules === 0 || reexports === 0) {
  throw new Error(`${file}: expected the submodule exports and the re-exports TypeScript emits (found ${submodules} and ${reexports}): update projenrc/lazy-exports.js`);
}
const eager = /^var \w+ = require\("\.\/(imports|analysis)\/[^"]+"\);$/m.exec(out);
if (eager) throw new Error(`${file}: "${eager[0]}" still loads at require time: update projenrc/lazy-exports.js`);
fs.writeFileSync(file, MARK + out);
console.log(`${file}: ${submodules} submodules and ${reexports} modules of re-exports load on first access`);
