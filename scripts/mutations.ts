/**
 * Hand-picked mutations of OPBX and WARP's SIP edge: each one is a real bug a change could bring back (most slipped
 * past the tests once). `npm run mutate` applies them one at a time and checks that a test kills
 * each. A mutation whose text is no longer found is reported as stale: update it with the code.
 */
export interface Mutation {
  id: string;
  what: string;
  file: string;
  /** Exact text replacements, each of which must occur exactly once in the file. */
  edits: Array<[find: string, replace: string]>;
  /** The test files expected to catch it (run with the mutation applied). */
  tests: string[];
}

const VOICE_FLOWS = ['apps/opbx-server/test/call-flows-ring-groups.test.ts', 'apps/opbx-server/test/call-flows-routing.test.ts'];

export const MUTATIONS: Mutation[] = [
  {
    id: 'ring-group-fallback-skipped',
    what: 'a ring group nobody answers hangs up instead of taking its fallback',
    file: 'apps/opbx-server/src/modules/voice/router.ts',
    edits: [["if (fb.type === 'hangup') return hangup('no_answer');", "return hangup('no_answer');"]],
    tests: ['apps/opbx-server/src/modules/voice/router.ring-groups.test.ts', ...VOICE_FLOWS],
  },
  {
    id: 'overnight-bound-off-by-one',
    what: "an overnight range's early-morning spill stays open one minute past its close",
    file: 'apps/opbx-server/src/modules/business-hours/schedule.ts',
    edits: [['if (minute < spill[i]!) return true;', 'if (minute <= spill[i]!) return true;']],
    tests: ['apps/opbx-server/src/modules/business-hours/schedule.test.ts', 'apps/opbx-server/src/modules/voice/router.business-hours.test.ts'],
  },
  {
    id: 'holiday-keeps-previous-evening-spill',
    what: "a holiday closes its own ranges but not the early-morning spill of the previous evening's range",
    file: 'apps/opbx-server/src/modules/business-hours/schedule.ts',
    edits: [
      ['  if (c.holidayDays.has(day)) return false;\n', ''],
      ['if (minute >= own[i]! && minute < own[i + 1]!) return true;', 'if (!c.holidayDays.has(day) && minute >= own[i]! && minute < own[i + 1]!) return true;'],
    ],
    tests: ['apps/opbx-server/src/modules/business-hours/schedule.test.ts', 'apps/opbx-server/test/business-hours.test.ts'],
  },
  {
    id: 'snapshot-loads-every-organizations-extensions',
    what: "the routing snapshot loads every organization's extensions",
    file: 'apps/opbx-server/src/modules/voice/snapshot.ts',
    edits: [
      [
        "db.selectFrom('extensions').selectAll().where('organization_id', '=', organizationId).execute(),",
        "db.selectFrom('extensions').selectAll().execute(),",
      ],
    ],
    tests: ['apps/opbx-server/test/voice-tenancy.test.ts', 'apps/opbx-server/test/tenant-isolation.test.ts'],
  },
  {
    id: 'snapshot-loads-every-organizations-dids',
    what: "the routing snapshot loads every organization's DIDs",
    file: 'apps/opbx-server/src/modules/voice/snapshot.ts',
    edits: [["db.selectFrom('dids').selectAll().where('organization_id', '=', organizationId).execute(),", "db.selectFrom('dids').selectAll().execute(),"]],
    tests: ['apps/opbx-server/test/voice-tenancy.test.ts', 'apps/opbx-server/test/tenant-isolation.test.ts'],
  },
  {
    id: 'admin-grants-owner',
    what: 'an admin may grant the owner role',
    file: 'apps/opbx-server/src/modules/users/users.service.ts',
    edits: [["  if (newRole === 'owner') throw forbidden('Only an owner can grant the owner role');\n", '']],
    tests: ['apps/opbx-server/test/rbac-matrix.test.ts', 'apps/opbx-server/test/auth.test.ts'],
  },
  {
    id: 'refresh-keeps-old-token',
    what: 'refresh issues a new token without revoking the presented one',
    file: 'apps/opbx-server/src/modules/auth/auth.service.ts',
    edits: [
      ["      .set({ revoked_at: now })\n      .where('id', '=', auth.tokenId)", "      .set({ revoked_at: null })\n      .where('id', '=', auth.tokenId)"],
    ],
    tests: ['apps/opbx-server/test/auth.test.ts', 'apps/opbx-server/test/sessions.test.ts'],
  },
  {
    id: 'round-robin-pointer-not-stored',
    what: "a round-robin group's pointer never advances (every call rings the same member first)",
    file: 'apps/opbx-server/src/modules/voice/runtime.ts',
    edits: [["rotation: eb('rotation', '+', 1)", "rotation: eb('rotation', '+', 0)"]],
    tests: VOICE_FLOWS,
  },
  {
    id: 'csv-formula-escaping-removed',
    what: 'CSV cells starting with =, +, -, @ are exported as formulas',
    file: 'apps/opbx-server/src/modules/call-logs/call-logs.csv.ts',
    edits: [["  if (/^[=+\\-@\\t\\r]/.test(s) && !/^\\+\\d{1,15}$/.test(s)) s = `'${s}`;\n", '']],
    tests: ['apps/opbx-server/test/call-logs.test.ts'],
  },
  {
    id: 'voice-rate-limit-off',
    what: 'the per-organization voice rate limit never refuses',
    file: 'apps/opbx-server/src/modules/voice/voice.routes.ts',
    edits: [['ctx.config.OPBX_VOICE_RATE_LIMIT, 1)', 'ctx.config.OPBX_VOICE_RATE_LIMIT * 1e9, 1)']],
    tests: ['apps/opbx-server/test/voice-limits.test.ts', 'apps/opbx-server/test/voice-api-auth.test.ts'],
  },
  {
    id: 'webhook-rate-limit-off',
    what: 'the per-organization webhook rate limit never refuses',
    file: 'apps/opbx-server/src/modules/cloudonix/cloudonix-webhooks.routes.ts',
    edits: [['ctx.config.OPBX_VOICE_RATE_LIMIT * 4, 1)', 'ctx.config.OPBX_VOICE_RATE_LIMIT * 4e9, 1)']],
    tests: ['apps/opbx-server/test/voice-limits.test.ts', 'apps/opbx-server/test/webhooks-auth.test.ts'],
  },
  {
    id: 'voice-bad-key-limit-off',
    what: 'an address may go on guessing requests keys on the voice path',
    file: 'apps/opbx-server/src/modules/voice/voice.routes.ts',
    edits: [
      ['ctx.limiter.peek(`voice-auth:${request.ip}`, BAD_KEYS_PER_MINUTE)', 'ctx.limiter.peek(`voice-auth:${request.ip}`, BAD_KEYS_PER_MINUTE * 1e9)'],
      ['ctx.limiter.hit(`voice-auth:${request.ip}`, BAD_KEYS_PER_MINUTE, 60)', 'ctx.limiter.hit(`voice-auth:${request.ip}`, BAD_KEYS_PER_MINUTE * 1e9, 60)'],
    ],
    tests: ['apps/opbx-server/test/voice-api-auth.test.ts', 'apps/opbx-server/test/requests-keys.test.ts', 'apps/opbx-server/test/proxies.test.ts'],
  },
  {
    id: 'webhook-bad-key-limit-off',
    what: 'an address may go on guessing requests keys on the webhooks',
    file: 'apps/opbx-server/src/modules/cloudonix/cloudonix-webhooks.routes.ts',
    edits: [
      ['ctx.limiter.peek(`webhook-auth:${request.ip}`, BAD_KEYS_PER_MINUTE)', 'ctx.limiter.peek(`webhook-auth:${request.ip}`, BAD_KEYS_PER_MINUTE * 1e9)'],
      [
        'ctx.limiter.hit(`webhook-auth:${request.ip}`, BAD_KEYS_PER_MINUTE, 60)',
        'ctx.limiter.hit(`webhook-auth:${request.ip}`, BAD_KEYS_PER_MINUTE * 1e9, 60)',
      ],
    ],
    tests: ['apps/opbx-server/test/webhooks-auth.test.ts', 'apps/opbx-server/test/requests-keys.test.ts'],
  },
  {
    id: 'unknown-email-distinct-message',
    what: 'an unknown email is answered differently from a wrong password',
    file: 'apps/opbx-server/src/modules/auth/auth.service.ts',
    edits: [
      [
        '    throw invalidCredentials();\n',
        "    throw row ? invalidCredentials() : invalid([{ field: 'email', message: 'No account uses this email' }], 'No account uses this email');\n",
      ],
    ],
    tests: ['apps/opbx-server/test/auth.test.ts', 'apps/opbx-server/test/sessions.test.ts'],
  },
  {
    id: 'password-change-keeps-other-sessions',
    what: "changing a password leaves the user's other sessions signed in",
    file: 'apps/opbx-server/src/modules/users/users.service.ts',
    edits: [['const tokenIds = await revokeTokens(trx, target.id, self ? auth.tokenId : undefined);', 'const tokenIds: string[] = [];']],
    tests: ['apps/opbx-server/test/sessions.test.ts', 'apps/opbx-server/test/auth.test.ts', 'apps/opbx-server/test/realtime-scope.test.ts'],
  },
  {
    id: 'route-role-hook-off',
    what: 'the roles declared on routes are not enforced',
    file: 'apps/opbx-server/src/http/auth.ts',
    edits: [['    if (config?.roles && !config.roles.includes(auth.role)) throw forbidden();\n', '']],
    tests: ['apps/opbx-server/test/rbac-matrix.test.ts'],
  },
  {
    id: 'did-lookup-not-filtered-by-organization',
    what: 'a DID is found by id in any organization',
    file: 'apps/opbx-server/src/modules/dids/dids.service.ts',
    edits: [
      [
        "return db.selectFrom('dids').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();",
        "return db.selectFrom('dids').selectAll().where('id', '=', id).executeTakeFirst();",
      ],
    ],
    tests: ['apps/opbx-server/test/tenant-isolation.test.ts', 'apps/opbx-server/test/dids.test.ts'],
  },
  // WARP's SIP edge (real Kamailio and SIPp in the tests).
  {
    id: 'edge-relays-foreign-in-dialog',
    what: 'the edge relays an in-dialog request for a dialog it never set up (an open relay through crafted Route headers)',
    file: 'apps/warp-server/edge/warp-edge.cfg',
    edits: [['if (!is_known_dlg()) {', 'if (0) {']],
    tests: ['apps/warp-server/test/sip-edge.test.ts'],
  },
  {
    id: 'edge-fails-over-on-4xx',
    what: "a provider's 486 is failed over to the next route instead of reaching the caller",
    file: 'apps/warp-server/edge/warp-edge.cfg',
    edits: [['if (!t_check_status("^(408|5[0-9][0-9])$")) exit;', 'if (!t_check_status("^(408|[45][0-9][0-9])$")) exit;']],
    tests: ['apps/warp-server/test/sip-edge.test.ts'],
  },
  {
    id: 'trunk-cps-limit-ignored',
    what: "a trunk's calls-per-second limit is not enforced (per-instance counting)",
    file: 'apps/warp-server/src/modules/sip-edge/call-limits.ts',
    edits: [["      if (s.count >= maxCps) return 'cps';\n", '']],
    tests: ['apps/warp-server/test/sip-call-limits.test.ts', 'apps/warp-server/test/sip-edge.test.ts'],
  },
];
