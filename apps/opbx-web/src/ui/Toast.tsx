import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';

import { cx } from '../lib/cx';
import { AlertIcon, CheckIcon, XIcon } from './icons';

type Tone = 'success' | 'error' | 'info';
interface Toast {
  id: number;
  tone: Tone;
  message: ReactNode;
}

interface ToastApi {
  success(message: ReactNode): void;
  error(message: ReactNode): void;
  info(message: ReactNode): void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast outside ToastProvider');
  return ctx;
}

/** Short confirmations in a polite live region; errors stay longer and are announced assertively. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (tone: Tone, message: ReactNode) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, tone, message }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 4000);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(() => ({ success: (m) => push('success', m), error: (m) => push('error', m), info: (m) => push('info', m) }), [push]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="pointer-events-none fixed right-4 bottom-4 z-[60] flex w-80 flex-col gap-2">
        <div aria-live="polite" className="contents">
          {toasts
            .filter((t) => t.tone !== 'error')
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
        <div aria-live="assertive" className="contents">
          {toasts
            .filter((t) => t.tone === 'error')
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  return (
    <div
      role={toast.tone === 'error' ? 'alert' : 'status'}
      className={cx(
        'pointer-events-auto flex items-start gap-2.5 rounded-lg border bg-white px-3 py-2.5 text-sm shadow-lg animate-fade-in',
        toast.tone === 'error' ? 'border-red-200' : 'border-zinc-200',
      )}
    >
      {toast.tone === 'success' ? (
        <CheckIcon className="mt-0.5 size-4 text-emerald-600" />
      ) : toast.tone === 'error' ? (
        <AlertIcon className="mt-0.5 size-4 text-red-600" />
      ) : (
        <span aria-hidden className="mt-1.5 size-2 rounded-full bg-indigo-500" />
      )}
      <div className="flex-1 text-zinc-800">{toast.message}</div>
      <button type="button" onClick={() => onDismiss(toast.id)} aria-label="Dismiss notification" className="rounded p-0.5 text-zinc-400 hover:text-zinc-700">
        <XIcon className="size-3.5" />
      </button>
    </div>
  );
}
