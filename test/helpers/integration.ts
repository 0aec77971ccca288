import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../../src/api/app.js';
import { signToken } from '../../src/auth/token.js';
import type { Claims } from '../../src/auth/claims.js';
import { createLogger } from '../../src/logger.js';
import { connectRuntime, type Runtime } from '../../src/runtime.js';
import { createPushWorker, type PushWorker } from '../../src/worker/worker.js';
import { installTemporalRuntime } from '../../src/worker/runtime.js';

export const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const sharedOneRoster = path.resolve(repoRoot, '..', 'shared', 'data', 'oneroster');
export const hasSharedData = existsSync(sharedOneRoster);
export const hasServices =
  process.env.TEMPORAL_ADDRESS !== undefined && process.env.MONGODB_URI !== undefined;

export interface Harness {
  runtime: Runtime;
  worker: PushWorker;
  app: App;
  secret: string;
  token(claims: Partial<Claims> & Pick<Claims, 'sub' | 'role'>): Promise<string>;
  request(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown },
  ): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Connects to the test services with a database and a task queue of its own, runs a worker in
 * this process and builds the API app, so a test file is isolated from the others.
 */
export async function startHarness(name: string): Promise<Harness> {
  const suffix = randomBytes(4).toString('hex');
  process.env.MONGODB_DB = `gradepush_test_${name}_${suffix}`;
  process.env.GRADEPUSH_TASK_QUEUE = `test-${name}-${suffix}`;
  // Test files run at the same time against one namespace; a prefix keeps their per-calendar
  // push ids and per-user notification ids apart.
  process.env.GRADEPUSH_WORKFLOW_ID_PREFIX = `test-${name}-${suffix}/`;
  const logger = createLogger(`test-${name}`);
  const runtime = await connectRuntime(
    { temporalAddress: process.env.TEMPORAL_ADDRESS!, mongoUri: process.env.MONGODB_URI! },
    logger,
  );
  installTemporalRuntime(logger);
  const worker = await createPushWorker({
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    namespace: runtime.namespace,
    taskQueue: runtime.taskQueue,
    collections: runtime.database.collections,
    logger,
  });
  const running = worker.run();
  const secret = randomBytes(32).toString('hex');
  const app = createApp({
    collections: runtime.database.collections,
    pushes: runtime.pushes,
    jwtSecret: secret,
    logger,
    checkReadiness: () => runtime.checkReadiness(),
  });
  return {
    runtime,
    worker,
    app,
    secret,
    token: (claims) => signToken({ schools: [], ...claims }, secret),
    async request(method, url, options = {}) {
      const headers: Record<string, string> = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      return app.request(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    },
    async close() {
      await worker.shutdown();
      await running.catch(() => undefined);
      await runtime.database.db.dropDatabase();
      await runtime.close();
    },
  };
}

/** Polls `GET /pushes/:id` until the push leaves queued and running. */
export async function waitForPushEnd(
  harness: Harness,
  token: string,
  pushId: string,
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await harness.request('GET', `/pushes/${encodeURIComponent(pushId)}`, {
      token,
    });
    if (response.status === 200) {
      const body = (await response.json()) as Record<string, unknown>;
      if (body.state !== 'queued' && body.state !== 'running') return body;
    } else if (response.status !== 404) {
      throw new Error(
        `GET /pushes/${pushId} answered ${response.status}: ${await response.text()}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`push ${pushId} did not end within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
