import { randomBytes } from 'node:crypto';
import { workflowIdPrefix } from '../config.js';
import type { PushKind } from '../workflows/types.js';

/**
 * Workflow id of a push. There is one id per calendar (or course, or catalog), so Temporal's
 * id conflict policy lets only one push of that scope run at a time.
 */
export function pushWorkflowId(kind: PushKind, scopeId: string): string {
  return `${workflowIdPrefix()}push-${kind}-${scopeId}`;
}

/** Creates a push id from the kind, scope and start time, with a random suffix for uniqueness. */
export function newPushId(kind: PushKind, scopeId: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind}-${scopeId}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Returns the workflow id a push id was started under, or null when the id is not of the form
 * `newPushId` makes. The stamp and the random suffix contain no dash, so the scope is what lies
 * between the kind and the last two dashes.
 */
export function workflowIdOfPushId(pushId: string): string | null {
  const match = /^(calendar|course|catalog)-(.+)-\d{8}T\d{6}Z-[0-9a-f]{6}$/.exec(pushId);
  return match ? pushWorkflowId(match[1] as PushKind, match[2] ?? '') : null;
}
