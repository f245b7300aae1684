import * as fs from "node:fs";
import * as path from "node:path";

interface TypeScriptCompiler {
  version: string;
  transpileModule(source: string, options: { compilerOptions: Record<string, unknown>; fileName: string }): { outputText: string };
  ModuleKind: { CommonJS: unknown };
  ScriptTarget: Record<string, unknown>;
}

let registered: string | undefined;

/**
 * Lets `require` load a program's `.ts` files as the Pulumi CLI does: compiled to CommonJS with the
 * program's own TypeScript, else with the TypeScript vendored in its `@pulumi/pulumi` (the CLI's fallback).
 * Transpiled only, not type-checked (the program's own `tsc` does that). Files under node_modules are
 * left to Node, as the CLI's loader leaves them. Returns the TypeScript version used.
 */
export function registerTypeScript(programDir: string, pulumiDir: string): string {
  if (registered) return registered;
  let compilerPath: string;
  try {
    compilerPath = require.resolve("typescript", { paths: [programDir] });
  } catch {
    compilerPath = path.join(pulumiDir, "vendor", "typescript@3.8.3", "typescript.js");
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program's compiler, found at run time
  const ts = require(compilerPath) as TypeScriptCompiler;
  const target = ts.ScriptTarget.ES2022 ?? ts.ScriptTarget.ES2020 ?? ts.ScriptTarget.ES2017;
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target, esModuleInterop: true, resolveJsonModule: true, inlineSourceMap: true, inlineSources: true };
  const extensions = require.extensions as unknown as Record<string, (module: NodeModule & { _compile(code: string, file: string): void }, file: string) => void>;
  const nodeOwn = extensions[".ts"];
  const load = (module: NodeModule & { _compile(code: string, file: string): void }, filename: string) => {
    if (nodeOwn && filename.split(path.sep).includes("node_modules")) return nodeOwn(module, filename);
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions, fileName: filename });
    module._compile(outputText, filename);
  };
  extensions[".ts"] = load;
  extensions[".tsx"] = load;
  process.setSourceMapsEnabled(true);
  registered = ts.version;
  return registered;
}
