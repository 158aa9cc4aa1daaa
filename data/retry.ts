// Repeats an attempt after transient failures, waiting twice as long before
// each new attempt (base, 2 x base, 4 x base, ... capped at maxDelayMs).
import { setTimeout as sleep } from "node:timers/promises";

export interface RetryOptions {
  /** Attempts after the first one; 0 tries once. */
  retries: number;
  /** Wait before the first retry, in milliseconds. */
  baseDelayMs: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  shouldRetry(error: unknown): boolean;
  onRetry?(retry: RetryEvent): void;
}

export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  of: number;
  delayMs: number;
  error: unknown;
}

export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs = 30_000): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry > options.retries || options.signal?.aborted || !options.shouldRetry(error)) {
        throw error;
      }
      const delayMs = backoffDelay(retry, options.baseDelayMs, options.maxDelayMs);
      options.onRetry?.({ retry, of: options.retries, delayMs, error });
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
