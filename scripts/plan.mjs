// Offline plan from the repository's TypeScript sources: `npm run plan -- <program dir> [options]`.
// The published package runs the same code compiled (`pulumi-aca plan`, dist/plan/cli.js).
//
// The logic lives in plan/plan.ts; this file only teaches `require` to load TypeScript, with the
// compiler installed at the root (`ts.transpileModule`, no type check: `npm run typecheck` does that).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

let registered = false;

/** Lets `require` load `.ts` files (CommonJS, transpiled in memory). */
export function registerTypeScript() {
  if (registered) return require;
  registered = true;
  const ts = require("typescript");
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2023,
    esModuleInterop: true,
    resolveJsonModule: true,
    inlineSourceMap: true,
    inlineSources: true,
  };
  const load = (module, filename) => {
    const source = readFileSync(filename, "utf8");
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
    module._compile(outputText, filename);
  };
  require.extensions[".ts"] = load;
  require.extensions[".tsx"] = load;
  process.setSourceMapsEnabled(true);
  return require;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  registerTypeScript();
  // `npm run plan` runs in the repository root; paths given on the command line are the caller's.
  if (process.env.npm_lifecycle_event === "plan" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  const { main } = require(fileURLToPath(new URL("../plan/plan.ts", import.meta.url)));
  process.exitCode = await main(process.argv.slice(2));
}
