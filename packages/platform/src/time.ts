/**
 * Timestamps are stored as ISO-8601 UTC strings with millisecond precision in both dialects:
 * fixed width, so string order is time order and one code path serves SQLite and PostgreSQL.
 */
export const nowIso = (): string => new Date().toISOString();
