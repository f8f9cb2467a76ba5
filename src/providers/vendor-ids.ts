import type { Provider } from '../domain.js';
import { CHATBASE_CONVERSATION_ID } from './chatbase/ids.js';
import { FLASHBACK_CONVERSATION_ID } from './flashback/ids.js';
import { MOVEWORKS_CONVERSATIONS_CONVERSATION_ID } from './moveworks-conversations/ids.js';
import { MOVEWORKS_DATA_CONVERSATION_ID } from './moveworks-data/ids.js';
import { SYMBL_CONVERSATION_ID } from './symbl/ids.js';

/**
 * Vendor ids arrive inside global ids, which are unsigned: a client can put anything there. Before any id
 * reaches a vendor (in a URL path, an RSQL or OData filter), it must look like an id of that vendor. What no
 * vendor id can be is refused first: empty, a dot-segment (`.`, `..`: URL resolution turns them into another
 * resource), a slash or backslash, control characters, or longer than 256 characters.
 */
export interface VendorIdFormat {
  /** What the vendor's ids look like, for the error message. */
  description: string;
  pattern: RegExp;
}

const FORMATS: Record<Provider, VendorIdFormat> = {
  FLASHBACK: FLASHBACK_CONVERSATION_ID,
  CHATBASE: CHATBASE_CONVERSATION_ID,
  MOVEWORKS_DATA: MOVEWORKS_DATA_CONVERSATION_ID,
  SYMBL: SYMBL_CONVERSATION_ID,
  MOVEWORKS_CONVERSATIONS: MOVEWORKS_CONVERSATIONS_CONVERSATION_ID,
};

export const MAX_VENDOR_ID_LENGTH = 256;

/** Why `id` cannot be one URL path segment (any vendor), or null when it can. */
export function pathSegmentProblem(id: string): string | null {
  if (id.length === 0) return 'is empty';
  if (id.length > MAX_VENDOR_ID_LENGTH) return `is longer than ${MAX_VENDOR_ID_LENGTH} characters`;
  if (id === '.' || id === '..') return 'is a dot-segment';
  if (/[/\\]/.test(id)) return 'contains a slash';
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'contains a control character';
  return null;
}

/** Why `id` cannot be a conversation id of `provider`, or null when it can. */
export function vendorConversationIdProblem(provider: Provider, id: string): string | null {
  const problem = pathSegmentProblem(id);
  if (problem) return problem;
  const format = FORMATS[provider];
  return format.pattern.test(id) ? null : `is not ${format.description}`;
}
