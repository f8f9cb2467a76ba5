import type { VendorIdFormat } from '../vendor-module.js';

/**
 * `conv_` and a ULID in COMPANIONS.md ("a base-62 identifier prefixed by a short resource type" in the vendor's
 * newer reference), so any alphanumeric tail; they go into `/conversations/{id}/messages`.
 */
export const MOVEWORKS_CONVERSATIONS_CONVERSATION_ID: VendorIdFormat = {
  description: 'a Moveworks Conversations id (conv_ and letters or digits)',
  pattern: /^conv_[0-9A-Za-z]{1,64}$/,
};
