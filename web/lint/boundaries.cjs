// ESLint rule for web/src: imports run down the layers, and features meet only at their index.
//
//   app  →  features  →  components  →  stores  →  lib
//
// - a folder never imports one above it (lib/, stores/ and components/ never import features/);
// - a feature imports another feature only as `features/<name>` (its index.ts), never its files.
//
// A local rule rather than a plugin: it needs only the importer's path and the resolved target.
const path = require('node:path');

const LAYERS = ['lib', 'stores', 'components', 'features', 'app'];

/** `web/src`-relative segments of a file, or null when the file is not under a `src` root. */
function srcSegments(file, srcRoot) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep);
}

/** The `src` folder a file lives in: the `srcRoot` option, else the nearest `…/web/src`. */
function findSrcRoot(file, option) {
  if (option) return path.resolve(option);
  const marker = `${path.sep}web${path.sep}src${path.sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? null : file.slice(0, at + marker.length - 1);
}

const INDEX = new Set(['', 'index', 'index.ts', 'index.tsx']);

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep web/src layered and features behind their index.ts' },
    schema: [
      { type: 'object', properties: { srcRoot: { type: 'string' } }, additionalProperties: false },
    ],
    messages: {
      upward:
        '{{from}}/ must not import {{to}}/ (imports run app → features → components → stores → lib).',
      featureInternals:
        "Import the {{feature}} feature through its index ('{{suggestion}}'), not its file {{file}}.",
    },
  },
  create(context) {
    const file = context.filename;
    const srcRoot = findSrcRoot(file, context.options[0]?.srcRoot);
    const from = srcRoot && srcSegments(file, srcRoot);
    if (!from || from.length < 2) return {};
    const fromLayer = LAYERS.indexOf(from[0]);
    if (fromLayer < 0) return {};

    const check = (node) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = srcSegments(path.resolve(path.dirname(file), spec), srcRoot);
      if (!to) return;
      const toLayer = LAYERS.indexOf(to[0]);
      if (toLayer > fromLayer) {
        context.report({
          node: node.source,
          messageId: 'upward',
          data: { from: from[0], to: to[0] },
        });
        return;
      }
      if (to[0] !== 'features' || to.length < 2) return;
      const feature = to[1];
      const rest = to.slice(2).join('/');
      const sameFeature = from[0] === 'features' && from[1] === feature;
      if (sameFeature || INDEX.has(rest)) return;
      const suggestion = spec.slice(0, spec.length - rest.length).replace(/\/$/, '');
      context.report({
        node: node.source,
        messageId: 'featureInternals',
        data: { feature, suggestion, file: rest },
      });
    };

    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
