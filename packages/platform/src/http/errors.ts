import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError, type ErrorCode, type ErrorDetail } from '../errors.js';

interface ErrorEnvelope {
  error: { code: string; message: string; details?: ErrorDetail[]; request_id: string };
}

export function envelope(request: FastifyRequest, code: string, message: string, details?: ErrorDetail[]): ErrorEnvelope {
  return { error: { code, message, ...(details?.length ? { details } : {}), request_id: String(request.id) } };
}

/** Renders an error body; each product passes its spec's shape (OPBX's `envelope` is the default). */
export type ErrorRenderer = (request: FastifyRequest, code: string, message: string, details?: ErrorDetail[]) => unknown;

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { keys?: string[]; issue?: { code?: string; keys?: string[]; path?: PropertyKey[] } };
}

/** `/sip_config/password` → `sip_config.password`; unknown keys are reported one by one. */
function validationDetails(error: FastifyError & { validation?: ValidationItem[]; validationContext?: string }): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const item of error.validation ?? []) {
    const base = (item.instancePath ?? '').replace(/^\/+/, '').replace(/\//g, '.');
    const keys = item.params?.keys ?? item.params?.issue?.keys;
    if ((item.keyword === 'unrecognized_keys' || item.params?.issue?.code === 'unrecognized_keys') && keys?.length) {
      for (const key of keys) out.push({ field: base ? `${base}.${key}` : key, message: 'Unknown field' });
      continue;
    }
    out.push({ field: base || error.validationContext || 'body', message: item.message ?? 'Invalid value' });
  }
  return out;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMIT_EXCEEDED',
};

/** The one error handler: which status and code each failure gets; `render` only shapes the body. */
export const createErrorHandler =
  (render: ErrorRenderer = envelope) =>
  (error: FastifyError & { validation?: ValidationItem[] }, request: FastifyRequest, reply: FastifyReply) =>
    handleError(render, error, request, reply);

function handleError(render: ErrorRenderer, error: FastifyError & { validation?: ValidationItem[] }, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.headers) void reply.headers(error.headers);
    return reply.status(error.status).send(render(request, error.code, error.message, error.details));
  }
  if (error.validation) {
    const details = validationDetails(error);
    return reply.status(422).send(render(request, 'VALIDATION_ERROR', 'The given data was invalid', details));
  }
  // PostgreSQL "data exception" (class 22: NUL bytes, out-of-range numbers…) is bad input that
  // slipped past a schema; answer it as such rather than as a server fault.
  if (typeof error.code === 'string' && /^22[0-9A-Z]{3}$/.test(error.code) && !error.statusCode) {
    request.log.warn({ err: error }, 'database rejected a value');
    return reply
      .status(422)
      .send(
        render(request, 'VALIDATION_ERROR', 'A value in the request is not acceptable', [
          { field: 'request', message: 'contains a value the database cannot store' },
        ]),
      );
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? 'VALIDATION_ERROR';
    // Malformed JSON, wrong content type and the like are all "the request was invalid".
    const finalStatus = code === 'VALIDATION_ERROR' ? 422 : status;
    const field = error.code?.startsWith('FST_ERR_CTP') ? 'body' : 'request';
    return reply
      .status(finalStatus)
      .send(render(request, code, publicMessage(error), code === 'VALIDATION_ERROR' ? [{ field, message: publicMessage(error) }] : undefined));
  }
  if (isDatabaseUnavailable(error)) {
    // Not a bug in the request or in us: the database is away. Clients (and Cloudonix) retry.
    request.log.warn({ err: error }, 'database unavailable');
    return reply
      .status(503)
      .header('retry-after', '5')
      .send(render(request, 'SERVICE_UNAVAILABLE', 'The service is briefly unavailable. Please try again in a few seconds.'));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send(render(request, 'INTERNAL_ERROR', 'An unexpected error occurred'));
}

function publicMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send application/json';
    default:
      return error.message.slice(0, 200);
  }
}
