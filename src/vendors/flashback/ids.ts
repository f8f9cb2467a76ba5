import type { VendorIdFormat } from '../vendor-module.js';

/** Flashback conversation ids are UUIDs; any token of letters, digits, `-` and `_` is accepted. */
export const FLASHBACK_CONVERSATION_ID: VendorIdFormat = {
  description: 'a Flashback conversation id (letters, digits, - and _)',
  pattern: /^[A-Za-z0-9_-]{1,128}$/,
};
