import { PROVIDERS } from '../domain.js';
import { builder } from './builder.js';

export const ProviderEnum = builder.enumType('Provider', {
  description: 'A vendor whose conversations the graph serves.',
  values: PROVIDERS,
});
