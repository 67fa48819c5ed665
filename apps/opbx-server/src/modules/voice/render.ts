import { renderCxml, type Verb } from './cxml.js';
import type { Continuation, Plan } from './router.js';

const VOICEMAIL_MAX_SECONDS = 120;

/** Builds absolute callback URLs on the organization's public base URL, with signed state. */
export interface CallbackUrls {
  dial(next: Continuation): string;
  voicemail(mailboxExtensionId: string | null, boxId?: string): string;
  recording(): string;
}

export function planToVerbs(plan: Plan, urls: CallbackUrls): Verb[] {
  switch (plan.kind) {
    case 'dial':
      return [
        {
          verb: 'Dial',
          attrs: {
            action: urls.dial(plan.next),
            method: 'POST',
            timeout: plan.timeout,
            callerId: plan.callerId ?? undefined,
            ...(plan.record ? { record: 'record-from-answer', recordingStatusCallback: urls.recording(), recordingStatusCallbackMethod: 'POST' } : {}),
          },
          nouns: plan.targets.map((t) => ({ noun: 'Number' as const, value: t.number })),
        },
      ];
    case 'voicemail':
      return [
        { verb: 'Say', text: plan.greeting },
        {
          verb: 'Record',
          attrs: {
            action: urls.voicemail(plan.mailboxExtensionId, plan.boxId),
            method: 'POST',
            maxLength: VOICEMAIL_MAX_SECONDS,
            timeout: 5,
            playBeep: true,
            finishOnKey: '#',
          },
        },
        // Runs only when nothing was recorded (Cloudonix skips the action then).
        { verb: 'Say', text: 'No message was recorded. Goodbye.' },
        { verb: 'Hangup' },
      ];
    case 'hangup':
      return plan.message ? [{ verb: 'Say', text: plan.message }, { verb: 'Hangup' }] : [{ verb: 'Hangup' }];
  }
}

export const renderPlan = (plan: Plan, urls: CallbackUrls): string => renderCxml(planToVerbs(plan, urls));
