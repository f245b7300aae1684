/**
 * Builds app/Dockerfile for real with buildah (on stand-in base images built locally from Debian's
 * and the npm registry's packages, see scripts/container/), runs the image's own command as the
 * image's own user, and checks what the image holds and how it starts.
 *
 * Needs root, apt-get, Debian's buildah and debootstrap, and the npm registry. Where any of them is
 * missing, every test here fails with the reason; none is skipped.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { basename, join, posix, resolve } from "node:path";

const repositoryRoot = resolve(__dirname, "../../..");
const appDirectory = resolve(__dirname, "../..");
const buildah = ["buildah", "--storage-driver", "vfs"] as const;
const imageTag = `localhost/aca-reference-service:container-test-${process.pid}`;

const MINUTE = 60_000;
const SETUP_TIMEOUT_MS = 25 * MINUTE;
const BUILD_TIMEOUT_MS = 20 * MINUTE;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/** The layers the Dockerfile adds: production node_modules, dist and the compile cache. */
const ADDED_LAYERS_BUDGET_BYTES = 100 * 1024 * 1024;

interface ImageInspection {
  readonly OCIv1: {
    readonly config: {
      readonly User?: string;
      readonly Env?: readonly string[];
      readonly Entrypoint?: readonly string[] | null;
      readonly Cmd?: readonly string[] | null;
      readonly WorkingDir?: string;
    };
  };
  /** The image manifest, as a JSON string. */
  readonly Manifest: string;
}

interface Layer {
  readonly digest: string;
  readonly size: number;
}

interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; the error names the command, its exit and the end of its output. */
function run(command: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { cwd: repositoryRoot, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const how = error.killed ? `was killed after ${timeoutMs / 1000} s` : `exited with ${String(error.code)}`;
          const output = `${stdout}\n${stderr}`.trim().split("\n").slice(-25).join("\n");
          reject(new Error(`\`${[command, ...args].join(" ")}\` ${how}:\n${output}`));
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Resolves when `promise` does or after `ms`, whichever comes first, leaving no timer behind. */
async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolvePromise) => (timer = setTimeout(resolvePromise, ms)))]);
  clearTimeout(timer);
}

async function inspectImage(name: string): Promise<ImageInspection> {
  const { stdout } = await run(buildah[0], [...buildah.slice(1), "inspect", "--type", "image", name], MINUTE);
  return JSON.parse(stdout) as ImageInspection;
}

function layersOf(image: ImageInspection): Layer[] {
  return (JSON.parse(image.Manifest) as { layers: Layer[] }).layers;
}

function envOf(image: ImageInspection, name: string): string | undefined {
  const entry = image.OCIv1.config.Env?.find((variable) => variable.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** Every file under `directory`, as paths relative to it, skipping the directories named in `skip`. */
function filesUnder(directory: string, skip: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(directory, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skip.includes(path)) walk(path);
      } else {
        found.push(path);
      }
    }
  };
  walk("");
  return found;
}

/** The uid a user name (or numeric uid) has in the image's /etc/passwd. */
function uidInImage(rootfs: string, user: string): number | undefined {
  const name = user.split(":")[0] ?? "";
  if (/^\d+$/.test(name)) return Number(name);
  const line = readFileSync(join(rootfs, "etc/passwd"), "utf8")
    .split("\n")
    .find((entry) => entry.split(":")[0] === name);
  const uid = line?.split(":")[2];
  return uid === undefined ? undefined : Number(uid);
}

interface ServiceProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly executable: string;
  readonly uids: readonly number[];
}

/** The node process `buildah run` started for us, found by the PORT we gave it. */
function findServiceProcess(port: number): ServiceProcess | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!environment.includes(`PORT=${port}`)) continue;
      const executable = readlinkSync(`/proc/${entry}/exe`);
      if (basename(executable) !== "node") continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter((arg) => arg !== "");
      const uidLine = readFileSync(`/proc/${entry}/status`, "utf8")
        .split("\n")
        .find((line) => line.startsWith("Uid:"));
      const uids = (uidLine ?? "").split(/\s+/).slice(1).filter(Boolean).map(Number);
      return { pid: Number(entry), argv, executable, uids };
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

