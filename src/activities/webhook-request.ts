import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Gradepush-Signature';
export const TIMESTAMP_HEADER = 'X-Gradepush-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Time one webhook request may take, response body included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Characters of a receiver's response body kept for the delivery's last error. */
const RESPONSE_EXCERPT_LENGTH = 200;

/**
 * Computes the X-Gradepush-Signature value: `sha256=` followed by the hex HMAC-SHA256, keyed by
 * the webhook secret, of `<timestamp>.<body>`. The timestamp is the X-Gradepush-Timestamp value
 * (Unix seconds) and the body is the exact request body.
 *
 * A receiver verifies a delivery like this:
 * 1. Read the raw body before parsing it as JSON, because re-serialized JSON may differ.
 * 2. Compute this function's value from the timestamp header, the raw body and the secret.
 * 3. Compare it with the signature header using `crypto.timingSafeEqual`.
 * 4. Reject a timestamp more than a few minutes from its own clock, so a captured request
 *    cannot be replayed later.
 * 5. Handle each Idempotency-Key once, because a retried delivery sends the same notification.
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `sha256=${hmac}`;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  /** Sent as the Idempotency-Key, so the receiver can drop repeats. */
  notificationId: string;
  body: string;
  /** Aborts the request, for example when the activity is cancelled. */
  signal?: AbortSignal;
}

export interface WebhookResponse {
  status: number;
  /** Start of the response body, for the delivery's last error. */
  bodyExcerpt: string;
}

/**
 * POSTs a signed JSON body to the webhook URL with a timeout. Redirects are not followed, so a
 * 3xx response is returned as it is. Rejects on network errors and timeouts.
 */
export async function postWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const timestamp = Math.floor(Date.now() / 1000);
  const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const response = await fetch(request.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'gradepush-webhook',
      [SIGNATURE_HEADER]: signWebhookBody(request.secret, timestamp, request.body),
      [TIMESTAMP_HEADER]: String(timestamp),
      [IDEMPOTENCY_HEADER]: request.notificationId,
    },
    body: request.body,
    redirect: 'manual',
    signal,
  });
  const text = await response.text();
  return { status: response.status, bodyExcerpt: text.slice(0, RESPONSE_EXCERPT_LENGTH) };
}

/** Returns whether a retry may succeed after this HTTP status: 5xx, 408 Request Timeout and 429. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Describes a fetch failure by its cause, such as ECONNREFUSED or a timeout. */
export function describeRequestError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `timed out after ${WEBHOOK_TIMEOUT_MS} ms`;
  }
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    if (cause && typeof cause.code === 'string') return `${error.message}: ${cause.code}`;
    if (cause && typeof cause.message === 'string') return `${error.message}: ${cause.message}`;
    return error.message;
  }
  return String(error);
}
