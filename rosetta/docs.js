// `jsii-rosetta extract --strict` compiles and translates the README's examples (the README is in the
// assembly); this does the same for the TypeScript examples of docs/*.md, in strict mode (any diagnostic
// fails), each with the fixture rosetta/docs.ts-fixture unless its fence names another
// (```ts fixture=NAME, or nofixture). Usage: node rosetta/docs.js
const fs = require('fs');
const path = require('path');
const { RosettaTranslator } = require('jsii-rosetta');
// jsii-rosetta's CLI reads examples from assemblies only; its assembly loader (not in the package's
// exports) gives a doc's examples the fixture and dependencies that an assembly README's examples get.
const { loadAssemblies, allTypeScriptSnippets } = require(path.join(path.dirname(require.resolve('jsii-rosetta/package.json')), 'lib', 'jsii', 'assemblies.js'));

async function main() {
  const root = path.join(__dirname, '..');
  const [loaded] = loadAssemblies([root], false);
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
  // One pass over all docs, joined (compiling per doc takes three times as long); a diagnostic names its
  // example by the line it starts on (`<package>-README-L<line>.ts`), mapped back to the doc here.
  const starts = [];
  let markdown = '';
  for (const doc of docs) {
    starts.push({ doc, line: markdown.split('\n').length });
    markdown += `${fs.readFileSync(path.join(root, 'docs', doc), 'utf8').replace(/^(```(?:ts|typescript))[ \t]*$/gm, '$1 fixture=docs')}\n`;
  }
  const assembly = { ...loaded.assembly, readme: { markdown }, types: {}, submodules: {} };
  const snippets = (await allTypeScriptSnippets([{ ...loaded, assembly }])).map((s) => ({ ...s, strict: true }));
  const translator = new RosettaTranslator({ includeCompilerDiagnostics: true, assemblies: [loaded.assembly] });
  const { diagnostics } = await translator.translateAll(snippets);
  for (const d of diagnostics) {
    const message = d.formattedMessage.replace(/\x1b\[[0-9;]*m/g, '');
    const line = Number(/-README-L(\d+)\.ts/.exec(message)?.[1]);
    const start = starts.filter((s) => s.line <= line).pop();
    console.error(start ? `docs/${start.doc}, the example at line ${line - start.line + 1}: ${message}` : message);
  }
  console.log(`rosetta: ${snippets.length} examples in ${docs.length} docs, ${diagnostics.length} diagnostics`);
  const failed = diagnostics.length;
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
