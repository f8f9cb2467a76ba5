/**
 * Whether a vendor id taken from a client (a global id) can be one URL path
 * segment. `encodeURIComponent` escapes `/` but leaves `.` and `..`, which
 * URL resolution turns into another resource; an empty id names the
 * collection itself. Such ids cannot exist at the vendor: look-ups answer
 * null without a call.
 */
export function isPathSegmentId(id: string): boolean {
  return (
    id.length > 0 &&
    id.length <= 256 &&
    id !== '.' &&
    id !== '..' &&
    !/[/\\]/.test(id) &&
    // Control characters never appear in vendor ids and some proxies mangle them.
    !/[\u0000-\u001f\u007f]/.test(id)
  );
}
