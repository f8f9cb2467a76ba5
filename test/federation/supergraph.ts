import { composeServices, compositionHasErrors, type CompositionResult } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { request } from 'undici';

export interface SubgraphService {
  name: string;
  url: string;
  sdl: string;
}

/** A subgraph's SDL as a gateway or `rover` reads it: its live `_service { sdl }` over HTTP. */
export async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.body.json()) as { data?: { _service?: { sdl?: string } }; errors?: unknown[] };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`no _service.sdl from ${url}: ${JSON.stringify(body.errors)}`);
  return sdl;
}

export function compose(services: readonly SubgraphService[]): CompositionResult {
  return composeServices(services.map((service) => ({ name: service.name, url: service.url, typeDefs: parse(service.sdl) })));
}

/** The supergraph SDL, or an error listing every composition error. */
export function composeSupergraph(services: readonly SubgraphService[]): string {
  const result = compose(services);
  if (compositionHasErrors(result)) {
    throw new Error(`composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}
