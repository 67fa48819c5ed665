import { createHmac } from 'node:crypto';

import { constantTimeEqual } from './tokens.js';

/**
 * Signs small JSON states carried through third parties (e.g. CXML callback URLs), so what comes
 * back is exactly what we sent: `<payload>.<mac>`, both base64url.
 */
export class Signer {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = createHmac('sha256', secret).update(`signer:${purpose}`).digest();
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, 18).toString('base64url');
  }

  sign(value: unknown): string {
    const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The signed value, or undefined when the token was forged, altered or malformed. */
  verify<T>(token: string): T | undefined {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    if (!constantTimeEqual(this.mac(payload), token.slice(dot + 1))) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}
