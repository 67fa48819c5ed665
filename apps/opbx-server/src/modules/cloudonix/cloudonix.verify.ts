import { AppError } from '@opbx/platform';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { authOf, OWNER } from '../../http/auth.js';

/**
 * "Verify" on the console's Cloudonix page: checks what can be checked without Cloudonix itself —
 * the settings are complete, the webhook base URL is one Cloudonix can use, the server answers at
 * that URL (a request to its own health endpoint through the public address), and a number is
 * there to call. The answer says only whether each check passed, never what a remote host sent
 * back, so the self-request cannot be used to read other hosts.
 */

type CheckStatus = 'ok' | 'warning' | 'failed';

interface VerifyCheck {
  id: 'settings' | 'https' | 'reachable' | 'numbers';
  label: string;
  status: CheckStatus;
  message: string;
}

interface VerifyResult {
  ok: boolean;
  checks: VerifyCheck[];
  checked_at: string;
}

/** Verifications per organization per minute (each makes one outbound request). */
const VERIFY_PER_MINUTE = 6;
const SELF_REQUEST_TIMEOUT_MS = 5000;

const isLocalHost = (host: string): boolean => host === 'localhost' || host.startsWith('127.') || host === '[::1]';

async function selfRequest(baseUrl: string): Promise<VerifyCheck> {
  const label = 'This server answers at the webhook base URL';
  try {
    const res = await fetch(`${baseUrl}/api/v1/health`, { redirect: 'manual', signal: AbortSignal.timeout(SELF_REQUEST_TIMEOUT_MS) });
    const body = (await res.json().catch(() => null)) as { status?: unknown; database?: unknown } | null;
    if (res.status === 200 && body && typeof body.status === 'string' && typeof body.database === 'string') {
      return { id: 'reachable', label, status: 'ok', message: `${baseUrl} answers as an OPBX server.` };
    }
    return { id: 'reachable', label, status: 'failed', message: `${baseUrl}/api/v1/health did not answer as an OPBX server (HTTP ${res.status}).` };
  } catch {
    return {
      id: 'reachable',
      label,
      status: 'failed',
      message: `No answer from ${baseUrl} within ${SELF_REQUEST_TIMEOUT_MS / 1000} s: check the address and that it is reachable from the internet.`,
    };
  }
}

async function verifyCloudonix(ctx: AppContext, organizationId: string): Promise<VerifyResult> {
  const checks: VerifyCheck[] = [];
  const row = await ctx.db
    .selectFrom('cloudonix_settings')
    .select(['domain_name', 'webhook_base_url'])
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!row) {
    checks.push({ id: 'settings', label: 'Cloudonix settings saved', status: 'failed', message: 'Save the domain and the webhook base URL first.' });
  } else {
    checks.push({ id: 'settings', label: 'Cloudonix settings saved', status: 'ok', message: `Domain ${row.domain_name}, requests key set.` });
    const url = new URL(row.webhook_base_url);
    const https = url.protocol === 'https:';
    checks.push({
      id: 'https',
      label: 'Webhook base URL uses HTTPS',
      status: https ? 'ok' : 'warning',
      message: https
        ? 'Cloudonix will send webhooks over HTTPS.'
        : isLocalHost(url.hostname)
          ? 'A local address: fine for testing with callsim, but Cloudonix cannot reach it.'
          : 'Plain HTTP sends the requests key unencrypted: use an https:// address in production.',
    });
    checks.push(await selfRequest(row.webhook_base_url));
  }
  const numbers = await ctx.db
    .selectFrom('dids')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  const count = Number(numbers.n);
  checks.push({
    id: 'numbers',
    label: 'A phone number to call',
    status: count > 0 ? 'ok' : 'warning',
    message: count > 0 ? `${count} active number${count === 1 ? '' : 's'}.` : 'Add a phone number and route it, so calls have somewhere to go.',
  });
  return { ok: checks.every((c) => c.status !== 'failed'), checks, checked_at: new Date().toISOString() };
}

export function cloudonixVerifyRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/settings/cloudonix/verify', { config: { roles: OWNER }, schema: { tags: ['settings'] } }, async (req) => {
    const auth = authOf(req);
    const limit = await ctx.limiter.hit(`cloudonix-verify:${auth.organizationId}`, VERIFY_PER_MINUTE, 60);
    if (!limit.allowed)
      throw new AppError('RATE_LIMIT_EXCEEDED', 'Too many verifications; try again in a minute', undefined, { 'retry-after': String(limit.retryAfter) });
    return verifyCloudonix(ctx, auth.organizationId);
  });
}
