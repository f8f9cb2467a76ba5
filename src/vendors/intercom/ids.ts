import type { VendorIdFormat } from '../vendor-module.js';

export const INTERCOM_PROVIDER = 'INTERCOM';

/** Intercom conversation ids are decimal digits (`123456789`); they go into `/conversations/{id}`. */
export const INTERCOM_CONVERSATION_ID: VendorIdFormat = {
  description: 'an Intercom conversation id (decimal digits)',
  pattern: /^[0-9]{1,20}$/,
};
