import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { AppError, newId, notFound, nowIso } from '@opbx/platform';
import type { CdrExport, CdrExportRequest } from '@warp/contract';
import type { FastifyBaseLogger } from 'fastify';

import type { AppContext } from '../../context.js';
import type { CdrExportsTable } from '../../db/cdr-tables.js';
import type { CustomersTable } from '../../db/schema.js';
import { enqueueEvent } from '../webhooks/events.js';
import { presentCdr } from './cdrs.presenter.js';
import { csvWriter, type ExportWriter, jsonWriter, pdfWriter } from './export.writers.js';
import { parseRange } from './range.js';

/*
 * CDR exports: POST /cdrs/export records a job and answers at once; the file is written in the
 * background by streaming keyset pages of CDRs to disk (constant memory), then `cdr_export.ready`
 * goes out through the webhook queue. The download link is an authenticated-encrypted token
 * (AES-GCM with the app key) naming the export and its expiry, so it needs no session and cannot
 * be altered to reach another export; files and links die after 24 hours.
 */

const TTL_MS = 24 * 3600_000;
const PAGE = 1000;

const dir = (ctx: AppContext) => resolve(ctx.config.WARP_DATA_DIR, 'exports');
const fileOf = (ctx: AppContext, e: Pick<CdrExportsTable, 'id' | 'format'>) => join(dir(ctx), `${e.id}.${e.format}`);

export function downloadUrl(ctx: AppContext, e: Pick<CdrExportsTable, 'id' | 'expires_at'>): string {
  const token = ctx.secrets.encrypt(JSON.stringify({ export: e.id, exp: Date.parse(e.expires_at) }));
  return `${ctx.config.WARP_API_PUBLIC_URL ?? ''}/v1/cdrs/exports/${e.id}/download?token=${encodeURIComponent(token)}`;
}

const present = (ctx: AppContext, e: CdrExportsTable): CdrExport & { format: string; rows: number; expires_at: string; error: string | null } => ({
  export_id: e.id,
  status: e.status,
  download_url: downloadUrl(ctx, e),
  format: e.format,
  rows: Number(e.rows),
  expires_at: e.expires_at,
  error: e.error,
});

export async function startExport(ctx: AppContext, customer: CustomersTable, input: CdrExportRequest, log?: FastifyBaseLogger) {
  const { from, to } = parseRange(input.date_from, input.date_to);
  const now = Date.now();
  const row: CdrExportsTable = {
    id: newId(),
    customer_id: customer.id,
    date_from: from,
    date_to: to,
    format: input.format,
    status: 'pending',
    rows: 0,
    bytes: 0,
    error: null,
    created_at: new Date(now).toISOString(),
    completed_at: null,
    expires_at: new Date(now + TTL_MS).toISOString(),
  };
  await ctx.db.insertInto('cdr_exports').values(row).execute();
  void runExport(ctx, row).catch((err: unknown) => log?.error({ err, export_id: row.id }, 'CDR export failed'));
  return present(ctx, row);
}

export async function getExport(ctx: AppContext, customer: CustomersTable, id: string) {
  const row = await ctx.db.selectFrom('cdr_exports').selectAll().where('id', '=', id).where('customer_id', '=', customer.id).executeTakeFirst();
  if (!row) throw notFound('Export');
  return present(ctx, row);
}

/** Writes the file page by page, waiting on the disk (backpressure), then marks it ready and queues the webhook. */
export async function runExport(ctx: AppContext, job: CdrExportsTable): Promise<void> {
  await ctx.db.updateTable('cdr_exports').set({ status: 'running' }).where('id', '=', job.id).execute();
  mkdirSync(dir(ctx), { recursive: true });
  const writer: ExportWriter =
    job.format === 'csv' ? csvWriter() : job.format === 'json' ? jsonWriter() : pdfWriter(`CDRs ${job.date_from} to ${job.date_to} (UTC)`);
  const out = createWriteStream(fileOf(ctx, job), { encoding: writer.encoding, mode: 0o600 });
  const write = async (chunk: string) => {
    if (chunk && !out.write(chunk, writer.encoding)) await once(out, 'drain');
  };
  let rows = 0;
  try {
    await write(writer.head());
    let after: { started_at: string; id: string } | null = null;
    for (;;) {
      let q = ctx.db
        .selectFrom('cdrs')
        .selectAll()
        .where('customer_id', '=', job.customer_id)
        .where('started_at', '>=', job.date_from)
        .where('started_at', '<', job.date_to);
      if (after) {
        const a: { started_at: string; id: string } = after;
        // the plain bound lets the (customer_id, started_at) index start at the page, not the range
        q = q
          .where('started_at', '>=', a.started_at)
          .where((eb) => eb.or([eb('started_at', '>', a.started_at), eb.and([eb('started_at', '=', a.started_at), eb('id', '>', a.id)])]));
      }
      const page = await q.orderBy('started_at').orderBy('id').limit(PAGE).execute();
      let chunk = '';
      for (const r of page) chunk += writer.row(presentCdr(r));
      await write(chunk);
      rows += page.length;
      if (page.length < PAGE) break;
      const last = page[page.length - 1]!;
      after = { started_at: last.started_at, id: last.id };
    }
    await write(writer.tail());
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    await ctx.db
      .updateTable('cdr_exports')
      .set({ status: 'failed', error: (err as Error).message.slice(0, 500), completed_at: nowIso() })
      .where('id', '=', job.id)
      .execute();
    throw err;
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('cdr_exports').set({ status: 'ready', rows, bytes: out.bytesWritten, completed_at: nowIso() }).where('id', '=', job.id).execute();
    await enqueueEvent(trx, job.customer_id, 'cdr_export.ready', {
      export_id: job.id,
      format: job.format,
      rows,
      date_from: job.date_from,
      date_to: job.date_to,
      download_url: downloadUrl(ctx, job),
      expires_at: job.expires_at,
    });
  });
}

/** The file behind a download token, or 403 (forged, altered, expired) / 404 (gone) / 409 (not ready yet). */
export async function openDownload(ctx: AppContext, id: string, token: string) {
  let claim: { export?: string; exp?: number } = {};
  try {
    claim = JSON.parse(ctx.secrets.decrypt(token)) as typeof claim;
  } catch {
    throw new AppError('FORBIDDEN', 'The download link is invalid');
  }
  if (claim.export !== id) throw new AppError('FORBIDDEN', 'The download link is invalid');
  if (typeof claim.exp !== 'number' || claim.exp <= Date.now()) throw new AppError('FORBIDDEN', 'The download link has expired');
  const row = await ctx.db.selectFrom('cdr_exports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Export');
  if (row.status !== 'ready') throw new AppError('CONFLICT', `The export is ${row.status}`);
  const writer = row.format === 'csv' ? csvWriter() : row.format === 'json' ? jsonWriter() : pdfWriter('');
  return {
    stream: createReadStream(fileOf(ctx, row)),
    contentType: writer.contentType,
    filename: `cdrs-${row.date_from.slice(0, 10)}-${row.date_to.slice(0, 10)}.${row.format}`,
  };
}

/** Hourly: expired exports lose their files and rows. */
export async function purgeExports(ctx: AppContext): Promise<void> {
  const old = await ctx.db.selectFrom('cdr_exports').select(['id', 'format']).where('expires_at', '<=', nowIso()).execute();
  for (const e of old) rmSync(fileOf(ctx, e), { force: true });
  if (old.length)
    await ctx.db
      .deleteFrom('cdr_exports')
      .where(
        'id',
        'in',
        old.map((e) => e.id),
      )
      .execute();
}
