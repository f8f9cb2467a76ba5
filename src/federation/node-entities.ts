import type DataLoader from 'dataloader';
import type { GraphContext } from '../context.js';
import { badUserInput } from '../errors.js';
import type { GraphBuilder } from '../schema/builder.js';
import type { ConversationNodeRef } from '../schema/conversation.js';
import { decodeNodeId } from '../schema/global-id.js';
import type { MessageRefs } from '../schema/message.js';
import type { PeopleRefs } from '../schema/person.js';

/**
 * Every Node is a federation entity keyed by its global id, resolved through the same per-request
 * loader as `node`/`nodes`: a gateway's batch of representations costs what `nodes` with those ids
 * costs, and shares its cache. Async, so one bad representation fails only its own entity.
 */
function throughNodeLoader<T>(typename: string, loaderOf: (context: GraphContext) => DataLoader<string, T>) {
  return async (reference: { id: string }, context: GraphContext): Promise<T | null> => {
    const globalId: unknown = reference.id;
    if (typeof globalId !== 'string') throw badUserInput(`A ${typename} representation needs its \`id\`.`, { argument: 'representations' });
    const { typename: named, id } = decodeNodeId(globalId);
    if (named !== typename) throw badUserInput(`This id is not a ${typename} id.`, { argument: 'representations' });
    return loaderOf(context).load(id);
  };
}

export interface NodeEntityRefs {
  ConversationNode: ConversationNodeRef;
  message: MessageRefs;
  people: PeopleRefs;
}

export function defineNodeEntities(builder: GraphBuilder, { ConversationNode, message: { MessageRef }, people: { CreatorRef, MemberRef } }: NodeEntityRefs): void {
  const byId = builder.selection<{ id: string }>('id');

  builder.asEntity(ConversationNode, {
    key: byId,
    resolveReference: throughNodeLoader('Conversation', (context) => ConversationNode.getDataloader(context)),
  });
  builder.asEntity(MessageRef, {
    key: byId,
    resolveReference: throughNodeLoader('Message', (context) => MessageRef.getDataloader(context)),
  });
  builder.asEntity(CreatorRef, {
    key: byId,
    resolveReference: throughNodeLoader('Creator', (context) => CreatorRef.getDataloader(context)),
  });
  builder.asEntity(MemberRef, {
    key: byId,
    resolveReference: throughNodeLoader('Member', (context) => MemberRef.getDataloader(context)),
  });
}
