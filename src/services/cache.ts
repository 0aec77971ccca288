import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { isProcessRunning } from './processes.js';

/** Maximum wait for another process that installs the same binary, in milliseconds. */
const LOCK_TIMEOUT_MS = 20 * 60_000;
const LOCK_POLL_MS = 500;
/** Age after which a lock folder without a pid file counts as left behind by a crash. */
const LOCK_WITHOUT_PID_STALE_MS = 60_000;

/**
 * Returns the folder for downloaded and built service binaries:
 * `$XDG_CACHE_HOME/gradepush`, or `~/.cache/gradepush` when XDG_CACHE_HOME is unset or relative.
 * It lives outside the repository, so fresh clones reuse the binaries.
 */
export function binaryCacheDir(): string {
  const xdgCache = process.env.XDG_CACHE_HOME;
  const base = xdgCache && path.isAbsolute(xdgCache) ? xdgCache : path.join(os.homedir(), '.cache');
  return path.join(base, 'gradepush');
}

/** Returns true when `file` is a regular file that this process may execute. */
export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      return false;
    }
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the absolute path of the first executable file named `name` in PATH, or null. */
export async function findOnPath(name: string): Promise<string | null> {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (folder === '' || !path.isAbsolute(folder)) {
      continue;
    }
    const candidate = path.join(folder, name);
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return null;
}

/**
 * Runs `task` while holding the lock folder `lockDir`, so concurrent processes do not install
 * the same binary or start the same services at once. The folder contains the owner's pid, and a
 * lock whose owner is no longer running is taken over.
 */
export async function withLock<T>(
  lockDir: string,
  logger: Logger,
  task: () => Promise<T>,
): Promise<T> {
  await mkdir(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let waitLogged = false;

  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }

    if (await isStaleLock(lockDir)) {
      logger.warn({ lockDir }, 'Removing a lock left behind by a process that is not running');
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${LOCK_TIMEOUT_MS / 60_000} minutes waiting for the lock ${lockDir}. ` +
          'If no other gradepush process is running, delete that folder and try again.',
      );
    }
    if (!waitLogged) {
      logger.info({ lockDir }, 'Waiting for another gradepush process to release a lock');
      waitLogged = true;
    }
    await sleep(LOCK_POLL_MS);
  }

  try {
    return await task();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function isStaleLock(lockDir: string): Promise<boolean> {
  const owner = await readLockOwner(lockDir);
  if (owner === null) {
    // The owner may be between creating the folder and writing its pid, so only an old folder
    // without a valid pid file counts as stale.
    try {
      const info = await stat(lockDir);
      return Date.now() - info.mtimeMs > LOCK_WITHOUT_PID_STALE_MS;
    } catch {
      return false;
    }
  }
  return owner !== process.pid && !(await isProcessRunning(owner));
}

async function readLockOwner(lockDir: string): Promise<number | null> {
  try {
    const owner = Number.parseInt(await readFile(path.join(lockDir, 'pid'), 'utf8'), 10);
    return Number.isInteger(owner) && owner > 0 ? owner : null;
  } catch {
    return null;
  }
}
