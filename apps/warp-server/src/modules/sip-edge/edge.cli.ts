import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Command } from 'commander';

import type { AppContext } from '../../context.js';
import { checkEdgeConfig, EDGE_DEFAULTS, type EdgeSettings, newAuthSecret, startEdge, stopEdge, writeEdgeConfig } from './edge-config.js';

/*
 * `warp edge render|start|stop` and `warp number assign|unassign`: run a Kamailio edge against
 * this WARP, and give a trunk a number until the numbers issue sells them.
 */

interface EdgeOptions {
  dir: string;
  listen: string;
  api?: string;
  key?: string;
  children: number;
  foreground?: boolean;
}

type WithContext = (run: (ctx: AppContext) => Promise<void>) => Promise<void>;

const secretFile = (dir: string) => join(dir, 'auth.secret');

/** Renders into --dir; the edge key comes from --key, WARP_EDGE_KEY, or a new one (kept in the dir). */
async function render(opts: EdgeOptions, withContext: WithContext): Promise<string> {
  const dir = resolve(opts.dir);
  const keyFile = join(dir, 'edge.key');
  let key = opts.key ?? process.env.WARP_EDGE_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!key) {
    await withContext(async (ctx) => {
      const { createEdgeKey } = await import('../cdrs/edge-keys.js');
      key = (await createEdgeKey(ctx, `kamailio ${opts.listen}`)).key;
    });
    if (!key) throw new Error('could not create an edge key');
  }
  const settings: EdgeSettings = {
    ...EDGE_DEFAULTS,
    sipListen: opts.listen,
    apiUrl: opts.api ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`,
    edgeKey: key,
    runDir: dir,
    authSecret: process.env.WARP_EDGE_AUTH_SECRET ?? (existsSync(secretFile(dir)) ? readFileSync(secretFile(dir), 'utf8').trim() : newAuthSecret()),
    children: opts.children,
  };
  const file = writeEdgeConfig(settings);
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(secretFile(dir), settings.authSecret, { mode: 0o600 });
  return file;
}

export function registerEdgeCommands(program: Command, withContext: WithContext) {
  const edge = program
    .command('edge')
    .description('The Kamailio SIP edge in front of this WARP (Debian packages kamailio, kamailio-utils-modules, kamailio-extra-modules)');
  const common = (c: Command) =>
    c
      .option('--dir <dir>', 'run directory: rendered config, key, pid and log', './data/edge')
      .option('--listen <host:port>', 'SIP address to listen on (UDP)', EDGE_DEFAULTS.sipListen)
      .option('--api <url>', 'WARP base URL as the edge reaches it (default http://127.0.0.1:$PORT)')
      .option('--key <key>', 'edge key (default WARP_EDGE_KEY, else one kept in --dir, else a new one)')
      .option('--children <n>', 'SIP worker processes (each blocks while it asks WARP)', Number, EDGE_DEFAULTS.children);

  common(edge.command('render').description('Render the Kamailio configuration into --dir and check it with kamailio -c')).action(async (opts: EdgeOptions) => {
    const file = await render(opts, withContext);
    const check = existsSync('/usr/sbin/kamailio') ? await checkEdgeConfig(file) : { ok: true, output: '' };
    if (!check.ok) {
      console.error(check.output);
      throw new Error(`kamailio -c rejected ${file}`);
    }
    console.log(JSON.stringify({ config: file }));
  });

  common(edge.command('start').description('Render, then start Kamailio in the background (log: --dir/kamailio.log)'))
    .option('--foreground', 'stay attached and log to the terminal')
    .action(async (opts: EdgeOptions) => {
      const file = await render(opts, withContext);
      stopEdge(resolve(opts.dir));
      const child = startEdge(file, resolve(opts.dir), { foreground: opts.foreground });
      if (opts.foreground) return;
      // A bad address or a port in use ends Kamailio at once: say so rather than report a start.
      await new Promise((r) => setTimeout(r, 1500));
      if (child.exitCode !== null || !isAlive(child.pid)) {
        const log = join(resolve(opts.dir), 'kamailio.log');
        console.error(existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '');
        throw new Error(`kamailio exited at start; see ${log}`);
      }
      console.log(JSON.stringify({ config: file, pid: child.pid, listen: opts.listen, log: join(resolve(opts.dir), 'kamailio.log') }));
    });

  edge
    .command('stop')
    .description('Stop the Kamailio started from --dir')
    .option('--dir <dir>', 'run directory', './data/edge')
    .action((opts: { dir: string }) => {
      console.log(JSON.stringify({ stopped: stopEdge(resolve(opts.dir)) }));
    });

  const number = program.command('number').description('Numbers WARP sold, by owning trunk (origination through the SIP edge)');
  number
    .command('assign <number>')
    .description('Send calls to this number (E.164) to the trunk’s outbound destinations')
    .requiredOption('--trunk <id>', 'the owning trunk')
    .action(async (raw: string, opts: { trunk: string }) => {
      await withContext(async (ctx) => {
        const digits = e164Digits(raw);
        const trunk = await ctx.db.selectFrom('trunks').select('id').where('id', '=', opts.trunk).executeTakeFirst();
        if (!trunk) throw new Error('no such trunk');
        await ctx.db
          .insertInto('trunk_numbers')
          .values({ number: digits, trunk_id: trunk.id, created_at: new Date().toISOString() })
          .onConflict((oc) => oc.column('number').doUpdateSet({ trunk_id: trunk.id }))
          .execute();
        await announce(ctx);
        console.log(JSON.stringify({ number: `+${digits}`, trunk_id: trunk.id }));
      });
    });
  number
    .command('unassign <number>')
    .description('Stop sending calls to this number')
    .action(async (raw: string) => {
      await withContext(async (ctx) => {
        const r = await ctx.db.deleteFrom('trunk_numbers').where('number', '=', e164Digits(raw)).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw new Error('the number is not assigned');
        await announce(ctx);
        console.log(JSON.stringify({ number: raw, unassigned: true }));
      });
    });
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function e164Digits(raw: string): string {
  const digits = raw.replace(/^\+/, '');
  if (!/^[1-9]\d{6,14}$/.test(digits)) throw new Error('the number must be E.164, e.g. +14155550100');
  return digits;
}

async function announce(ctx: AppContext) {
  const { edgeDirectoryOf } = await import('./edge-directory.js');
  const dir = edgeDirectoryOf(ctx);
  await dir.announce();
  await dir.close();
}
