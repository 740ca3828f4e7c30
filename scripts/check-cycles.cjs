#!/usr/bin/env node
// Fails when the TypeScript sources import each other in a cycle (one of the guards of
// docs/HELPERS.md). Resolution uses the repository's tsconfig, so workspace packages count too.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const roots = (
  process.argv.slice(2).length ? process.argv.slice(2) : ['services', 'shared', 'local', 'web/src']
).map((r) => path.join(root, r));
const configFile = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);

function sources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory())
      return ['node_modules', 'dist', 'cdk.out'].includes(e.name) ? [] : sources(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = roots.flatMap(sources);
const known = new Set(files.map((f) => fs.realpathSync(f)));
const edges = new Map();
for (const file of files) {
  const from = fs.realpathSync(file);
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const imported of importedFiles) {
    const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport) continue;
    const to = fs.realpathSync(resolved.resolvedFileName);
    if (known.has(to) && to !== from) targets.add(to);
  }
  edges.set(from, [...targets]);
}

// Tarjan's strongly connected components: any component of two or more files is a cycle.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(v) {
  indexOf.set(v, index);
  low.set(v, index);
  index += 1;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!indexOf.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
  }
  if (low.get(v) === indexOf.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(path.relative(root, w));
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);

if (cycles.length > 0) {
  console.error(`import cycles (${cycles.length}):`);
  for (const c of cycles) console.error(`  - ${c.join(' <-> ')}`);
  process.exit(1);
}
console.log(`no import cycles among ${files.length} files`);
