import type { VendorIdFormat } from '../vendor-module.js';

/** Moveworks Data ids go into OData `id in (…)` filters: a token, never quotes, spaces or parentheses. */
export const MOVEWORKS_DATA_CONVERSATION_ID: VendorIdFormat = {
  description: 'a Moveworks Data conversation id (letters, digits, -, _, . and :)',
  pattern: /^[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}$/,
};
