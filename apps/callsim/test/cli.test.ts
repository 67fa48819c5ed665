import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { type CallTranscript, createCallsimCommand, type LoadReport, parseTargetSpec, runCallsimCli } from '../src/index.js';
import { CDR_PATH, cxml, type CxmlApp, ROUTE_PATH, SESSION_UPDATE_PATH, startCxmlApp } from './support/cxml-app.js';

let app: CxmlApp;
beforeEach(async () => {
  app = await startCxmlApp({
    [ROUTE_PATH]: cxml('<Gather numDigits="1" action="/menu"><Say>Press 1 for sales</Say></Gather><Hangup/>'),
    '/menu': cxml('<Dial action="/dial-done" timeout="20"><Number>201</Number><Number>202</Number></Dial>'),
    '/dial-done': cxml(''),
  });
});
afterEach(async () => {
  await app.close();
});

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  let exitCode: number | undefined;
  await runCallsimCli(['node', 'callsim', ...args], {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  return { out, err, exitCode };
}

const connection = () => ['--base-url', app.baseUrl, '--key', 'cli-key', '--domain', 'cli.cloudonix.net'];

describe('callsim call', () => {
  test('prints a readable transcript', async () => {
    const { out, exitCode } = await cli(
      'call',
      ...connection(),
      '--from',
      '+15550001111',
      '--to',
      '+15557770000',
      '--digits',
      '1',
      '--target',
      '201=busy',
      '--target',
      '202=answer:3:20',
    );
    expect(exitCode).toBeUndefined();
    expect(out).toMatch(/^Call [0-9a-f]{32} \(session \d+, SIP .+\)$/m);
    expect(out).toContain('inbound +15550001111 -> +15557770000 on cli.cloudonix.net');
    expect(out).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/menu {2}\[Gather action\] Digits=1/);
    expect(out).toContain('<Response><Dial action="/dial-done" timeout="20"><Number>201</Number><Number>202</Number></Dial></Response>');
    expect(out).toMatch(/\[doc 2\] Dial number:201, number:202 timeout=20 action=\/dial-done/);
    expect(out).toContain('=> completed: 202 answered after 3s, talked 20s (ended by callee)');
    expect(out).toMatch(/\[Dial action\] CallStatus=completed DialCallStatus=completed/);
    expect(out).toMatch(/webhook session-update connected -> 201/);
    expect(out).toMatch(/webhook CDR ANSWERED -> 201/);
    // Say 2 s + keypress 1 s + ringing 3 s + talk 20 s
    expect(out).toContain('Outcome: ANSWERED (completed), answered by application, duration 26s, billsec 26s');
    expect(app.to(ROUTE_PATH)[0]!.headers.authorization).toBe('Bearer cli-key');
  });

  test('--json prints the transcript; scenario flags map onto the simulation', async () => {
    const run = async (...flags: string[]) => {
      const { out } = await cli('call', ...connection(), '--from', '101', '--to', '102', '--direction', 'subscriber', '--json', ...flags);
      return JSON.parse(out) as CallTranscript;
    };
    expect((await run('--digits', '1', '--busy')).dials[0]?.status).toBe('busy');
    expect((await run('--digits', '1', '--no-answer')).dials[0]).toMatchObject({ status: 'no-answer', ringSeconds: 20 });
    expect((await run('--digits', '1', '--fail')).dials[0]?.status).toBe('failed');
    expect((await run('--digits', '1', '--answer-after', '7', '--talk', '11')).dials[0]).toMatchObject({ ringSeconds: 7, talkSeconds: 11 });
    const hungUp = await run('--digits', '1', '--hangup-after', '10', '--answer-after', '30');
    expect(hungUp.outcome).toMatchObject({ hungUpBy: 'caller', duration: 10 });
    expect(hungUp.direction).toBe('subscriber');
    const noInput = await run('--digits', '-');
    expect(noInput.exchanges.map((x) => x.kind)).toEqual(['route']);
    expect(noInput.verbs.map((v) => v.verb)).toEqual(['Gather', 'Hangup']);
  });

  test('dial status, number format and webhook flags', async () => {
    await cli(
      'call',
      ...connection(),
      '--from',
      '+15550001111',
      '--to',
      '+15557770000',
      '--digits',
      '1',
      '--no-answer',
      '--dial-status-field',
      'DialCallStatus',
      '--dial-status-spelling',
      'compact',
      '--strip-plus',
      '--duplicates',
      '2',
      '--order',
      'reverse',
    );
    expect(app.to('/dial-done')[0]!.body).toMatchObject({ DialCallStatus: 'noanswer', CallStatus: 'in-progress', From: '15550001111' });
    expect(app.to(CDR_PATH)).toHaveLength(2);
    const webhookOrder = app.requests.filter((r) => r.path === CDR_PATH || r.path === SESSION_UPDATE_PATH).map((r) => r.path);
    expect(webhookOrder.slice(0, 2)).toEqual([CDR_PATH, CDR_PATH]);

    await cli('call', ...connection(), '--from', '+1', '--to', '+2', '--digits', '1', '--no-webhooks');
    expect(app.to(CDR_PATH)).toHaveLength(2);
    await cli('call', ...connection(), '--from', '+1', '--to', '+2', '--digits', '1', '--no-session-updates');
    expect(app.to(CDR_PATH)).toHaveLength(3);
  });

  test('errors during the call set exit code 1', async () => {
    app.on(ROUTE_PATH, { status: 500, body: 'no' });
    const { out, exitCode } = await cli('call', ...connection(), '--from', '+1', '--to', '+2');
    expect(exitCode).toBe(1);
    expect(out).toMatch(/Errors:\n {2}- voice application POST .* failed: HTTP 500/);
  });

  test('usage errors: missing key, bad numbers, conflicting outcomes, unknown direction', async () => {
    const missingKey = await cli('call', '--base-url', app.baseUrl, '--domain', 'd', '--from', '1', '--to', '2');
    expect(missingKey).toMatchObject({ exitCode: 2, err: 'error: --key (or CALLSIM_KEY) is required: the domain requests key\n' });
    const badNumber = await cli('call', ...connection(), '--from', '1', '--to', '2', '--answer-after', 'soon');
    expect(badNumber.exitCode).toBe(1);
    expect(badNumber.err).toMatch(/option '--answer-after <seconds>' argument 'soon' is invalid. expected a number of seconds >= 0/);
    const conflict = await cli('call', ...connection(), '--from', '1', '--to', '2', '--busy', '--no-answer');
    expect(conflict.err).toMatch(/option '--busy' cannot be used with option '--no-answer'/);
    const direction = await cli('call', ...connection(), '--from', '1', '--to', '2', '--direction', 'sideways');
    expect(direction.err).toMatch(/Allowed choices are inbound, subscriber, outbound-api, outbound, application/);
    const missingTo = await cli('call', ...connection(), '--from', '1');
    expect(missingTo.err).toMatch(/required option '--to <number>' not specified/);
    expect(app.requests).toHaveLength(0);
  });

  test('--target specs', () => {
    expect(parseTargetSpec('101=busy')).toEqual(['101', { outcome: 'busy', after: undefined }]);
    expect(parseTargetSpec('+15551234567=answer:5:60')).toEqual(['+15551234567', { outcome: 'answer', after: 5, talk: 60 }]);
    expect(parseTargetSpec('sip:alice@example.com=no-answer')).toEqual(['sip:alice@example.com', { outcome: 'no-answer' }]);
    expect(parseTargetSpec('conference:sales=failed:2')).toEqual(['conference:sales', { outcome: 'failed', after: 2 }]);
    expect(() => parseTargetSpec('101')).toThrow(/VALUE=BEHAVIOUR/);
    expect(() => parseTargetSpec('101=maybe')).toThrow(/unknown behaviour/);
    expect(() => parseTargetSpec('101=answer:x')).toThrow(/seconds/);
  });
});

