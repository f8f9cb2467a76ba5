import { guardEntityRepresentations } from '../federation/entities.js';
import { builder } from './builder.js';
import './provider.js';
import './person.js';
import './message.js';
import './details.js';
import './filter.js';
import './conversation.js';
import './conversations.js';
import './subscription.js';
import '../federation/node-entities.js';

/** The subgraph schema (Apollo Federation v2): `_service`, `_entities`, every Node an entity keyed by `id`. */
export const schema = guardEntityRepresentations(
  builder.toSubGraphSchema({
    // v2.9 for the demand-control directives (costs.ts).
    linkUrl: 'https://specs.apollo.dev/federation/v2.9',
    federationDirectives: ['@key', '@shareable', '@cost', '@listSize'],
  }),
);
