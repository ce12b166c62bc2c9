import { hash, randomBytes, timingSafeEqual } from "node:crypto";

export function sha256Hex(value: string): string {
  // One-shot hash: no Hash object per call (tokens and dedupe keys are hashed on every webhook).
  return hash("sha256", value, "hex");
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length buffers, so length differences do not leak through timing.
  const da = hash("sha256", a, "buffer");
  const db = hash("sha256", b, "buffer");
  return timingSafeEqual(da, db);
}

/** A new secret with `bytes` of entropy, URL-safe. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
