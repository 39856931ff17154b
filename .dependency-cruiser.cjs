/**
 * The module graph's rules, checked by `npm test` (test/architecture/module-graph.spec.ts):
 * no import cycle between files nor between folders, and each folder of src/ imports only the layers below it.
 * Read bottom-up; a folder may import any folder of a lower layer, none of its own layer or above.
 */
const fs = require('node:fs');

const LAYERS = [
  ['config'],
  ['common', 'database'],
  ['observability', 'audit'],
  ['ats'],
  ['meeting'],
  ['connections', 'mapping', 'matching'],
  ['sync'],
  ['webhook'],
  ['erasure'],
  ['admin', 'scheduler'],
];

const layerRules = LAYERS.flatMap((layer, i) =>
  layer.map((folder) => {
    const notBelow = LAYERS.slice(i).flat().filter((other) => other !== folder);
    return {
      name: `${folder}-imports-downward`,
      comment: `${folder}/ may import only ${LAYERS.slice(0, i).flat().join(', ') || 'nothing in src/'}`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${notBelow.join('|')})/` },
    };
  }),
);

module.exports = {
  forbidden: [
    { name: 'no-file-cycle', comment: 'no import cycle between files', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-folder-cycle',
      comment: 'no import cycle between folders',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-the-app',
      comment: 'the files at the root of src/ (app module, factory, main) sit on top of every folder',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    ...(fs.existsSync('tsconfig.json') ? { tsConfig: { fileName: 'tsconfig.json' } } : {}),
  },
};
