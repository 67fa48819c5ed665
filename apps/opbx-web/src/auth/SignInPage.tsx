import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';

import { paths, safeReturnPath } from '../app/paths';
import { apiError } from '../lib/api-error';
import { usePageTitle } from '../lib/title';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { Alert } from '../ui/States';
import { useSession } from './session';

const REASONS: Record<string, { tone: 'warning' | 'info'; text: string }> = {
  expired: { tone: 'warning', text: 'Your session expired. Sign in again to continue where you left off.' },
  signed_out: { tone: 'info', text: 'You have been signed out.' },
};

export function SignInPage() {
  usePageTitle('Sign in');
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeReturnPath(params.get('next'));
  const reason = REASONS[params.get('reason') ?? ''];
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  if (user) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setPending(true);
    try {
      await signIn(email.trim(), password);
      void navigate(next, { replace: true });
    } catch (err) {
      const info = apiError(err);
      // Wrong credentials: 422 with the server's sentence on `email`. A malformed address: its field detail.
      const emailDetail = info.details.find((d) => d.field === 'email')?.message;
      setError(!emailDetail || emailDetail === info.message ? info.message : `Email ${emailDetail}.`);
      setPending(false);
    }
  };

  return (
    <div className="flex min-h-screen items-center justify-center bg-zinc-50 px-4">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <img src="/favicon.svg" alt="" className="mb-3 size-10" />
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Sign in to OPBX</h1>
          <p className="mt-1 text-sm text-zinc-500">Your company’s phone system, in one place.</p>
        </div>
        <form onSubmit={submit} noValidate className="space-y-4 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm" aria-label="Sign in">
          {reason && !error && (
            <Alert tone={reason.tone}>
              <p data-testid="signin-reason">{reason.text}</p>
            </Alert>
          )}
          {error && (
            <Alert tone="error">
              <p>{error}</p>
            </Alert>
          )}
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <Button type="submit" variant="primary" className="w-full" loading={pending}>
            Sign in
          </Button>
        </form>
        {next !== paths.dashboard && <p className="mt-3 text-center text-xs text-zinc-500">You’ll return to {next} after signing in.</p>}
      </main>
    </div>
  );
}
