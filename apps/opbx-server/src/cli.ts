#!/usr/bin/env -S npx tsx
import { createCallsimCommand } from '@opbx/callsim';
import { configOrExit, redactUrl } from '@opbx/platform';
import { Command, InvalidArgumentError } from 'commander';
import { IANAZone } from 'luxon';

import { type OpbxConfig, readConfig } from './config.js';
import { DEMO_CLOUDONIX, DEMO_LOGIN } from './demo/constants.js';
import { putCloudonixBody } from './modules/cloudonix/cloudonix.schema.js';

// The server, database and services load inside each command, so `--help` answers quickly.
const createContext = async (...args: Parameters<typeof import('./context.js').createContext>) => (await import('./context.js')).createContext(...args);

const config = (): OpbxConfig => configOrExit(readConfig);

const program = new Command()
  .name('opbx')
  .description('OPBX cloud PBX server. Reads DATABASE_URL (default sqlite:./data/opbx.db), REDIS_URL and the other variables in the README.')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run migrations and start the API server on PORT (default 8000)')
  .option('--demo', 'seed the demo organization when the database is empty, and print its login')
  .action(async (opts: { demo?: boolean }) => {
    const { startServer } = await import('./server.js');
    await startServer(config(), { demo: Boolean(opts.demo) });
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

const timezone = (value: string) => {
  if (!IANAZone.isValidZone(value)) throw new InvalidArgumentError('not a valid IANA time zone');
  return value;
};

program
  .command('create-org')
  .description('Create an organization with its owner; prints {"organization_id","user_id"} as one JSON line')
  .requiredOption('--name <name>', 'organization name')
  .requiredOption('--owner-email <email>', 'owner login email')
  .requiredOption('--owner-password <password>', 'owner password (at least 8 characters with a letter and a digit)')
  .option('--owner-name <name>', 'owner display name', 'Owner')
  .option('--timezone <zone>', 'IANA time zone', timezone, 'UTC')
  .action(async (opts: { name: string; ownerEmail: string; ownerPassword: string; ownerName: string; timezone: string }) => {
    if (opts.ownerPassword.length < 8 || !/[A-Za-z]/.test(opts.ownerPassword) || !/\d/.test(opts.ownerPassword)) {
      console.error('error: --owner-password must be at least 8 characters with a letter and a digit');
      process.exit(2);
    }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opts.ownerEmail)) {
      console.error('error: --owner-email is not a valid email address');
      process.exit(2);
    }
    const ctx = await createContext(config());
    const { createOrganization } = await import('./modules/organization/organization.service.js');
    try {
      const created = await createOrganization(ctx, {
        name: opts.name,
        timezone: opts.timezone,
        ownerEmail: opts.ownerEmail,
        ownerPassword: opts.ownerPassword,
        ownerName: opts.ownerName,
      });
      console.log(JSON.stringify(created));
    } catch (err) {
      console.error(`error: ${(err as Error).message}`);
      process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  });

program
  .command('set-cloudonix')
  .description("Set an organization's Cloudonix domain, requests key and public webhook base URL")
  .requiredOption('--org <id>', 'organization id')
  .requiredOption('--domain-uuid <uuid>', 'Cloudonix domain UUID')
  .requiredOption('--domain-name <name>', 'Cloudonix domain name, e.g. acme.cloudonix.net')
  .option('--requests-key <key>', 'the key Cloudonix presents as Authorization: Bearer (24+ random characters); generated when omitted on first setup')
  .requiredOption('--base-url <url>', 'public base URL Cloudonix can reach, e.g. https://pbx.example.com')
  .action(async (opts: { org: string; domainUuid: string; domainName: string; requestsKey?: string; baseUrl: string }) => {
    const parsed = putCloudonixBody.safeParse({
      domain_uuid: opts.domainUuid,
      domain_name: opts.domainName,
      webhook_base_url: opts.baseUrl,
      ...(opts.requestsKey ? { requests_key: opts.requestsKey } : {}),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) console.error(`error: ${issue.path.join('.')}: ${issue.message}`);
      process.exit(2);
    }
    const ctx = await createContext(config());
    try {
      const org = await ctx.db.selectFrom('organizations').select('id').where('id', '=', opts.org).executeTakeFirst();
      if (!org) {
        console.error(`error: organization ${opts.org} not found`);
        process.exitCode = 1;
        return;
      }
      const { putCloudonixSettings } = await import('./modules/cloudonix/cloudonix.service.js');
      const view = await putCloudonixSettings(ctx, opts.org, parsed.data);
      console.log(JSON.stringify(view));
    } finally {
      await ctx.close();
    }
  });

const org = program.command('org').description('Operator actions on an organization: suspend or resume it');

for (const [name, status, what] of [
  [
    'suspend',
    'inactive',
    'Suspend an organization: its numbers answer "not in service", its phones cannot dial, its webhooks change nothing and its users are signed out; prints {"organization_id","status"}',
  ],
  ['resume', 'active', 'Resume a suspended organization: routing, dialing, webhooks and sign-in work again; prints {"organization_id","status"}'],
] as const) {
  org
    .command(name)
    .description(what)
    .requiredOption('--org <id>', 'organization id')
    .action(async (opts: { org: string }) => {
      const ctx = await createContext(config());
      const { setOrganizationStatus } = await import('./modules/organization/organization.service.js');
      try {
        const view = await setOrganizationStatus(ctx, opts.org, status);
        console.log(JSON.stringify({ organization_id: view.id, status: view.status }));
      } catch (err) {
        console.error(`error: ${(err as Error).message === 'Organization not found' ? `organization ${opts.org} not found` : (err as Error).message}`);
        process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });
}

program
  .command('seed-demo')
  .description('Create the demo organization (owner, users, extensions, ring group, business hours, DIDs) if it does not exist')
  .action(async () => {
    const ctx = await createContext(config());
    const { seedDemo } = await import('./demo/seed.js');
    try {
      const result = await seedDemo(ctx);
      console.log(result.created ? `Demo organization created. Log in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}` : 'Demo organization already exists');
    } finally {
      await ctx.close();
    }
  });

// callsim plays Cloudonix's part against a running server: `opbx simulate call --to +15550100001`.
// Without flags or CALLSIM_* variables it calls the demo organization of `npm start`.
process.env.CALLSIM_KEY ??= DEMO_CLOUDONIX.requestsKey;
process.env.CALLSIM_DOMAIN ??= DEMO_CLOUDONIX.domainName;
program.addCommand(createCallsimCommand({ name: 'simulate' }));

program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
