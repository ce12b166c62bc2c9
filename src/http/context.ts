import type { Principal } from "../auth/scopes.js";
import type { Services } from "../container.js";

declare module "hono" {
  interface ContextVariableMap {
    services: Services;
    principal: Principal;
  }
}

export {};
