import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "install-app.mjs");

/** Stands in for npm: records its arguments, and exits with FAKE_NPM_EXIT. */
const FAKE_NPM = `require("node:fs").appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify(process.argv.slice(2)) + "\\n");
process.exit(Number(process.env.FAKE_NPM_EXIT ?? 0));
`;

interface Outcome {
  code: number;
  stdout: string;
  npmCalls: string[][];
}

let work: string;
let appDir: string;
let npmLog: string;
let fakeNpm: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-aca-install-app-"));
  appDir = path.join(work, "app");
  fs.mkdirSync(appDir);
  fs.writeFileSync(path.join(appDir, "package.json"), "{}");
  fs.writeFileSync(path.join(appDir, "package-lock.json"), "{}");
  npmLog = path.join(work, "npm.log");
  fakeNpm = path.join(work, "fake-npm.js");
  fs.writeFileSync(fakeNpm, FAKE_NPM);
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** Sets a file's modification time to `minutes` after a fixed moment. */
function touch(file: string, minutes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, "{}");
  const at = new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
  fs.utimesSync(file, at, at);
}

/** Installed at minute 10, after the manifests were written at minute 0. */
function installedAfterManifests(): void {
  touch(path.join(appDir, "package.json"), 0);
  touch(path.join(appDir, "package-lock.json"), 0);
  touch(path.join(appDir, "node_modules", ".package-lock.json"), 10);
}

/** Runs the script as npm runs `prepare` for `npmCommand`. */
function prepare(npmCommand: string, npmExit = 0): Promise<Outcome> {
  const env = { ...process.env, npm_command: npmCommand, npm_execpath: fakeNpm, FAKE_NPM_LOG: npmLog, FAKE_NPM_EXIT: String(npmExit) };
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, appDir], { env }, (error, stdout) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      const npmCalls = fs.existsSync(npmLog) ? fs.readFileSync(npmLog, "utf8").trim().split("\n").map((line) => JSON.parse(line) as string[]) : [];
      resolve({ code, stdout, npmCalls });
    });
  });
}

const CLEAN_INSTALL = () => [["ci", "--prefix", appDir, "--no-audit", "--no-fund"]];

describe("the prepare script that installs the reference service's dependencies", () => {
  it("installs app/ with npm ci when its node_modules is missing", async () => {
    const outcome = await prepare("pack");
    expect(outcome).toMatchObject({ code: 0, npmCalls: CLEAN_INSTALL() });
    expect(outcome.stdout).toContain("node_modules is missing");
  });

  it("leaves app/ alone on npm pack when node_modules was installed after the last change to its manifests", async () => {
    installedAfterManifests();
    const outcome = await prepare("pack");
    expect(outcome).toMatchObject({ code: 0, npmCalls: [] });
    expect(outcome.stdout).toContain("not reinstalling");
  });

  it.each(["package-lock.json", "package.json"])("reinstalls app/ on npm pack when its %s changed after the install", async (manifest) => {
    installedAfterManifests();
    touch(path.join(appDir, manifest), 20);
    const outcome = await prepare("pack");
    expect(outcome).toMatchObject({ code: 0, npmCalls: CLEAN_INSTALL() });
    expect(outcome.stdout).toContain(`${manifest} changed since the last install`);
  });

  it("reinstalls app/ afresh on a root npm ci, even when it is up to date", async () => {
    installedAfterManifests();
    const outcome = await prepare("ci");
    expect(outcome).toMatchObject({ code: 0, npmCalls: CLEAN_INSTALL() });
  });

  it("fails with npm's exit code when the install fails", async () => {
    const outcome = await prepare("install", 3);
    expect(outcome).toMatchObject({ code: 3, npmCalls: CLEAN_INSTALL() });
  });
});
