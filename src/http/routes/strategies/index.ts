import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerChangeStrategyStage } from "./change-strategy-stage.js";
import { registerCreateStrategy } from "./create-strategy.js";
import { registerGetStrategy } from "./get-strategy.js";
import { registerListStageChanges } from "./list-stage-changes.js";
import { registerListStrategies } from "./list-strategies.js";
import { registerPassphraseRoutes } from "./rotate-passphrase.js";
import { registerRotateWebhookToken } from "./rotate-webhook-token.js";
import { registerUpdateStrategy } from "./update-strategy.js";

export function registerStrategyRoutes(app: OpenAPIHono) {
  registerCreateStrategy(app);
  registerListStrategies(app);
  registerGetStrategy(app);
  registerUpdateStrategy(app);
  registerRotateWebhookToken(app);
  registerPassphraseRoutes(app);
  registerChangeStrategyStage(app);
  registerListStageChanges(app);
}
