/**
 * What a REST key may do. `read` lists and reads; `write` also changes trading objects; `admin` also
 * manages keys and the kill switch. Each scope includes the ones before it.
 */
export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export type Principal = {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
};

export function hasScope(principal: Principal, needed: Scope): boolean {
  const rank = SCOPES.indexOf(needed);
  return principal.scopes.some((s) => SCOPES.indexOf(s) >= rank);
}
