import type { GraphContext } from '../context.js';
import type { GraphBuilder } from './builder.js';
import { findCreators, findMembers } from './find-again.js';
import { creatorLocalId, memberLocalId, type PlacedPerson } from './node-keys.js';
import type { NodeIds } from './node-ids.js';
import type { ProviderEnumRef } from './provider.js';

/** The `Person` interface and its two Node types. */
export function definePeople(builder: GraphBuilder, ProviderEnum: ProviderEnumRef, nodeIds: NodeIds) {
  const PersonInterface = builder.interfaceRef<PlacedPerson>('Person').implement({
    description: 'Someone who took part in a conversation, as the vendor knows them. Fields the vendor does not know are null.',
    fields: (t) => ({
      provider: t.field({ type: ProviderEnum, resolve: ({ person }) => person.provider }),
      providerId: t.string({ nullable: true, description: "The vendor's id for this person, when it has one.", resolve: ({ person }) => person.providerId }),
      displayName: t.string({ nullable: true, resolve: ({ person }) => person.displayName }),
      firstName: t.string({ nullable: true, resolve: ({ person }) => person.firstName }),
      lastName: t.string({ nullable: true, resolve: ({ person }) => person.lastName }),
      email: t.string({ nullable: true, resolve: ({ person }) => person.email }),
      department: t.string({ nullable: true, resolve: ({ person }) => person.department }),
      role: t.string({ nullable: true, resolve: ({ person }) => person.role }),
    }),
  });

  const CreatorRef = builder.loadableNode('Creator', {
    description:
      'The person who started a conversation. Its id names "the creator of that conversation": `node` finds it again through the conversation.',
    interfaces: [PersonInterface],
    id: nodeIds.of<PlacedPerson>('Creator', ({ place }) => {
      if (place.kind !== 'creator') throw new Error('a Creator is always placed as a creator');
      return creatorLocalId(place.conversation);
    }),
    load: (ids: string[], context: GraphContext) => findCreators(ids, context) as Promise<(PlacedPerson | Error)[]>,
  });

  const MemberRef = builder.loadableNode('Member', {
    description:
      "A person who took part in a conversation. Its id names a member of that conversation, or the sender of one message (a vendor's speaker and member records need not agree).",
    interfaces: [PersonInterface],
    id: nodeIds.of<PlacedPerson>('Member', ({ place }) => {
      if (place.kind === 'creator') throw new Error('a Member is never placed as a creator');
      return memberLocalId(place);
    }),
    load: (ids: string[], context: GraphContext) => findMembers(ids, context) as Promise<(PlacedPerson | Error)[]>,
  });
  return { PersonInterface, CreatorRef, MemberRef };
}

export type PeopleRefs = ReturnType<typeof definePeople>;
