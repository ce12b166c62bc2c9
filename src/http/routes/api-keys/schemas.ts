import { z } from "@hono/zod-openapi";
import { SCOPES } from "../../../auth/scopes.js";

export const ScopeSchema = z.enum(SCOPES).openapi("Scope", {
  description: "`read` lists and reads; `write` also changes trading objects; `admin` also manages keys.",
});

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_V1StGXR8Z5jdHi6B" }),
    name: z.string().openapi({ example: "grafana dashboard" }),
    scopes: z.array(ScopeSchema),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiKey");

export const CreateApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: "grafana dashboard" }),
    scopes: z.array(ScopeSchema).min(1).openapi({ example: ["read"] }),
  })
  .strict()
  .openapi("CreateApiKeyRequest");

export const CreatedApiKeySchema = z
  .object({
    key: z.string().openapi({ description: "The key itself. Shown only in this response; store it now." }),
    apiKey: ApiKeySchema,
  })
  .openapi("CreatedApiKey");

export const ApiKeyIdParamSchema = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "key_V1StGXR8Z5jdHi6B" }),
});
