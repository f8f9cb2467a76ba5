import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../../src/config.js';
import { VENDORS } from '../../src/vendors/vendors.js';
import type { VendorModule } from '../../src/vendors/vendor-module.js';
import type { GraphQLBody, Scenario } from '../scenarios.js';

/**
 * The side-by-side run against GraphQL Mesh (`npm run bench:peers`): the same vendor data asked of the graph
 * and of Mesh (bench/peers/mesh-server.ts). Mesh sees each vendor through the OpenAPI description in that
 * vendor's folder (`src/vendors/<folder>/openapi.json`, written from the vendor's docs); its `x-bench-page`
 * says which Mesh root field lists the vendor's conversations and with which arguments (COUNT: the page size):
 * one aliased field per upstream call the graph makes for that vendor's page, so both sides read the same data.
 * Vendors without a description are left out of both sides.
 */

interface BenchPage {
  field: string;
  /** One call's arguments, or several (a vendor the graph reads with several calls per page: each chatbot, each archive state). */
  arguments: string | string[];
  selection: string;
}

const PROVIDERS_DIR = fileURLToPath(new URL('../../src/vendors/', import.meta.url));

export function openApiPath(vendor: VendorModule): string {
  return `${PROVIDERS_DIR}${vendor.names.folder}/openapi.json`;
}

const described = VENDORS.filter((vendor) => existsSync(openApiPath(vendor)));
const pageOf = (vendor: VendorModule): BenchPage =>
  (JSON.parse(readFileSync(openApiPath(vendor), 'utf8')) as { 'x-bench-page': BenchPage })['x-bench-page'];

/** What Mesh needs per vendor (bench/peers/mesh-server.ts reads it from MESH_SUBGRAPHS). */
export function meshSubgraphs(config: AppConfig): Array<{ name: string; source: string; endpoint: string; headers: Record<string, string> }> {
  return described.flatMap((vendor) => {
    const settings = config.vendorConfigs[vendor.provider];
    if (!settings) return [];
    return [
      {
        name: vendor.names.folder.replace(/-/g, '_'),
        source: openApiPath(vendor),
        endpoint: settings.baseUrl,
        headers: { accept: 'application/json', ...vendor.credentialHeaders(settings as never) },
      },
    ];
  });
}

const graphPage = (alias: string, vendor: VendorModule, count: number): string =>
  `${alias}: conversations(first: ${count}, providers: [${vendor.provider}]) { edges { node { id providerId createdAt title } } }`;
const meshPage = (alias: string, vendor: VendorModule, count: number): string => {
  const page = pageOf(vendor);
  const calls = Array.isArray(page.arguments) ? page.arguments : [page.arguments];
  return calls.map((args, index) => `${alias}_${index}: ${page.field}(${args.replace('COUNT', String(count))}) { ${page.selection} }`).join(' ');
};

export interface PeerScenario extends Scenario {
  /** The request that asks Mesh for the same vendor data. */
  peer: GraphQLBody;
}

const pages = (vendors: readonly VendorModule[], count: number, page: typeof graphPage): string =>
  `{ ${vendors.map((vendor, index) => page(`v${index}`, vendor, count)).join(' ')} }`;

const first = described.slice(0, 1);
export const PEER_SCENARIOS: PeerScenario[] = [
  {
    id: 'one-vendor-50',
    name: `one vendor's page of 50 (${first.map((vendor) => vendor.names.display).join('')}), vs Mesh`,
    upstreamCallLimit: 2,
    prepare: async () => ({ query: pages(first, 50, graphPage) }),
    peer: { query: pages(first, 50, meshPage) },
  },
  {
    id: 'vendors-5x20',
    name: `${described.length} vendors × 20 in one aliased query, vs Mesh`,
    upstreamCallLimit: 12,
    prepare: async () => ({ query: pages(described, 20, graphPage) }),
    peer: { query: pages(described, 20, meshPage) },
  },
];
