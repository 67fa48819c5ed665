import type { FastifyInstance } from 'fastify';

import type { Api, Reply } from './api.js';

/** A multipart/form-data body: fields first, then the CSV as the `file` part (as the seed client sends it). */
export function multipartBody(csv: string, fields: Record<string, string> = {}, fileField = 'file') {
  const boundary = `----warp${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="${fileField}"; filename="deck.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a deck as `api`'s caller. */
export async function uploadDeck(
  app: FastifyInstance,
  api: Api,
  url: string,
  csv: string,
  fields: Record<string, string> = {},
  fileField = 'file',
): Promise<Reply> {
  const { payload, contentType } = multipartBody(csv, fields, fileField);
  const res = await app.inject({ method: 'POST', url: `/v1${url}`, payload, headers: { authorization: `Bearer ${api.token}`, 'content-type': contentType } });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
}

export const DECK_HEADER =
  'prefix,npanxx,description,country,interstate,intrastate,local,indeterminate,rate,connection_fee,initial_increment,subsequent_increment,minimum_duration,effective_date,end_date';
