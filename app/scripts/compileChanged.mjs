// Brings app/dist up to date with app/src for `npm start` and `npm run dev`, compiling only what
// changed. tsconfig.json sets isolatedModules, so each file compiles on its own (TypeScript's
// transpileModule, the same emit as tsc without the type check): nothing changed costs a directory
// walk, one changed file costs loading TypeScript and compiling that file. `npm run typecheck` checks
// types; `npm run build` (what the container image runs) is the full tsc build.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const SRC_DIR = join(APP_DIR, "src");
const DIST_DIR = join(APP_DIR, "dist");
const MANIFEST = join(DIST_DIR, ".sources.json");
const CONFIG_FILES = ["tsconfig.json", "tsconfig.build.json"];

function sourceFiles(dir = SRC_DIR, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, found);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

function configHash() {
  const hash = createHash("sha256");
  for (const name of CONFIG_FILES) hash.update(readFileSync(join(APP_DIR, name)));
  hash.update(readFileSync(join(APP_DIR, "node_modules", "typescript", "package.json")));
  return hash.digest("hex");
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, "utf8"));
  } catch {
    return { config: "", files: {} };
  }
}

const outputOf = (source) => join(DIST_DIR, relative(SRC_DIR, source)).replace(/\.ts$/, ".js");

/**
 * Compiles the sources that changed since the last call (all of them when the compiler settings
 * changed or dist/ is missing its entry point) and removes the output of deleted sources.
 * Returns the relative paths compiled.
 */
export function compileChanged({ log = () => undefined } = {}) {
  const previous = readManifest();
  const config = configHash();
  const fresh = config === previous.config && existsSync(join(DIST_DIR, "bootstrap.js"));
  const files = {};
  const changed = [];
  for (const source of sourceFiles()) {
    const key = relative(SRC_DIR, source);
    const { mtimeMs, size } = statSync(source);
    files[key] = `${mtimeMs}:${size}`;
    if (!fresh || previous.files[key] !== files[key] || !existsSync(outputOf(source))) changed.push(source);
  }
  const deleted = Object.keys(previous.files).filter((key) => !(key in files));
  if (changed.length === 0 && deleted.length === 0) return [];

  const started = performance.now();
  const ts = createRequire(join(APP_DIR, "package.json"))("typescript");
  const parsed = ts.getParsedCommandLineOfConfigFile(join(APP_DIR, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  for (const source of changed) {
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(source, "utf8"), {
      compilerOptions: parsed.options,
      fileName: source,
      reportDiagnostics: true,
    });
    if (diagnostics?.length) {
      const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => APP_DIR, getNewLine: () => "\n" });
      throw new Error(`cannot compile ${relative(APP_DIR, source)}:\n${text}`);
    }
    mkdirSync(dirname(outputOf(source)), { recursive: true });
    writeFileSync(outputOf(source), outputText);
  }
  for (const key of deleted) rmSync(outputOf(join(SRC_DIR, key)), { force: true });
  mkdirSync(DIST_DIR, { recursive: true });
  writeFileSync(MANIFEST, `${JSON.stringify({ config, files })}\n`);
  log(`compiled ${changed.length} changed file(s)${deleted.length ? `, removed ${deleted.length}` : ""} in ${Math.round(performance.now() - started)} ms`);
  return changed.map((source) => relative(APP_DIR, source));
}
