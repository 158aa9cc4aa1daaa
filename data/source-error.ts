// A failure that belongs to one source rather than to the machine: the host is
// unreachable, the server answers with an error, the bytes are cut short or are
// not what was expected. The caller gives up on that source and tries the next
// one. `retryable` marks the transient kinds (connection trouble, HTTP 5xx,
// silence, a body cut short) that deserve another attempt at the same source.
export class SourceError extends Error {
  override name = "SourceError";
  readonly retryable: boolean;

  constructor(message: string, retryable = false, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof SourceError && error.retryable;
}
