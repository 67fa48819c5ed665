/** Socket-level failures reaching the database server. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Whether an error (or one it wraps) says the database cannot be reached right now, rather than
 * that the query was wrong: a refused or dropped connection, PostgreSQL's connection-exception
 * class 08, a server shutting down or starting (57P01–57P03), too many connections, or SQLite
 * still locked by another writer after its busy timeout.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (CONNECTION_ERRORS.has(code) || /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300' || code === 'SQLITE_BUSY') return true;
    }
    if (typeof message === 'string' && /^Connection terminated|timeout exceeded when trying to connect/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
