import { createGraphQLError } from 'graphql-yoga';
import { bindingOf } from '../connection/cursor.js';
import type { Conversation } from '../domain.js';
import { eventCursor, readEventCursor } from '../live/cursor.js';
import { LiveErrorCode, type LiveEvent } from '../live/service.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import type { GraphBuilder } from './builder.js';
import { chooseProviders, filterJson } from '../connection/conversations.js';
import type { ConversationEdgeTypeRef } from './conversations.js';
import { conversationAddedCost } from './costs.js';
import { toDomainFilter, type FilterInputRef } from './filter.js';
import type { ProviderEnumRef } from './provider.js';
import { upstreamGraphQLError } from '../errors.js';

export interface SubscriptionRefs {
  vendors: readonly VendorModule[];
  ProviderEnum: ProviderEnumRef;
  ConversationFilterInput: FilterInputRef;
  ConversationEdgeRef: ConversationEdgeTypeRef;
}

/** `Subscription.conversationAdded`. */
export function defineSubscription(builder: GraphBuilder, { vendors, ProviderEnum, ConversationFilterInput, ConversationEdgeRef }: SubscriptionRefs): void {
  builder.subscriptionType({});

  builder.subscriptionField('conversationAdded', (t) =>
    t.field({
      type: ConversationEdgeRef,
      ...conversationAddedCost(vendors.length),
      description:
        'Conversations as the vendors report them (polled every LIVE_POLL_INTERVAL_MS), each once, oldest first in createdAt order across vendors (an event waits for the other vendors\' next polls, at most LIVE_ORDER_MAX_WAIT_MS), as an edge of ' +
        '`conversations` with the same providers and filter (prepend it). A vendor failing while polled sends one event with a coded error ' +
        'naming it (data null) and the others keep flowing. `after` (an event cursor, or the `Last-Event-ID` of a reconnecting EventSource) ' +
        'first sends what arrived after that event, at most LIVE_RESUME_LIMIT conversations.',
      args: {
        providers: t.arg({ type: [ProviderEnum], required: false }),
        filter: t.arg({ type: ConversationFilterInput, required: false }),
        after: t.arg.string({ required: false, description: "An event's cursor: resume after it." }),
      },
      subscribe: async (_root, args, context) => {
        const live = context.live;
        if (!live) {
          throw createGraphQLError('Subscriptions are turned off on this graph (SUBSCRIPTIONS=false).', {
            extensions: { code: LiveErrorCode.SUBSCRIPTIONS_DISABLED },
          });
        }
        const filter = toDomainFilter(args.filter, vendors);
        const providers = chooseProviders(args.providers ?? null, context.providers);
        const binding = bindingOf(['conversations', providers, filterJson(filter)]);
        const resumeFrom = args.after ?? context.lastEventId;
        const argument = args.after ? 'after' : 'Last-Event-ID';
        const resumeAfter = resumeFrom ? readEventCursor(context.codec, binding, resumeFrom, argument, providers) : null;
        const subscription = await live.subscribe({ providers, filter, resumeAfter, clientAddress: context.clientAddress });
        context.liveEvents = { binding, subscription, lastCursor: null };
        subscription.onTake = () => context.renewForEvent();
        return subscription;
      },
      resolve: (event: LiveEvent, _args, context) => {
        if (event.kind === 'failed') throw upstreamGraphQLError(event.error, event.provider, ['conversationAdded']);
        const conversation: Conversation = event.conversation;
        const state = context.liveEvents;
        const cursor = state ? eventCursor(context.codec, state.binding, conversation) : '';
        if (state) state.lastCursor = cursor;
        return { cursor, node: conversation };
      },
    }),
  );
}
