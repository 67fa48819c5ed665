#!/usr/bin/env -S npx tsx
import { configOrExit, redactUrl } from '@opbx/platform';
import { customerType, emailSchema, passwordSchema, staffRole, text } from '@warp/contract';
import { Command } from 'commander';
import type { z } from 'zod';

import { readConfig, type WarpConfig } from './config.js';
import { registerEdgeCommands } from './modules/sip-edge/edge.cli.js';

// The server, database and services load inside each command, so `--help` answers quickly.
const createContext = async (...args: Parameters<typeof import('./context.js').createContext>) => (await import('./context.js')).createContext(...args);

const config = (): WarpConfig => configOrExit(readConfig);

/** Validates an option with the API's own schema; a bad value exits 2 with the reason. */
function valid<S extends z.ZodType>(schema: S, value: unknown, option: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.error(`error: ${option} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  process.exit(2);
}

async function withContext(run: (ctx: Awaited<ReturnType<typeof createContext>>) => Promise<void>) {
  const ctx = await createContext(config());
  try {
    await run(ctx);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}

const program = new Command()
  .name('warp')
  .description('WARP carrier platform server. Reads DATABASE_URL (default sqlite:./data/warp.db), REDIS_URL and the other variables in the README.')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run migrations and start the API server on PORT (default 8080)')
  .option('--demo', 'create the demo staff admin and customer when missing, and print their logins')
  .action(async (opts: { demo?: boolean }) => {
    // The demo's webhooks usually point at a receiver on the same machine.
    if (opts.demo) process.env.WARP_WEBHOOKS_ALLOW_PRIVATE ??= 'true';
    // The demo dips LRNs against the Telique sandbox (unless a Telique URL is configured).
    let telique: { url: string } | undefined;
    if (opts.demo && !process.env.WARP_TELIQUE_URL) {
      const { startTeliqueSandbox } = await import('../../warp-sandbox/telique/server.js');
      const { DEMO_LRN_TABLE } = await import('./modules/routing/demo.js');
      const token = 'tlq_demo_token';
      const sandbox = await startTeliqueSandbox({ table: DEMO_LRN_TABLE, token, unref: true });
      Object.assign(process.env, { WARP_TELIQUE_URL: sandbox.apiBase, WARP_TELIQUE_TOKEN: token });
      telique = sandbox;
    }
    const { startServer } = await import('./server.js');
    await startServer(config(), { demo: Boolean(opts.demo) });
    if (telique) console.log(`Telique sandbox (LRN dips): ${telique.url}`);
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const cfg = config();
    const ctx = await createContext(cfg);
    console.log(`Migrations applied to ${redactUrl(cfg.DATABASE_URL)}`);
    await ctx.close();
  });

program
  .command('create-staff')
  .description('Create a staff user; prints {"user_id"} as one JSON line')
  .requiredOption('--email <email>', 'login email')
  .requiredOption('--password <password>', 'password (10+ characters with a letter and a digit)')
  .requiredOption('--role <role>', 'super_admin, admin, support, finance or sales')
  .option('--name <name>', 'display name', 'Staff')
  .action(async (opts: { email: string; password: string; role: string; name: string }) => {
    const email = valid(emailSchema, opts.email, '--email');
    const password = valid(passwordSchema, opts.password, '--password');
    const role = valid(staffRole, opts.role, '--role');
    const name = valid(text(100), opts.name, '--name');
    await withContext(async (ctx) => {
      const { insertUser } = await import('./modules/users/users.service.js');
      const { audit } = await import('./modules/audit/audit.service.js');
      const { SYSTEM_ACTOR } = await import('./http/auth.js');
      const user = await insertUser(ctx.db, { email, password, name, type: 'staff', staffRole: role });
      await audit(ctx.db, SYSTEM_ACTOR, { action: 'user.create', customerId: null, targetType: 'user', targetId: user.id, changes: { email, role } });
      console.log(JSON.stringify({ user_id: user.id }));
    });
  });

program
  .command('create-customer')
  .description('Create a customer with its first customer admin; prints {"customer_id","ban","user_id"} as one JSON line')
  .requiredOption('--name <name>', 'customer (company) name')
  .requiredOption('--type <type>', 'prepaid or postpaid')
  .requiredOption('--admin-email <email>', "the customer admin's login email")
  .requiredOption('--admin-password <password>', "the customer admin's password (10+ characters with a letter and a digit)")
  .action(async (opts: { name: string; type: string; adminEmail: string; adminPassword: string }) => {
    const name = valid(text(200), opts.name, '--name');
    const type = valid(customerType, opts.type, '--type');
    const email = valid(emailSchema, opts.adminEmail, '--admin-email');
    const password = valid(passwordSchema, opts.adminPassword, '--admin-password');
    await withContext(async (ctx) => {
      const { createCustomerWithAdmin } = await import('./modules/customers/customers.service.js');
      const { SYSTEM_ACTOR } = await import('./http/auth.js');
      const created = await createCustomerWithAdmin(ctx, SYSTEM_ACTOR, { name, type, contact: { email } }, { email, password });
      console.log(JSON.stringify(created));
    });
  });

program
  .command('import-npanxx')
  .description(
    'Import NPA-NXX reference rows from a CSV file (header npanxx,state[,rate_center,ocn,lata]; a LERG extract converts to it); prints {"accepted","rejected"} as one JSON line',
  )
  .argument('<file>', 'the CSV file')
  .action(async (file: string) => {
    await withContext(async (ctx) => {
      const { importNpaNxx } = await import('./modules/routing/rates.service.js');
      const { routingOf } = await import('./modules/routing/routing.state.js');
      const { SYSTEM_ACTOR } = await import('./http/auth.js');
      try {
        const report = await importNpaNxx(ctx, SYSTEM_ACTOR, file);
        console.log(JSON.stringify({ accepted: report.accepted, rejected: report.rejected }));
        if (report.rejected.length) process.exitCode = 1;
      } finally {
        await routingOf(ctx).close();
      }
    });
  });

program
  .command('seed-demo')
  .description('Create the demo staff admin and demo customer if they do not exist')
  .action(async () => {
    await withContext(async (ctx) => {
      const { seedDemo } = await import('./demo/seed.js');
      const { DEMO_CUSTOMER, DEMO_STAFF } = await import('./demo/constants.js');
      const result = await seedDemo(ctx);
      console.log(
        result.created
          ? `Demo data created. Staff admin: ${DEMO_STAFF.email} / ${DEMO_STAFF.password}; customer admin: ${DEMO_CUSTOMER.email} / ${DEMO_CUSTOMER.password}`
          : 'Demo data already exists',
      );
    });
  });

const edgeKey = program.command('edge-key').description('Keys that SIP edges send (Bearer) to /v1/internal/*, such as CDR ingestion');
edgeKey
  .command('create')
  .description('Create an edge key; prints one JSON line {"id","key"} (the key is shown only this once)')
  .requiredOption('--name <name>', 'what the key is for, e.g. the edge host')
  .action(async (opts: { name: string }) => {
    const name = valid(text(100), opts.name, '--name');
    await withContext(async (ctx) => {
      const { createEdgeKey } = await import('./modules/cdrs/edge-keys.js');
      console.log(JSON.stringify(await createEdgeKey(ctx, name)));
    });
  });
edgeKey
  .command('revoke <id>')
  .description('Revoke an edge key at once')
  .action(async (id: string) => {
    await withContext(async (ctx) => {
      const { revokeEdgeKey } = await import('./modules/cdrs/edge-keys.js');
      if (!(await revokeEdgeKey(ctx, id))) throw new Error('no such live edge key');
      console.log(JSON.stringify({ id, revoked: true }));
    });
  });

registerEdgeCommands(program, withContext);

const simulateCmd = program.command('simulate').description('Simulators for tests, demos and benchmarks');
simulateCmd
  .command('traffic')
  .description(
    'Generate calls on the active trunks, route them with the live route engine and post their CDRs to /v1/internal/cdrs like a SIP edge; progress on stderr, one JSON summary line on stdout',
  )
  .requiredOption('--rate <cps>', 'calls per second', Number)
  .requiredOption('--duration <seconds>', 'seconds of traffic', Number)
  .option('--answer-ratio <ratio>', 'share of routed calls answered (0-1)', Number, 0.6)
  .option('--url <url>', 'the WARP API base URL (default http://127.0.0.1:$PORT/v1)')
  .option('--edge-key <key>', 'an edge key (default WARP_EDGE_KEY, else a new one is created)')
  .option('--backfill', 'spread the calls over the last --duration seconds and post as fast as possible (demo data: --duration 2592000 for a month)')
  .option('--seed <n>', 'random seed (reproducible runs)', Number)
  .action(async (opts: { rate: number; duration: number; answerRatio: number; url?: string; edgeKey?: string; backfill?: boolean; seed?: number }) => {
    if (!(opts.rate > 0) || !(opts.duration > 0) || !(opts.answerRatio >= 0 && opts.answerRatio <= 1)) {
      console.error('error: --rate and --duration must be positive, --answer-ratio between 0 and 1');
      process.exit(2);
    }
    await withContext(async (ctx) => {
      const { runTraffic } = await import('./modules/cdrs/traffic.js');
      const { routingOf } = await import('./modules/routing/routing.state.js');
      const { createEdgeKey } = await import('./modules/cdrs/edge-keys.js');
      const base = (opts.url ?? `http://127.0.0.1:${process.env.PORT ?? 8080}/v1`).replace(/\/$/, '');
      const key = opts.edgeKey ?? process.env.WARP_EDGE_KEY ?? (await createEdgeKey(ctx, 'traffic generator')).key;
      const state = routingOf(ctx);
      let built = 0;
      try {
        const summary = await runTraffic({
          ...opts,
          // the engine's own snapshot, rebuilt every 30 s so configuration changes show up
          snapshot: async () => {
            if (Date.now() - built > 30_000) {
              await state.rebuild();
              built = Date.now();
            }
            return state.current();
          },
          post: async (cdrs) => {
            const res = await fetch(`${base}/internal/cdrs`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ cdrs }),
            });
            if (!res.ok) throw new Error(`POST /internal/cdrs answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
            return ((await res.json()) as { data: import('@warp/contract').IngestResult }).data;
          },
          progress: (done, total, s) => {
            const width = 30;
            const filled = Math.round((done / total) * width);
            process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} calls, ${s.answered} answered, ${s.accepted} stored`);
          },
        });
        process.stderr.write('\n');
        console.log(JSON.stringify(summary));
      } finally {
        await state.close();
      }
    });
  });

program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