describe("the reference service's container image", () => {
  let image: ImageInspection;
  let imageBuilt = false;
  let container: string | undefined;
  let rootfs: string;
  let port: number;
  let service: ChildProcess | undefined;
  let serviceProcess: ServiceProcess | undefined;
  let serviceOutput = "";
  let addedLayers: Layer[] = [];
  let baseLayers: Layer[] = [];

  beforeAll(async () => {
    if (process.getuid?.() !== 0) {
      throw new Error(
        `The container image test needs root (buildah's vfs storage, debootstrap and apt-get); it runs as uid ${String(process.getuid?.())}.`,
      );
    }
    try {
      await run("bash", ["scripts/ensure-debian-packages.sh", "buildah", "debootstrap"], 10 * MINUTE);
    } catch (error) {
      throw new Error(`Cannot install Debian's buildah and debootstrap, which build the image here: ${(error as Error).message}`, {
        cause: error,
      });
    }

    const started = performance.now();
    try {
      await run("bash", ["scripts/container/build-image.sh", imageTag], BUILD_TIMEOUT_MS);
      imageBuilt = true;
    } catch (error) {
      throw new Error(`Building app/Dockerfile with buildah failed: ${(error as Error).message}`, { cause: error });
    }
    console.log(`Stand-in base and image built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    image = await inspectImage(imageTag);
    const fromLine = readFileSync(join(appDirectory, "Dockerfile"), "utf8")
      .split("\n")
      .filter((line) => /^\s*FROM\s/i.test(line))
      .pop();
    const baseName = fromLine?.trim().split(/\s+/)[1];
    if (baseName === undefined) throw new Error("app/Dockerfile has no FROM line");
    baseLayers = layersOf(await inspectImage(baseName));
    const baseDigests = new Set(baseLayers.map((layer) => layer.digest));
    addedLayers = layersOf(image).filter((layer) => !baseDigests.has(layer.digest));

    container = (await run(buildah[0], [...buildah.slice(1), "from", "--pull=never", imageTag], MINUTE)).stdout.trim();
    rootfs = (await run(buildah[0], [...buildah.slice(1), "mount", container], MINUTE)).stdout.trim();

    port = await freePort();
    const { User: user = "", Entrypoint: entrypoint, Cmd: cmd } = image.OCIv1.config;
    const command = [...(entrypoint ?? []), ...(cmd ?? [])];
    service = spawn(
      buildah[0],
      [
        ...buildah.slice(1),
        "run",
        "--isolation",
        "chroot",
        ...(user === "" ? [] : ["--user", user]),
        "-e",
        `PORT=${port}`,
        "-e",
        "HOST=127.0.0.1",
        // Node.js reports each module it reads from the compile cache on stderr.
        "-e",
        "NODE_DEBUG_NATIVE=COMPILE_CACHE",
        container,
        "--",
        ...command,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const keep = (chunk: Buffer): void => {
      if (serviceOutput.length < 4 * 1024 * 1024) serviceOutput += chunk.toString();
    };
    service.stdout?.on("data", keep);
    service.stderr?.on("data", keep);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (service.exitCode !== null || service.signalCode !== null) {
        throw new Error(`The image's command exited before /ready answered 200:\n${serviceOutput.slice(-3000)}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`/ready did not answer 200 within ${READY_TIMEOUT_MS / 1000} s:\n${serviceOutput.slice(-3000)}`);
      }
      const response = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
      if (response?.status === 200) break;
      await sleep(100);
    }
    serviceProcess = findServiceProcess(port);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (service && service.exitCode === null && service.signalCode === null) {
      const exited = new Promise<void>((resolvePromise) => service?.once("exit", () => resolvePromise()));
      const running = findServiceProcess(port);
      if (running) process.kill(running.pid, "SIGTERM");
      else service.kill("SIGTERM");
      await waitAtMost(exited, STOP_TIMEOUT_MS);
      if (service.exitCode === null && service.signalCode === null) {
        const stuck = findServiceProcess(port);
        if (stuck) process.kill(stuck.pid, "SIGKILL");
        service.kill("SIGKILL");
        await waitAtMost(exited, 5_000);
      }
    }
    const cleanups: [string, string[]][] = [];
    if (container !== undefined) {
      cleanups.push(["umount", [container]], ["rm", [container]]);
    }
    if (imageBuilt) cleanups.push(["rmi", [imageTag]]);
    for (const [subcommand, args] of cleanups) {
      await run(buildah[0], [...buildah.slice(1), subcommand, ...args], MINUTE).catch((error: unknown) => {
        console.warn(`Cleaning up: ${(error as Error).message}`);
      });
    }
  }, 2 * MINUTE);

  it("is configured to run as a user that is not root", () => {
    const user = image.OCIv1.config.User ?? "";
    expect(user).not.toBe("");
    expect(["root", "0"]).not.toContain(user.split(":")[0]);
    const uid = uidInImage(rootfs, user);
    expect(uid).toBeDefined();
    expect(uid).not.toBe(0);
  });

  it("runs the service process under that user's non-zero uid", () => {
    expect(serviceProcess).toBeDefined();
    const uid = uidInImage(rootfs, image.OCIv1.config.User ?? "");
    expect(serviceProcess?.uids).toHaveLength(4);
    for (const id of serviceProcess?.uids ?? []) {
      expect(id).not.toBe(0);
      expect(id).toBe(uid);
    }
  });

  it("answers 200 on /ready from the host", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(response.status).toBe(200);
  });

  it("starts node directly from an exec-form command, with no entrypoint or shell in between", () => {
    const { Entrypoint: entrypoint, Cmd: cmd } = image.OCIv1.config;
    expect(entrypoint ?? []).toEqual([]);
    expect(cmd?.[0]).toBe("node");
    expect(cmd).not.toContain("-c");
    expect(cmd?.length).toBeGreaterThan(1);
    // The process buildah started is node itself, with the arguments from CMD.
    expect(serviceProcess && basename(serviceProcess.executable)).toBe("node");
    expect(serviceProcess?.argv.slice(1)).toEqual(cmd?.slice(1));
  });

  it("holds the production dependencies and none of the packages only development needs", () => {
    const workingDirectory = join(rootfs, image.OCIv1.config.WorkingDir ?? "/");
    const lock = JSON.parse(readFileSync(join(appDirectory, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const manifest = JSON.parse(readFileSync(join(appDirectory, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    const developmentOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith("node_modules/") && entry.dev === true)
      .map(([path]) => path);
    expect(developmentOnly.length).toBeGreaterThan(0);
    const shipped = developmentOnly.filter((path) => existsSync(join(workingDirectory, path)));
    expect(shipped).toEqual([]);
    for (const tool of ["typescript", "jest", "ts-jest", "@types/jest", "eslint"]) {
      expect(existsSync(join(workingDirectory, "node_modules", tool))).toBe(false);
    }
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      expect(existsSync(join(workingDirectory, "node_modules", dependency, "package.json"))).toBe(true);
    }
  });

  it("holds no TypeScript sources, tests or build files next to the compiled service", () => {
    const workingDirectory = join(rootfs, image.OCIv1.config.WorkingDir ?? "/");
    const files = filesUnder(workingDirectory, ["node_modules"]);
    expect(files).toContain(posix.normalize(image.OCIv1.config.Cmd?.[1] ?? "the entry script"));
    const unwanted = files.filter(
      (path) =>
        /\.ts$/.test(path) ||
        /(^|\/)(src|test|tests|__tests__|coverage)\//.test(path) ||
        /\.(test|spec)\.[cm]?js$/.test(path) ||
        /(^|\/)(Dockerfile|\.dockerignore|tsconfig[^/]*\.json|jest\.config\.[cm]?js|package-lock\.json)$/.test(path),
    );
    expect(unwanted).toEqual([]);
  });

  it("starts from a compile cache warmed at build time and readable by its user", () => {
    const cacheDirectory = envOf(image, "NODE_COMPILE_CACHE");
    expect(cacheDirectory).toBeDefined();
    const cacheFiles = filesUnder(join(rootfs, cacheDirectory ?? "/nonexistent"));
    expect(cacheFiles.length).toBeGreaterThan(0);
    const uid = uidInImage(rootfs, image.OCIv1.config.User ?? "");
    const unreadable = cacheFiles.filter((path) => {
      const { mode, uid: owner } = statSync(join(rootfs, cacheDirectory ?? "", path));
      return !(mode & 0o004 || (owner === uid && mode & 0o400));
    });
    expect(unreadable).toEqual([]);
    // Node.js read the entry script's compiled code from that cache when the service started.
    const entryScript = posix.join(image.OCIv1.config.WorkingDir ?? "/", image.OCIv1.config.Cmd?.[1] ?? "");
    const readsFromCache = serviceOutput
      .split("\n")
      .filter((line) => line.includes("[compile cache] reading cache from") && /success/.test(line));
    console.log(`Modules read from the compile cache at start: ${readsFromCache.length}; cache files: ${cacheFiles.length}`);
    expect(readsFromCache.some((line) => line.includes(`${cacheDirectory}/`) && line.includes(entryScript))).toBe(true);
  });

  it("adds less than 100 MB of layers to its base image", () => {
    const added = addedLayers.reduce((total, layer) => total + layer.size, 0);
    const base = baseLayers.reduce((total, layer) => total + layer.size, 0);
    console.log(
      [
        "Layer sizes (uncompressed, as buildah stores them):",
        `  base image ${megabytes(base)}`,
        ...addedLayers.map((layer) => `  added ${layer.digest.slice(0, 19)} ${megabytes(layer.size)}`),
        `  added by app/Dockerfile in total ${megabytes(added)}; whole image ${megabytes(base + added)}`,
      ].join("\n"),
    );
    expect(addedLayers.length).toBeGreaterThan(0);
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(ADDED_LAYERS_BUDGET_BYTES);
  });
});
