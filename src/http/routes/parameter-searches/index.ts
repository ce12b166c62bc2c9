import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerCancelParameterSearch } from "./cancel-parameter-search.js";
import { registerGetParameterSearch } from "./get-parameter-search.js";
import { registerListParameterSearches } from "./list-parameter-searches.js";
import { registerSubmitParameterSearch } from "./submit-parameter-search.js";

export function registerParameterSearchRoutes(app: OpenAPIHono) {
  registerSubmitParameterSearch(app);
  registerListParameterSearches(app);
  registerGetParameterSearch(app);
  registerCancelParameterSearch(app);
}
