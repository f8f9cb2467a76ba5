import type { VendorIdFormat } from '../vendor-module.js';

/** Symbl conversation ids are decimal digits (e.g. `4866329603473408`); they go into `/conversations/{id}/…`. */
export const SYMBL_CONVERSATION_ID: VendorIdFormat = {
  description: 'a Symbl conversation id (decimal digits)',
  pattern: /^[0-9]{1,32}$/,
};
