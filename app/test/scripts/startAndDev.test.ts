import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, cpSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * `npm start` and `npm run dev` (app/scripts), run for real on a copy of the service's sources in a
 * private folder, so that editing a file here touches neither app/src nor another test's build.
 */
jest.setTimeout(120_000);

const APP_DIR = join(__dirname, "..", "..");
const copy = join(APP_DIR, ".cache", `scripts-test-${process.pid}`);

beforeAll(() => {
  mkdirSync(copy, { recursive: true });
  for (const name of ["src", "scripts", "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    cpSync(join(APP_DIR, name), join(copy, name), { recursive: true });
  }
  symlinkSync(join(APP_DIR, "node_modules"), join(copy, "node_modules"), "dir");
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once the combined stdout and stderr has matched `pattern` `times` times. */
  waitFor(pattern: RegExp, times?: number, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((process_) => process_.stop()));
});

function run(script: string): Running {
  const child = spawn(process.execPath, [join(copy, "scripts", script)], {
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", SHUTDOWN_DRAIN_DELAY_MS: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const handle: Running = {
    child,
    exited,
    output: () => text,
    waitFor: (pattern, times = 1, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const global = new RegExp(pattern.source, "g");
        const check = () => {
          if ((text.match(global)?.length ?? 0) < times) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${times}× ${pattern} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => setImmediate(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`exited before ${times}× ${pattern}; output:\n${text}`));
        }));
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  running.push(handle);
  return handle;
}

/** The port in the nth "service ready" line. */
const portOf = (output: string, nth = 1) => Number([...output.matchAll(/^.*"message":"service ready".*$/gm)][nth - 1]![0].match(/"port":(\d+)/)![1]);

describe("npm start (scripts/start.mjs)", () => {
  it("compiles every source the first time, nothing when nothing changed, and only a changed file", async () => {
    const first = run("start.mjs");
    await first.waitFor(/"message":"service ready"/);
    expect(first.output()).toMatch(/start: compiled \d+ changed file\(s\)/);
    expect(await first.stop()).toBe(0);

    const second = run("start.mjs");
    await second.waitFor(/"message":"service ready"/);
    expect(second.output()).not.toContain("compiled");
    const response = await fetch(`http://127.0.0.1:${portOf(second.output())}/health`);
    expect(response.status).toBe(200);
    expect(await second.stop()).toBe(0);

    appendFileSync(join(copy, "src", "routes", "info.ts"), "\n// edited by the test\n");
    const third = run("start.mjs");
    await third.waitFor(/"message":"service ready"/);
    expect(third.output()).toContain("start: compiled 1 changed file(s)");
    expect(await third.stop()).toBe(0);
  });

  it("refuses to start, naming the file, when a changed source does not compile", async () => {
    const broken = join(copy, "src", "routes", "exceptions.ts");
    cpSync(broken, `${broken}.orig`);
    appendFileSync(broken, "\nexport const = ;\n");
    try {
      const start = run("start.mjs");
      expect(await start.exited).toBe(1);
      expect(start.output()).toContain("cannot compile src/routes/exceptions.ts");
    } finally {
      cpSync(`${broken}.orig`, broken);
      rmSync(`${broken}.orig`);
    }
  });
});

describe("npm run dev (scripts/dev.mjs)", () => {
  it("restarts the service when a source changes, keeps it running when a change does not compile, and stops it on SIGTERM", async () => {
    const dev = run("dev.mjs");
    await dev.waitFor(/"message":"service ready"/);

    appendFileSync(join(copy, "src", "routes", "probes.ts"), "\n// edited by the test\n");
    await dev.waitFor(/dev: restarting/);
    await dev.waitFor(/"message":"service ready"/, 2);
    expect((await fetch(`http://127.0.0.1:${portOf(dev.output(), 2)}/health`)).status).toBe(200);

    const broken = join(copy, "src", "routes", "state.ts");
    cpSync(broken, `${broken}.orig`);
    try {
      appendFileSync(broken, "\nexport const = ;\n");
      await dev.waitFor(/cannot compile src\/routes\/state\.ts/);
      expect((await fetch(`http://127.0.0.1:${portOf(dev.output(), 2)}/health`)).status).toBe(200);
    } finally {
      cpSync(`${broken}.orig`, broken);
      rmSync(`${broken}.orig`);
    }

    expect(await dev.stop()).toBe(0);
    expect(dev.output()).toContain('"message":"shutdown complete"');
  });
});
