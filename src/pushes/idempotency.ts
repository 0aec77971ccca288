import { createHash } from 'node:crypto';
import { MongoServerError } from 'mongodb';
import type { Collections } from '../db/mongo.js';
import { stableStringify } from '../domain/diff.js';
import type { StartedPush } from './service.js';

const DUPLICATE_KEY = 11000;
/** How long a repeated request waits for the first one to finish starting its push. */
const WAIT_FOR_FIRST_MS = 15_000;

export class IdempotencyKeyReusedError extends Error {
  override name = 'IdempotencyKeyReusedError';
}

export interface IdempotentStart {
  started: StartedPush;
  /** True when an earlier request with the same key started this push. */
  replayed: boolean;
}

/** Hashes a request's scope and body, so a key reused for a different request is caught. */
export function requestFingerprint(scope: string, body: unknown): string {
  return createHash('sha256').update(stableStringify({ scope, body })).digest('hex');
}

/**
 * Starts a push at most once per requester and Idempotency-Key. The first request claims the key
 * with an insert that the unique `_id` makes atomic; a repeated request, even a concurrent one,
 * waits for that push and returns it instead of starting another.
 */
export async function startOnce(
  collections: Collections,
  request: { requester: string; key: string; fingerprint: string },
  start: () => Promise<StartedPush>,
): Promise<IdempotentStart> {
  const _id = `${request.requester}:${request.key}`;
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    try {
      await collections.pushRequests.insertOne({
        _id,
        fingerprint: request.fingerprint,
        state: 'starting',
        pushId: null,
        workflowId: null,
        runId: null,
        createdAt: new Date(),
      });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      const existing = await collections.pushRequests.findOne({ _id });
      if (existing) {
        if (existing.fingerprint !== request.fingerprint) {
          throw new IdempotencyKeyReusedError(
            `Idempotency-Key "${request.key}" was already used for a different push request; send a new key for a new request`,
          );
        }
        if (
          existing.state === 'started' &&
          existing.pushId &&
          existing.workflowId &&
          existing.runId
        ) {
          return {
            started: {
              pushId: existing.pushId,
              workflowId: existing.workflowId,
              runId: existing.runId,
            },
            replayed: true,
          };
        }
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the first request with Idempotency-Key "${request.key}" is still starting its push; try again shortly`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }

    let started: StartedPush;
    try {
      started = await start();
    } catch (error) {
      // The push did not start, so the key is free again for a retry of this request.
      await collections.pushRequests.deleteOne({ _id, state: 'starting' });
      throw error;
    }
    await collections.pushRequests.updateOne(
      { _id },
      {
        $set: {
          state: 'started',
          pushId: started.pushId,
          workflowId: started.workflowId,
          runId: started.runId,
        },
      },
    );
    return { started, replayed: false };
  }
}
