import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { createAccount } from "../../../trading/create-account.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { AccountSchema, CreateAccountBodySchema } from "./schemas.js";
import { accountView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/accounts",
  tags: ["accounts"],
  operationId: "createAccount",
  summary: "Create a paper account",
  description:
    "Opens a paper account with its own starting cash. A strategy trades on it once its `accountId` names it; " +
    "strategies without one share `acc_paper`. An id that is taken is a 409.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateAccountBodySchema } } } },
  responses: {
    201: { description: "Created: the account, holding its starting cash.", content: { "application/json": { schema: AccountSchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "CONFLICT"),
  },
});

export function registerCreateAccount(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const account = await createAccount({ ctx: c.get("services").trading, input: c.req.valid("json") });
    return c.json(AccountSchema.parse(accountView(account)), 201);
  });
}
