/**
 * Cloudonix sends numbers in several forms: `+16175551212`, prefixless `16175551212`,
 * `sip:101@domain`. Reduce them to an extension number or an E.164 string.
 */
export function userPart(raw: string): string {
  let s = raw.trim();
  s = s.replace(/^sips?:/i, '');
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  return s.replace(/[\s\-().]/g, '');
}

/** `+` and 8–15 digits, or undefined. */
export function toE164(raw: string): string | undefined {
  const s = userPart(raw);
  const m = /^\+?([1-9]\d{7,14})$/.exec(s);
  return m ? `+${m[1]}` : undefined;
}

export const isExtensionNumber = (s: string): boolean => /^\d{2,8}$/.test(s);
