import type { Person } from '../domain.js';
import { builder } from './builder.js';
import { ProviderEnum } from './provider.js';

export const PersonInterface = builder.interfaceRef<Person>('Person').implement({
  description: 'Someone who took part in a conversation, as the vendor knows them. Fields the vendor does not know are null.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, resolve: (person) => person.provider }),
    providerId: t.string({ nullable: true, description: "The vendor's id for this person, when it has one.", resolve: (person) => person.providerId }),
    displayName: t.string({ nullable: true, resolve: (person) => person.displayName }),
    firstName: t.string({ nullable: true, resolve: (person) => person.firstName }),
    lastName: t.string({ nullable: true, resolve: (person) => person.lastName }),
    email: t.string({ nullable: true, resolve: (person) => person.email }),
    department: t.string({ nullable: true, resolve: (person) => person.department }),
    role: t.string({ nullable: true, resolve: (person) => person.role }),
  }),
});

export const CreatorRef = builder.objectRef<Person>('Creator').implement({
  description: 'The person who started a conversation.',
  interfaces: [PersonInterface],
});

export const MemberRef = builder.objectRef<Person>('Member').implement({
  description: 'A person who took part in a conversation.',
  interfaces: [PersonInterface],
});
