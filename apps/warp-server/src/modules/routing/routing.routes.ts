import multipart from '@fastify/multipart';
import { AppError, invalid, notFound, nowIso } from '@opbx/platform';
import {
  assignPartition,
  exclusionCreate,
  idParams,
  listQuery,
  overrideCreate,
  partitionCreate,
  partitionUpdate,
  providerCreate,
  providerUpdate,
  rateQuery,
  routeQuery,
  simulateRequest,
} from '@warp/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { listOf, ok } from '../../http/envelope.js';
import { audit } from '../audit/audit.service.js';
import { edgeChanged } from '../sip-edge/edge-directory.js';
import { presentTrunk } from '../trunks/trunks.presenter.js';
import * as partitions from './partitions.service.js';
import * as providers from './providers.service.js';
import { type DeckOwner, importDeck } from './rates.import.js';
import { listRates, providerOwner, sellOwner } from './rates.service.js';
import { routingOf } from './routing.state.js';
import * as rules from './rules.service.js';
import { simulate } from './simulate.service.js';
import { mustExist } from './validate.js';

const importQuery = z.object({ dry_run: z.enum(['true', 'false', '1', '0']).optional() });

/** Admin API of issue 13: providers, decks, partitions, routes, overrides, exclusions, simulator. */
export function routingRoutes(app: FastifyInstance, ctx: AppContext) {
  const state = routingOf(ctx);
  state.onError = (err) => app.log.error({ err }, 'routing snapshot rebuild failed; the previous snapshot stays in use');
  app.addHook('onClose', async () => state.close());

  // Multipart only for the deck uploads (registered in this scope alone).
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: ctx.config.WARP_RATE_IMPORT_MAX_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 } });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const upload = async (req: FastifyRequest, owner: (fields: Record<string, string>) => Promise<DeckOwner>, dryRun: boolean) => {
      if (!req.isMultipart()) throw invalid([{ field: 'file', message: 'send the deck as multipart/form-data with a file part' }]);
      const fields: Record<string, string> = {};
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw invalid([{ field: part.fieldname, message: 'the deck goes in a part named file' }]);
        }
        const o = await owner(fields).catch((err) => {
          part.file.resume();
          throw err;
        });
        const report = await importDeck(ctx, o, part.file, dryRun);
        if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', `the deck is larger than ${ctx.config.WARP_RATE_IMPORT_MAX_BYTES} bytes`);
        if (report.activated) await state.changed();
        await audit(ctx.db, actorOf(req), {
          action: dryRun ? 'rates.import_dry_run' : 'rates.import',
          customerId: null,
          targetType: o.provider_id ? 'provider' : 'rate_plan',
          targetId: o.provider_id ?? o.rate_plan,
          changes: { rows: report.rows, accepted: report.accepted, rejected: report.rejected_total, activated: report.activated, ...report.diff },
        });
        return report;
      }
      throw invalid([{ field: 'file', message: 'no file part in the upload' }]);
    };
    const isDry = (q: { dry_run?: string }) => q.dry_run === 'true' || q.dry_run === '1';
    r.post(
      '/admin/providers/:id/rates/import',
      { config: { area: 'admin_rates' }, schema: { tags: ['admin: rates'], params: idParams, querystring: importQuery, consumes: ['multipart/form-data'] } },
      async (req) => ok(req, await upload(req, () => providerOwner(ctx, req.params.id), isDry(req.query))),
    );
    r.post(
      '/admin/rates/import',
      { config: { area: 'admin_rates' }, schema: { tags: ['admin: rates'], querystring: importQuery, consumes: ['multipart/form-data'] } },
      async (req) => ok(req, await upload(req, async (f) => sellOwner(f.rate_plan?.trim()), isDry(req.query))),
    );
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin: routing'];
  const area = { area: 'admin_routing' as const };

  r.get('/admin/providers', { config: area, schema: { tags, querystring: listQuery } }, async (req) => {
    const { data, pagination } = await providers.listProviders(ctx, req.query);
    return listOf(req, data, pagination);
  });
  r.post('/admin/providers', { config: area, schema: { tags, body: providerCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await providers.createProvider(ctx, actorOf(req), req.body))),
  );
  r.patch('/admin/providers/:id', { config: area, schema: { tags, params: idParams, body: providerUpdate } }, async (req) =>
    ok(req, await providers.updateProvider(ctx, actorOf(req), req.params.id, req.body)),
  );
  r.delete('/admin/providers/:id', { config: area, schema: { tags, params: idParams } }, async (req, reply) => {
    await providers.deleteProvider(ctx, actorOf(req), req.params.id);
    return reply.status(204).send();
  });

  r.get('/admin/rates', { config: { area: 'admin_rates' }, schema: { tags: ['admin: rates'], querystring: rateQuery } }, async (req) => {
    const { data, pagination } = await listRates(ctx, req.query);
    return listOf(req, data, pagination);
  });

  r.get('/admin/partitions', { config: area, schema: { tags } }, async (req) => ok(req, await partitions.listPartitions(ctx)));
  r.post('/admin/partitions', { config: area, schema: { tags, body: partitionCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await partitions.createPartition(ctx, actorOf(req), req.body))),
  );
  r.patch('/admin/partitions/:id', { config: area, schema: { tags, params: idParams, body: partitionUpdate } }, async (req) =>
    ok(req, await partitions.updatePartition(ctx, actorOf(req), req.params.id, req.body)),
  );
  r.post('/admin/trunks/:id/partition', { config: area, schema: { tags, params: idParams, body: assignPartition } }, async (req) => {
    const trunk = await ctx.db.selectFrom('trunks').selectAll().where('id', '=', req.params.id).executeTakeFirst();
    if (!trunk) throw notFound('Trunk');
    const partitionId = req.body.partition_id;
    if (partitionId) await mustExist(ctx.db, 'partitions', [{ field: 'partition_id', id: partitionId }]);
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('trunks').set({ partition_id: partitionId, updated_at: nowIso() }).where('id', '=', trunk.id).execute();
      await audit(trx, actorOf(req), {
        action: 'trunk.partition',
        customerId: trunk.customer_id,
        targetType: 'trunk',
        targetId: trunk.id,
        changes: { partition_id: { from: trunk.partition_id, to: partitionId } },
      });
    });
    await state.changed();
    // the SIP edge decides on its own copy of the trunk
    await edgeChanged(ctx);
    const customer = await ctx.db.selectFrom('customers').select('status').where('id', '=', trunk.customer_id).executeTakeFirstOrThrow();
    return ok(req, presentTrunk({ ...trunk, partition_id: partitionId, updated_at: nowIso() }, customer.status));
  });
  r.get('/admin/routes', { config: area, schema: { tags, querystring: routeQuery } }, async (req) => ok(req, await partitions.listRoutes(ctx, req.query)));

  r.get('/admin/overrides', { config: area, schema: { tags } }, async (req) => ok(req, await rules.listOverrides(ctx)));
  r.post('/admin/overrides', { config: area, schema: { tags, body: overrideCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await rules.createOverride(ctx, actorOf(req), req.body))),
  );
  r.delete('/admin/overrides/:id', { config: area, schema: { tags, params: idParams } }, async (req, reply) => {
    await rules.deleteOverride(ctx, actorOf(req), req.params.id);
    return reply.status(204).send();
  });
  r.get('/admin/exclusions', { config: area, schema: { tags } }, async (req) => ok(req, await rules.listExclusions(ctx)));
  r.post('/admin/exclusions', { config: area, schema: { tags, body: exclusionCreate } }, async (req, reply) =>
    reply.status(201).send(ok(req, await rules.createExclusion(ctx, actorOf(req), req.body))),
  );
  r.delete('/admin/exclusions/:id', { config: area, schema: { tags, params: idParams } }, async (req, reply) => {
    await rules.deleteExclusion(ctx, actorOf(req), req.params.id);
    return reply.status(204).send();
  });

  r.post('/admin/routing/simulate', { config: { area: 'admin_routing_simulate' }, schema: { tags, body: simulateRequest } }, async (req) =>
    ok(req, await simulate(ctx, req.body)),
  );
}
