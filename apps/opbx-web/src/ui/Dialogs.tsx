import * as AlertDialog from '@radix-ui/react-alert-dialog';
import * as Dialog from '@radix-ui/react-dialog';
import { type ReactNode, useRef, useState } from 'react';

import { apiError, type ApiErrorInfo } from '../lib/api-error';
import { cx } from '../lib/cx';
import { Button } from './Button';
import { XIcon } from './icons';
import { useToast } from './Toast';
import { UsedByItem } from './UsedBy';

const overlay = 'fixed inset-0 z-40 bg-zinc-950/30 backdrop-blur-[1px] animate-fade-in';

/** Side panel for details and forms; Radix handles focus trap, Escape and returning focus. */
export function Drawer({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
  width = 'max-w-lg',
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  width?: string;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={overlay} />
        <Dialog.Content
          className={cx('fixed inset-y-0 right-0 z-50 flex w-full flex-col bg-white shadow-2xl outline-none animate-slide-in', width)}
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-5 py-4">
            <div className="min-w-0">
              <Dialog.Title className="text-base font-semibold text-zinc-900">{title}</Dialog.Title>
              {description && <Dialog.Description className="mt-0.5 text-sm text-zinc-500">{description}</Dialog.Description>}
            </div>
            <Dialog.Close asChild>
              <button type="button" aria-label="Close" className="rounded-md p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800">
                <XIcon className="size-5" />
              </button>
            </Dialog.Close>
          </div>
          <div className="flex-1 overflow-y-auto px-5 py-4">{children}</div>
          {footer && <div className="flex justify-end gap-2 border-t border-zinc-200 bg-zinc-50 px-5 py-3">{footer}</div>}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Centered dialog for short, focused tasks (credentials shown once). */
export function Modal({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={overlay} />
        <Dialog.Content
          className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white shadow-2xl outline-none animate-pop-in"
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <div className="px-5 pt-5">
            <Dialog.Title className="text-base font-semibold text-zinc-900">{title}</Dialog.Title>
            {description && <Dialog.Description className="mt-1 text-sm text-zinc-500">{description}</Dialog.Description>}
          </div>
          <div className="px-5 py-4">{children}</div>
          {footer && <div className="flex justify-end gap-2 rounded-b-lg border-t border-zinc-200 bg-zinc-50 px-5 py-3">{footer}</div>}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/**
 * "Are you sure?" for destructive actions. A 409 keeps the dialog open and lists what still uses
 * the resource (the server names each referrer), so the admin knows what to change first.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel = 'Delete',
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown>;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiErrorInfo | null>(null);
  const change = (next: boolean) => {
    if (pending) return;
    if (!next) setError(null);
    onOpenChange(next);
  };
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setPending(false);
      onOpenChange(false);
    } catch (err) {
      setPending(false);
      setError(apiError(err));
    }
  };
  // A 409 with details names what still refers to the resource; other failures just explain.
  const inUse = error?.status === 409 && error.details.length > 0;
  return (
    <AlertDialog.Root open={open} onOpenChange={change}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={overlay} />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white shadow-2xl outline-none animate-pop-in">
          <div className="px-5 pt-5 pb-4">
            <AlertDialog.Title className="text-base font-semibold text-zinc-900">{inUse ? "Can't delete: still in use" : title}</AlertDialog.Title>
            <AlertDialog.Description className="mt-1.5 text-sm text-zinc-600">
              {inUse ? 'Remove these references first, then try again.' : description}
            </AlertDialog.Description>
            {error && (
              <div
                role="alert"
                data-testid="confirm-error"
                className={cx(
                  'mt-3 rounded-md border px-3 py-2.5 text-sm',
                  inUse ? 'border-amber-200 bg-amber-50 text-amber-900' : 'border-red-200 bg-red-50 text-red-800',
                )}
              >
                {inUse ? (
                  <>
                    <p className="font-medium">In use by:</p>
                    <ul className="mt-1 list-disc space-y-0.5 pl-5">
                      {error.details.map((d, i) => (
                        <li key={i}>
                          <UsedByItem detail={d} />
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p>{error.message}</p>
                )}
              </div>
            )}
          </div>
          <div className="flex justify-end gap-2 rounded-b-lg border-t border-zinc-200 bg-zinc-50 px-5 py-3">
            <AlertDialog.Cancel asChild>
              <Button disabled={pending}>{inUse ? 'Close' : 'Cancel'}</Button>
            </AlertDialog.Cancel>
            {!inUse && (
              <Button
                variant="danger"
                loading={pending}
                onClick={(e) => {
                  e.preventDefault();
                  void confirm();
                }}
              >
                {confirmLabel}
              </Button>
            )}
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/**
 * Confirms deleting one record: open while `target` is set, then runs `onDelete` and says what
 * went. The last target stays on screen while the dialog animates closed.
 */
export function ConfirmDelete<T>({
  target,
  onClose,
  title,
  description,
  onDelete,
  deleted,
}: {
  target: T | null;
  onClose: () => void;
  title: (target: T) => string;
  description: ReactNode;
  onDelete: (target: T) => Promise<unknown>;
  /** The toast after a delete: "Deleted Sales." */
  deleted: (target: T) => string;
}) {
  const toast = useToast();
  const last = useRef(target);
  if (target) last.current = target;
  const shown = last.current;
  return (
    <ConfirmDialog
      open={Boolean(target)}
      onOpenChange={(open) => !open && onClose()}
      title={shown ? title(shown) : ''}
      description={description}
      onConfirm={async () => {
        if (!target) return;
        await onDelete(target);
        toast.success(deleted(target));
      }}
    />
  );
}
