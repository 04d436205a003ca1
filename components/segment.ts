// The topic or group name a dynamic route segment stands for.

/** Next may hand a segment over still percent-encoded; names with a literal '%' (%RETRY%...) must not be decoded twice. */
export function segmentName(raw: string): string {
  try {
    return /%[0-9A-Fa-f]{2}/.test(raw) ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}
