import type { GraphContext } from '../context.js';
import type { Conversation } from '../domain.js';
import { badUserInput, upstreamGraphQLError } from '../errors.js';
import { listPhaseDeadline } from '../limits/deadline.js';
import { runWithDeadline } from '../request-scope.js';
import { markUncacheable } from './cacheability.js';
import {
  isPerson,
  parseConversationLocalId,
  parseCreatorLocalId,
  parseMemberLocalId,
  parseMessageLocalId,
  type ConversationAddress,
  type MessageAddress,
  type PersonPlace,
  type PlacedMessage,
  type PlacedPerson,
} from './node-keys.js';

/**
 * node/nodes look-ups for every Node type. Each answers per id, in id order:
 * the object, null when it does not exist (or its vendor is not configured
 * here), BAD_USER_INPUT for an id this graph did not issue, or its vendor's
 * error for that id only. The sessions' DataLoaders batch a whole `nodes`
 * list per vendor: messages and people cost their conversation's look-up
 * (and its messages or members), shared with every other id of the request.
 */

type Answer<T> = T | Error | null;

function notIssued(): Error {
  return badUserInput('This id was not issued by this graph.', { argument: 'id' });
}

async function each<A extends { provider: ConversationAddress['provider'] }, T>(
  localIds: readonly string[],
  context: GraphContext,
  parse: (localId: string, vendors: GraphContext['config']['vendors']) => A | null,
  find: (address: A) => Promise<T | null>,
): Promise<Answer<T>[]> {
  // One batch holds every vendor's ids, so its objects come back together: a vendor hanging on its look-up is cut
  // at the look-up's share of the deadline (LOOKUP_DEADLINE_SHARE_PCT), leaving the rest to the nested fields.
  const lookupDeadline = listPhaseDeadline(context.scope, context.config.limits.lookupDeadlineSharePct);
  return runWithDeadline(lookupDeadline, () =>
    Promise.all(
      localIds.map(async (localId) => {
        const address = parse(localId, context.config.vendors);
        if (!address) return notIssued();
        // A provider that is not configured here cannot hold the object.
        if (!context.providers.includes(address.provider)) {
          markUncacheable(context);
          return null;
        }
        try {
          const found = await find(address);
          if (found === null) markUncacheable(context);
          return found;
        } catch (error) {
          return upstreamGraphQLError(error, address.provider);
        }
      }),
    ),
  );
}

function conversationAt(address: ConversationAddress, context: GraphContext): Promise<Conversation | null> {
  // Found again by its creation instant only: an id without one cannot be found, without a call.
  if (context.vendor(address.provider).capabilities.lookUp === 'by-created-at' && address.key.createdAtMs === null) return Promise.resolve(null);
  return context.session(address.provider).loadConversation(address.key);
}

export function findConversations(localIds: readonly string[], context: GraphContext): Promise<Answer<Conversation>[]> {
  return each(localIds, context, parseConversationLocalId, (address) => conversationAt(address, context));
}

async function messageAt(address: MessageAddress, context: GraphContext): Promise<PlacedMessage | null> {
  const message = await context.session(address.provider).loadMessage(address.key);
  return message ? { message, address } : null;
}

export function findMessages(localIds: readonly string[], context: GraphContext): Promise<Answer<PlacedMessage>[]> {
  return each(localIds, context, parseMessageLocalId, (address) => messageAt(address, context));
}

export function findCreators(localIds: readonly string[], context: GraphContext): Promise<Answer<PlacedPerson>[]> {
  return each(localIds, context, parseCreatorLocalId, async (conversation) => {
    const found = await conversationAt(conversation, context);
    const person = found ? await context.session(conversation.provider).creator(found) : null;
    return person ? { person, place: { kind: 'creator', conversation } } : null;
  });
}

type MemberPlace = Exclude<PersonPlace, { kind: 'creator' }>;

export function findMembers(localIds: readonly string[], context: GraphContext): Promise<Answer<PlacedPerson>[]> {
  const parse = (localId: string, vendors: GraphContext['config']['vendors']) => {
    const place = parseMemberLocalId(localId, vendors);
    return place ? { provider: place.kind === 'member' ? place.conversation.provider : place.message.provider, place } : null;
  };
  return each(localIds, context, parse, async ({ place }: { place: MemberPlace }) => {
    if (place.kind === 'sender') {
      const sender = (await messageAt(place.message, context))?.message.sender ?? null;
      return sender ? { person: sender, place } : null;
    }
    const found = await conversationAt(place.conversation, context);
    const members = found ? await context.session(place.conversation.provider).members(found) : [];
    const person = members.find((member) => isPerson(member, place.person));
    return person ? { person, place } : null;
  });
}
