import type { CreateDIDRequest, DIDNumber, RoutingType, Status, UpdateDIDRequest } from '@opbx/client';
import { type FormEvent, useState } from 'react';

import { usePhoneFormatter } from '../../data/lookups';
import { claimedBy } from '../../lib/api-error';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Drawer } from '../../ui/Dialogs';
import { RadioCards, SelectField, TextAreaField, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { useToast } from '../../ui/Toast';
import { useSaveDid } from './api';
import { ROUTING_TYPES, TARGET_KEY } from './routing';
import { BusinessHoursSelect, ExtensionSelect, RingGroupSelect } from './TargetSelects';

export function PhoneNumberForm({ did, open, onClose }: { did: DIDNumber | null; open: boolean; onClose: () => void }) {
  const showPhone = usePhoneFormatter();
  const toast = useToast();
  const save = useSaveDid();
  const c = did?.routing_config ?? {};
  const [phone, setPhone] = useState(did?.phone_number ?? '');
  const [name, setName] = useState(did?.friendly_name ?? '');
  const [status, setStatus] = useState<Status>(did?.status ?? 'active');
  const [type, setType] = useState<RoutingType>(did?.routing_type ?? 'extension');
  // Each target is remembered separately, so switching type back and forth loses nothing.
  const [extensionId, setExtensionId] = useState(did?.routing_type === 'extension' ? (c.extension_id ?? '') : '');
  const [mailboxId, setMailboxId] = useState(did?.routing_type === 'voicemail' ? (c.extension_id ?? '') : '');
  const [ringGroupId, setRingGroupId] = useState(c.ring_group_id ?? '');
  const [hoursId, setHoursId] = useState(c.business_hours_id ?? '');
  const [fallbackId, setFallbackId] = useState(c.fallback_extension_id ?? '');
  const [greeting, setGreeting] = useState(c.voicemail_greeting ?? '');
  const { errors, clear, bind } = useFieldErrors(save.error);
  const targetError = errors[`routing_config.${TARGET_KEY[type]}`] ?? errors['routing_config'];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const routing_config = {
      extension_id: (type === 'extension' ? extensionId : type === 'voicemail' ? mailboxId : '') || null,
      ring_group_id: (type === 'ring_group' ? ringGroupId : '') || null,
      business_hours_id: (type === 'business_hours' ? hoursId : '') || null,
      fallback_extension_id: (type === 'voicemail' ? '' : fallbackId) || null,
      voicemail_greeting: (type === 'voicemail' ? greeting.trim() : '') || null,
    } as unknown as CreateDIDRequest['routing_config'];
    const common = { friendly_name: name.trim() || (null as unknown as undefined), routing_type: type, routing_config, status };
    const body: CreateDIDRequest | UpdateDIDRequest = did ? common : { phone_number: phone.trim(), ...common };
    save.mutate(
      { ...(did ? { id: did.id } : {}), body },
      {
        onSuccess: (saved) => {
          toast.success(did ? `Saved ${showPhone(saved.phone_number)}.` : `Added ${showPhone(saved.phone_number)}.`);
          onClose();
        },
      },
    );
  };

  return (
    <Drawer
      open={open}
      onOpenChange={(o) => !o && onClose()}
      title={did ? `Edit ${showPhone(did.phone_number)}` : 'Add phone number'}
      description="Where calls to this number go."
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="did-form" variant="primary" loading={save.isPending}>
            {did ? 'Save changes' : 'Add number'}
          </Button>
        </>
      }
    >
      <form id="did-form" onSubmit={submit} noValidate className="space-y-4">
        <FormError error={save.error} claimed={claimedBy('phone_number', 'friendly_name', 'status', 'routing_type', 'routing_config')} remaining={errors} />
        <TextField
          label="Phone number"
          name="phone_number"
          value={phone}
          {...bind('phone_number', setPhone)}
          disabled={Boolean(did)}
          hint={did ? 'A number cannot be changed; delete it and add the new one.' : 'International format, e.g. +1 555 010 0199.'}
          autoComplete="off"
          inputMode="tel"
        />
        <TextField label="Name" name="friendly_name" value={name} {...bind('friendly_name', setName)} optional hint="For example “Main line” or “Support”." />
        <SelectField label="Status" name="status" value={status} {...bind<Status>('status', setStatus)}>
          <option value="active">Active</option>
          <option value="inactive">Inactive (calls are rejected)</option>
        </SelectField>
        <RadioCards
          legend="Send calls to"
          name="routing_type"
          value={type}
          onChange={(t) => {
            setType(t);
            clear('routing_type', 'routing_config');
          }}
          options={ROUTING_TYPES}
          error={errors.routing_type}
        />
        <div className="space-y-4 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200">
          {type === 'extension' && (
            <ExtensionSelect
              label="Extension"
              name="routing_extension"
              value={extensionId}
              onChange={(id) => {
                setExtensionId(id);
                clear('routing_config.extension_id', 'routing_config');
              }}
              error={targetError}
            />
          )}
          {type === 'ring_group' && (
            <RingGroupSelect
              label="Ring group"
              name="routing_ring_group"
              value={ringGroupId}
              onChange={(id) => {
                setRingGroupId(id);
                clear('routing_config.ring_group_id', 'routing_config');
              }}
              error={targetError}
            />
          )}
          {type === 'business_hours' && (
            <BusinessHoursSelect
              label="Business hours"
              name="routing_business_hours"
              value={hoursId}
              onChange={(id) => {
                setHoursId(id);
                clear('routing_config.business_hours_id', 'routing_config');
              }}
              error={targetError}
            />
          )}
          {type === 'voicemail' && (
            <>
              <ExtensionSelect
                label="Mailbox"
                name="routing_mailbox"
                value={mailboxId}
                onChange={(id) => {
                  setMailboxId(id);
                  clear('routing_config.extension_id', 'routing_config');
                }}
                error={targetError}
                activeOnly={false}
                hint="The extension whose voicemail box takes the message."
              />
              <TextAreaField
                label="Greeting"
                name="voicemail_greeting"
                value={greeting}
                {...bind('routing_config.voicemail_greeting', setGreeting)}
                optional
                maxLength={500}
                hint="Read to the caller before the beep."
              />
            </>
          )}
          {type !== 'voicemail' && (
            <ExtensionSelect
              label="Fallback extension"
              name="routing_fallback"
              value={fallbackId}
              onChange={(id) => {
                setFallbackId(id);
                clear('routing_config.fallback_extension_id');
              }}
              error={errors['routing_config.fallback_extension_id']}
              optional
              hint="Rings when the target cannot take the call."
            />
          )}
        </div>
      </form>
    </Drawer>
  );
}
