/**
 * The layers of docs/architecture.md, checked (test/architecture.test.ts; `npx depcruise src --config
 * .dependency-cruiser.cjs` by hand). A file may import its own layer and the layers below it, never one above;
 * no file may reach itself through its imports. Type-only imports count: they are dependencies of the design.
 */
const layer = (...patterns) => `^src/(${patterns.join('|')})`;

/** Top to bottom. Each entry: the layer's name, the paths it holds. */
const LAYERS = [
  [
    'app',
    layer(
      'main\\.ts$',
      'server\\.ts$',
      'yoga\\.ts$',
      'plugins/',
      // The graph's own HTTP side: its Yoga plugins and GraphQL-over-HTTP details (its settings are a port).
      'http/(?!response-cache-settings\\.ts$)',
      'persisted-operations\\.ts$',
      'limits/(plugin|operation-check|request-body)\\.ts$',
      'live/(plugin|index)\\.ts$',
      'observability/(index|tracing|request-log)\\.ts$',
    ),
  ],
  ['schema', layer('schema/', 'federation/', 'context\\.ts$')],
  ['live', layer('live/(?!plugin\\.ts$|index\\.ts$|settings\\.ts$)')],
  ['config', layer('config\\.ts$', 'vendors/registry\\.ts$', 'persisted-operations-settings\\.ts$')],
  ['connection', layer('connection/')],
  ['vendor-list', layer('vendors/vendors\\.ts$')],
  ['vendors', layer('vendors/[^/]+/')],
  ['vendor-port', layer('vendors/(port|vendor-module|vendor-settings|vendor-ids|filter-values|path-segment|concurrency)\\.ts$')],
  ['streams', layer('streams/')],
  ['http', layer('vendors/(http|http-settings|coalesce|wire-schema|vendor-client)\\.ts$')],
];

/** Ports every layer may import; they import only each other. */
const PORTS = layer(
  'domain\\.ts$',
  'vendors/upstream-runtime\\.ts$',
  'streams/scan-settings\\.ts$',
  'live/settings\\.ts$',
  'http/response-cache-settings\\.ts$',
  'errors\\.ts$',
  'env-reader\\.ts$',
  'request-scope\\.ts$',
  'limits/(settings|deadline)\\.ts$',
  'shared-state/',
  'observability/(?!(index|tracing|request-log)\\.ts$)',
);

const upward = LAYERS.flatMap(([name, from], index) =>
  index === 0
    ? []
    : [
        {
          name: `no-upward-from-${name}`,
          comment: `${name} may import only its own layer, the layers below it and the ports (docs/architecture.md)`,
          severity: 'error',
          from: { path: from, pathNot: '\\.test\\.ts$' },
          to: { path: LAYERS.slice(0, index).map(([, path]) => `(${path})`).join('|') },
        },
      ],
);

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'ports-import-only-ports',
      comment: 'domain, errors, settings, shared state and observability import nothing of the layers',
      severity: 'error',
      from: { path: PORTS, pathNot: '\\.test\\.ts$' },
      to: { path: LAYERS.map(([, path]) => `(${path})`).join('|') },
    },
    {
      name: 'emulators-stand-alone',
      comment: 'the demo emulators import nothing of the graph but its ports',
      severity: 'error',
      from: { path: '^src/emulators/', pathNot: '\\.test\\.ts$|^src/emulators/(index|main)\\.ts$' },
      to: { path: LAYERS.map(([, path]) => `(${path})`).join('|') },
    },
    {
      name: 'no-cycles',
      comment: 'no file reaches itself through its imports',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
