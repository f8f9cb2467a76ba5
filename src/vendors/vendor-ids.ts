import type { Provider } from '../domain.js';
import type { VendorModule } from './vendor-module.js';

/**
 * Vendor ids arrive inside global ids, which are unsigned: a client can put anything there. Before any id
 * reaches a vendor (in a URL path, an RSQL or OData filter), it must look like an id of that vendor (its
 * module's `ids.conversation`). What no vendor id can be is refused first: empty, a dot-segment (`.`, `..`: URL
 * resolution turns them into another resource), a slash or backslash, control characters, or longer than 256
 * characters.
 */

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
export function vendorConversationIdProblem(provider: Provider, id: string, vendors: readonly VendorModule[]): string | null {
  const problem = pathSegmentProblem(id);
  if (problem) return problem;
  const format = vendors.find((vendor) => vendor.provider === provider)?.ids.conversation;
  if (!format) return 'is not an id of a vendor this graph serves';
  return format.pattern.test(id) ? null : `is not ${format.description}`;
}
