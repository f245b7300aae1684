// `npm start`: compiles what changed in src/ (see compileChanged.mjs), then runs the compiled service
// in this very process, so signals reach it directly, as they reach `node dist/bootstrap.js`.
import { createRequire } from "node:module";
import { join } from "node:path";
import { APP_DIR, compileChanged } from "./compileChanged.mjs";

try {
  compileChanged({ log: (message) => process.stderr.write(`start: ${message}\n`) });
} catch (error) {
  process.stderr.write(`start: ${error.message}\n`);
  process.exit(1);
}
createRequire(import.meta.url)(join(APP_DIR, "dist", "bootstrap.js"));