describe('callsim load', () => {
  test('prints the report; --json gives the numbers', async () => {
    const text = await cli(
      'load',
      ...connection(),
      '--to',
      '+15557770000,+15557770001',
      '--digits',
      '1',
      '--rate',
      '20',
      '--duration',
      '0.2',
      '--concurrency',
      '10',
    );
    expect(text.exitCode).toBeUndefined();
    expect(text.out).toMatch(/Calls: 4 started, 4 completed, 0 with errors/);
    expect(text.out).toMatch(/^session-update\s+\d+/m);
    // Calls run concurrently, so requests may arrive in any order.
    expect(
      app
        .to(ROUTE_PATH)
        .map((r) => r.body.To)
        .sort(),
    ).toEqual(['+15557770000', '+15557770000', '+15557770001', '+15557770001']);
    expect(app.to(ROUTE_PATH).every((r) => /^\+1555\d{7}$/.test(r.body.From))).toBe(true);

    const json = await cli(
      'load',
      ...connection(),
      '--from',
      '101',
      '--to',
      '102',
      '--direction',
      'subscriber',
      '--rate',
      '10',
      '--duration',
      '1',
      '--max-calls',
      '2',
      '--json',
    );
    const report = JSON.parse(json.out) as LoadReport;
    expect(report).toMatchObject({ startedCalls: 2, completedCalls: 2, limits: { maxCalls: 2 } });
  });

  test('refuses a non-loopback server', async () => {
    const { err, exitCode } = await cli('load', '--base-url', 'http://example.com', '--key', 'k', '--domain', 'd', '--to', '+1');
    expect(exitCode).toBe(1);
    expect(err).toMatch(/loopback/);
  });
});

describe('the command tree', () => {
  test('can be mounted under another name and documents every option', () => {
    const command = createCallsimCommand({ name: 'simulate' });
    expect(command.name()).toBe('simulate');
    const call = command.commands.find((c) => c.name() === 'call')!;
    const load = command.commands.find((c) => c.name() === 'load')!;
    const help = call.helpInformation();
    for (const flag of [
      '--base-url',
      '--key',
      '--domain',
      '--from',
      '--to',
      '--direction',
      '--answer-after',
      '--talk',
      '--busy',
      '--no-answer',
      '--hangup-after',
      '--digits',
      '--target',
      '--duplicates',
      '--order',
      '--concurrent-webhooks',
      '--realtime',
      '--json',
    ]) {
      expect(help).toContain(flag);
    }
    for (const flag of ['--rate', '--concurrency', '--duration', '--max-calls', '--drain']) expect(load.helpInformation()).toContain(flag);
  });

  test('help exits cleanly', async () => {
    const { out, exitCode } = await cli('call', '--help');
    expect(exitCode).toBeUndefined();
    expect(out).toMatch(/^Usage: callsim call \[options\]/);
    expect(out).toContain('Examples:');
  });
});
