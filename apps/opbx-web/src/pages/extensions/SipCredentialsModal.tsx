import { useState } from 'react';

import type { ExtensionWithPassword } from '../../data/extra';
import { Button } from '../../ui/Button';
import { Modal } from '../../ui/Dialogs';
import { CheckIcon, CopyIcon } from '../../ui/icons';
import { Alert } from '../../ui/States';

function CopyRow({ label, value, secret }: { label: string; value: string; secret?: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard can be blocked (insecure origin); the value is selectable anyway.
    }
  };
  return (
    <div className="flex items-center justify-between gap-3 py-2">
      <div className="min-w-0">
        <p className="text-xs text-zinc-500">{label}</p>
        <p
          className={secret ? 'font-mono text-sm font-semibold break-all text-zinc-900 select-all' : 'font-mono text-sm break-all text-zinc-900 select-all'}
          data-testid={`sip-${label.toLowerCase()}`}
        >
          {value}
        </p>
      </div>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => void copy()}
        aria-label={`Copy ${label.toLowerCase()}`}
        icon={copied ? <CheckIcon className="size-3.5 text-emerald-600" /> : <CopyIcon className="size-3.5" />}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}

/** The one moment a SIP password is visible: after creating an extension or resetting it. */
export function SipCredentialsModal({ ext, onClose, extraAction }: { ext: ExtensionWithPassword | null; onClose: () => void; extraAction?: React.ReactNode }) {
  // Escape, the overlay or the X ask first: the password cannot be shown again.
  const [asking, setAsking] = useState(false);
  const close = () => {
    setAsking(false);
    onClose();
  };
  return (
    <Modal
      open={Boolean(ext)}
      onOpenChange={(o) => {
        if (!o) setAsking(true);
      }}
      title={ext ? `SIP credentials for ${ext.extension_number}` : 'SIP credentials'}
      description="Enter these in the desk phone or softphone."
      footer={
        asking ? (
          <>
            <Button onClick={() => setAsking(false)}>Keep it open</Button>
            <Button variant="danger" onClick={close}>
              Close without saving
            </Button>
          </>
        ) : (
          <>
            {extraAction}
            <Button variant="primary" onClick={close}>
              I’ve saved the password
            </Button>
          </>
        )
      }
    >
      {ext && (
        <div className="space-y-3">
          {asking && (
            <Alert tone="error" title="Close without saving the password?">
              <p>It is not shown again: the phone cannot register until you reset it.</p>
            </Alert>
          )}
          <Alert tone="warning">
            <p>This password is shown only now. Copy it before closing; afterwards you can only reset it.</p>
          </Alert>
          <div className="divide-y divide-zinc-100 rounded-md border border-zinc-200 px-3">
            <CopyRow label="Username" value={ext.sip_config.username ?? ext.extension_number} />
            <CopyRow label="Domain" value={ext.sip_config.domain ?? ''} />
            <CopyRow label="Password" value={ext.sip_config.password} secret />
          </div>
        </div>
      )}
    </Modal>
  );
}
