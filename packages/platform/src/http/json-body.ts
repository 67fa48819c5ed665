/**
 * Deepest nesting a request body may have. No API here takes more than a few levels; a body nested
 * 300,000 deep parses fine but overflows the stack of whatever walks it next (validation, logging,
 * serialization), which would answer 500 instead of the client's mistake.
 */
export const MAX_JSON_DEPTH = 64;

type JsonParse = { ok: true; value: unknown } | { ok: false; message: string; tooDeep?: true };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON.parse with a nesting limit checked first (one pass over the text, skipped for short bodies). */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): JsonParse {
  if (text.length > maxDepth * 2 && nestingExceeds(text, maxDepth)) {
    return { ok: false, message: `The request body is nested deeper than ${maxDepth} levels`, tooDeep: true };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'The request body is not valid JSON' };
  }
}

function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}
