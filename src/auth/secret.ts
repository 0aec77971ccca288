import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const MIN_SECRET_LENGTH = 32;

/**
 * Returns the HS256 secret for API tokens. GRADEPUSH_JWT_SECRET wins; outside production a
 * secret is generated once into the local data folder. In production (NODE_ENV=production) a
 * missing or short secret is an error, so the API refuses to start.
 */
export async function loadJwtSecret(dataDir: string): Promise<string> {
  const configured = process.env.GRADEPUSH_JWT_SECRET;
  if (configured !== undefined) {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `GRADEPUSH_JWT_SECRET has ${configured.length} characters; set at least ${MIN_SECRET_LENGTH} random characters`,
      );
    }
    return configured;
  }
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'GRADEPUSH_JWT_SECRET is not set; production requires a configured token secret (at least 32 random characters)',
    );
  }
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return (await readFile(file, 'utf8')).trim();
    throw error;
  }
}
