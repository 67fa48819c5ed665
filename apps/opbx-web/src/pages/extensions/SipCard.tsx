import type { Extension } from '@opbx/client';
import { useState } from 'react';

import type { ExtensionWithPassword } from '../../data/extra';
import { apiError } from '../../lib/api-error';
import { Button } from '../../ui/Button';
import { Card, CardHeader, DescriptionList } from '../../ui/Card';
import { Modal } from '../../ui/Dialogs';
import { KeyIcon } from '../../ui/icons';
import { Alert } from '../../ui/States';
import { useResetSipPassword } from './api';
import { SipCredentialsModal } from './SipCredentialsModal';

export function SipCard({ ext, canReset }: { ext: Extension; canReset: boolean }) {
  const reset = useResetSipPassword();
  const [confirming, setConfirming] = useState(false);
  const [shown, setShown] = useState<ExtensionWithPassword | null>(null);
  return (
    <Card aria-labelledby="sip-title">
      <CardHeader
        id="sip-title"
        title="SIP credentials"
        description="For the desk phone or softphone."
        actions={
          canReset && (
            <Button size="sm" icon={<KeyIcon className="size-3.5" />} onClick={() => setConfirming(true)}>
              Reset password
            </Button>
          )
        }
      />
      <div className="px-4 py-2">
        <DescriptionList
          items={[
            { term: 'Username', value: <span className="font-mono">{ext.sip_config?.username ?? ext.extension_number}</span> },
            { term: 'Domain', value: <span className="font-mono">{ext.sip_config?.domain ?? '—'}</span> },
            {
              term: 'Password',
              value: (
                <span className="text-zinc-500">
                  {canReset ? 'Hidden. It is shown once, when created or reset.' : 'Hidden. Ask an admin to reset it if you need it.'}
                </span>
              ),
            },
          ]}
        />
      </div>
      <Modal
        open={confirming}
        onOpenChange={(o) => {
          if (!o && !reset.isPending) {
            setConfirming(false);
            reset.reset();
          }
        }}
        title={`Reset the SIP password of ${ext.extension_number}?`}
        description="The phone using the current password stops working until it is given the new one."
        footer={
          <>
            <Button onClick={() => setConfirming(false)} disabled={reset.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={reset.isPending}
              onClick={() =>
                reset.mutate(ext.id, {
                  onSuccess: (res) => {
                    setConfirming(false);
                    setShown(res);
                  },
                })
              }
            >
              Reset password
            </Button>
          </>
        }
      >
        {reset.error ? (
          <Alert tone="error">
            <p>{apiError(reset.error).message}</p>
          </Alert>
        ) : (
          <p className="text-sm text-zinc-600">A new password is generated and shown to you once.</p>
        )}
      </Modal>
      <SipCredentialsModal ext={shown} onClose={() => setShown(null)} />
    </Card>
  );
}
