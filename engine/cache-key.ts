import { canonicalJson, sha256 } from "./canonical.ts";
import type { AnyStage } from "./stage.ts";

/** SHA-256 over worker, version, key params and the content digests of the inputs. */
export function cacheKey(
  worker: AnyStage,
  params: unknown,
  inputDigests: Record<string, string>,
): string {
  const keyParams = worker.keyParams ? worker.keyParams(params) : params;
  return sha256(
    canonicalJson({
      worker: worker.worker,
      version: worker.version,
      params: keyParams,
      inputs: inputDigests,
    }),
  );
}
