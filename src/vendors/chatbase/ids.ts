import type { VendorIdFormat } from '../vendor-module.js';

/** Chatbase conversation ids are UUID-like tokens. */
export const CHATBASE_CONVERSATION_ID: VendorIdFormat = {
  description: 'a Chatbase conversation id (letters, digits, - and _)',
  pattern: /^[A-Za-z0-9_-]{1,128}$/,
};
