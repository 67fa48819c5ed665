import type { Extension } from '@opbx/client';
import { type FormEvent, useState } from 'react';

import { claimedBy } from '../../lib/api-error';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Card, CardHeader } from '../../ui/Card';
import { CheckboxField, RadioCards, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { useToast } from '../../ui/Toast';
import { useUpdateExtension } from './api';

type When = 'always' | 'no_answer';

/** Voicemail and call forwarding: the part of an extension its own agent may change. */
export function ForwardingCard({ ext, editable }: { ext: Extension; editable: boolean }) {
  const toast = useToast();
  const update = useUpdateExtension(ext.id);
  const f = ext.call_forwarding;
  const [voicemail, setVoicemail] = useState(ext.voicemail_enabled);
  const [enabled, setEnabled] = useState(Boolean(f?.enabled));
  const [destination, setDestination] = useState(f?.destination ?? '');
  const [when, setWhen] = useState<When>(f?.on_no_answer ? 'no_answer' : 'always');
  const { errors, clear } = useFieldErrors(update.error);
  const forwardingError = errors['call_forwarding.destination'] ?? errors['call_forwarding'];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      {
        voicemail_enabled: voicemail,
        call_forwarding:
          enabled || destination.trim()
            ? { enabled, ...(destination.trim() ? { destination: destination.trim() } : {}), on_no_answer: when === 'no_answer' }
            : { enabled: false },
      },
      { onSuccess: () => toast.success('Forwarding and voicemail saved.') },
    );
  };

  return (
    <Card aria-labelledby="forwarding-title">
      <CardHeader
        id="forwarding-title"
        title="Call forwarding & voicemail"
        description={editable ? undefined : 'Read only: only the extension’s user or an admin can change this.'}
      />
      <form onSubmit={submit} noValidate className="p-4">
        <fieldset disabled={!editable} className="min-w-0 space-y-4">
          <FormError error={update.error} claimed={claimedBy('call_forwarding', 'voicemail_enabled')} remaining={errors} />
          <CheckboxField
            label="Voicemail"
            description="Callers who aren’t answered can leave a message."
            checked={voicemail}
            onChange={setVoicemail}
            error={errors.voicemail_enabled}
            disabled={!editable}
          />
          <CheckboxField
            label="Forward calls"
            description="Send calls for this extension to another extension or an outside number."
            checked={enabled}
            onChange={setEnabled}
            disabled={!editable}
          />
          {enabled && (
            <div className="space-y-4 border-l-2 border-indigo-100 pl-4">
              <TextField
                label="Forward to"
                name="forward_destination"
                value={destination}
                onChange={(e) => {
                  setDestination(e.target.value);
                  clear('call_forwarding');
                }}
                error={forwardingError}
                hint="An extension number (e.g. 102) or a phone number in international format (+15551234567)."
                autoComplete="off"
              />
              <RadioCards
                legend="When"
                name="forward_when"
                value={when}
                onChange={setWhen}
                disabled={!editable}
                options={[
                  { value: 'always', label: 'Always', description: 'Every call is forwarded right away.' },
                  { value: 'no_answer', label: 'When unanswered', description: 'Ring here first, then forward.' },
                ]}
              />
            </div>
          )}
          {editable && (
            <div className="flex justify-end">
              <Button type="submit" variant="primary" loading={update.isPending}>
                Save
              </Button>
            </div>
          )}
        </fieldset>
      </form>
    </Card>
  );
}
