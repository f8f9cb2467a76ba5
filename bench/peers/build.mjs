// @ts-check
import { build } from 'esbuild';

/** Compiles the Mesh peer to plain JavaScript (packages stay external: read from bench/peers/node_modules), as the graph is run. */
await build({
  entryPoints: ['bench/peers/mesh-server.ts'],
  outfile: 'bench/peers/dist/mesh-server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
