import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that encrypts secrets at rest. Production must set it; for the zero-setup quick start
 * one is generated once and kept in the data directory (mode 0600).
 */
export function appKeyOrDevelopmentKey(options: { key: string | undefined; variable: string; production: boolean; dataDir: string; file: string }): string {
  if (options.key) return options.key;
  if (options.production) throw new Error(`${options.variable} must be set in production`);
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, options.file);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
