import path from 'node:path';

/** Folder for local state: service data, logs and the development token secret. */
export function dataDir(): string {
  return path.resolve(process.env.GRADEPUSH_DATA_DIR ?? '.gradepush');
}

export const DEFAULT_DB_NAME = 'gradepush';
export const DEFAULT_TASK_QUEUE = 'gradepush';
export const DEFAULT_NAMESPACE = 'default';

export function dbName(): string {
  return process.env.MONGODB_DB ?? DEFAULT_DB_NAME;
}

export function taskQueue(): string {
  return process.env.GRADEPUSH_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
}

export function temporalNamespace(): string {
  return process.env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE;
}

/**
 * Prefix of every workflow id this deployment starts (GRADEPUSH_WORKFLOW_ID_PREFIX, default
 * none), so several deployments or test runs can share one Temporal namespace without their
 * per-calendar and per-user workflow ids colliding.
 */
export function workflowIdPrefix(): string {
  return process.env.GRADEPUSH_WORKFLOW_ID_PREFIX ?? '';
}

/** Returns where the API listens: GRADEPUSH_API_HOST (default 127.0.0.1) and GRADEPUSH_API_PORT (3000). */
export function apiAddress(): { host: string; port: number } {
  const value = process.env.GRADEPUSH_API_PORT ?? '3000';
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) {
    throw new Error(
      `GRADEPUSH_API_PORT="${value}" is not a TCP port; set a number from 0 to 65535`,
    );
  }
  return { host: process.env.GRADEPUSH_API_HOST ?? '127.0.0.1', port };
}
