// The root's `prepare` script: installs the reference service's own dependencies (app/ has its own lockfile).
//
// npm runs `prepare` on `npm ci`, `npm install`, `npm pack` and `npm publish`. A root `npm ci` reinstalls the
// app afresh, as a clean install should. The others reinstall it only when app/node_modules is missing or older
// than app/package.json or app/package-lock.json: packing ships app/src, not app/node_modules, and need not
// spend most of its time reinstalling what is already there.
//
// Usage: node scripts/install-app.mjs [app directory, default ./app next to this script's folder]
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "app"));

/** Modification time in ms, or undefined when the file does not exist. */
function modifiedMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Why app/ needs `npm ci`, or undefined when it does not. npm writes node_modules/.package-lock.json after every
 * install (its record of what node_modules holds), so its age is the age of the installed tree.
 */
function reasonToInstall() {
  if (process.env.npm_command === "ci") return "npm ci installs afresh";
  const installed = modifiedMs(join(appDir, "node_modules", ".package-lock.json"));
  if (installed === undefined) return "node_modules is missing";
  for (const manifest of ["package.json", "package-lock.json"]) {
    const changed = modifiedMs(join(appDir, manifest));
    if (changed !== undefined && changed > installed) return `${manifest} changed since the last install`;
  }
  return undefined;
}

const reason = reasonToInstall();
if (reason === undefined) {
  console.log(`${appDir}: node_modules is up to date with package-lock.json; not reinstalling`);
  process.exit(0);
}
console.log(`${appDir}: npm ci (${reason})`);
// Inside an npm script, npm_execpath is the npm that runs it; by hand, the npm on PATH.
const npmCli = process.env.npm_execpath;
const [command, args] = npmCli ? [process.execPath, [npmCli]] : ["npm", []];
const installed = spawnSync(command, [...args, "ci", "--prefix", appDir, "--no-audit", "--no-fund"], { stdio: "inherit", shell: !npmCli && process.platform === "win32" });
if (installed.error) throw installed.error;
process.exit(installed.status ?? 1);
