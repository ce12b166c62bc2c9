import { writeFileSync } from "node:fs";
import { describeApi } from "../src/app.js";
import { renderOpenApiYaml } from "../src/http/render-document.js";

// `npm run openapi`: regenerate the committed contract from the route schemas.
writeFileSync(new URL("../openapi.yaml", import.meta.url), renderOpenApiYaml(describeApi()));
process.stdout.write("wrote openapi.yaml\n");
