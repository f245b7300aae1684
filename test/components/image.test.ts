import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ProgramError, promiseOf, record } from "../harness/recorder";
import type { ImageArgs } from "../../components/image";
import { resolveBundledAppPath } from "../../components/image";
import { underHost } from "./host";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");
const IMAGE = "docker-build:index:Image";
const DIGEST_REF = `crweb123.azurecr.io/other@sha256:${"b".repeat(64)}`;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "aca-image-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const noExchange = async (): Promise<string> => "refresh-token";

async function build(args: Partial<ImageArgs>, preview = false) {
  let ref: Promise<string | undefined> | undefined;
  const recording = await record(
    async () => {
      const { buildImage } = await import("../../components/image");
      ref = promiseOf(buildImage("web", { loginServer: "crweb123.azurecr.io", repository: "web", exchangeToken: noExchange, ...args }, underHost()).ref);
    },
    { preview },
  );
  return { recording, ref: await ref };
}

async function failureOf(args: Partial<ImageArgs>): Promise<ProgramError> {
  const failure = await build(args).catch((error: unknown) => error);
  if (!(failure instanceof ProgramError)) throw new Error("expected the program to fail");
  expect(failure.recording.cloudResources).toEqual([]);
  return failure;
}

describe("the bundled app path", () => {
  it("is the repository's app/ when running from components/", () => {
    expect(resolveBundledAppPath(path.join(REPOSITORY_ROOT, "components"))).toBe(path.join(REPOSITORY_ROOT, "app"));
  });

  it("is the package's app/ when running compiled from dist/components/ of an installed package", () => {
    const installed = path.join(scratch, "node_modules", "pulumi-aca");
    mkdirSync(path.join(installed, "dist", "components"), { recursive: true });
    mkdirSync(path.join(installed, "app"), { recursive: true });
    writeFileSync(path.join(installed, "app", "package.json"), "{}");
    expect(resolveBundledAppPath(path.join(installed, "dist", "components"))).toBe(path.join(installed, "app"));
  });

  it("is undefined when the package was published without app/", () => {
    const bare = path.join(scratch, "bare", "dist", "components");
    mkdirSync(bare, { recursive: true });
    expect(resolveBundledAppPath(bare)).toBeUndefined();
  });
});

describe("the image block", () => {
  it("builds app/ for linux/amd64, pushes with the exchanged token, and is run by digest", async () => {
    const { recording, ref } = await build({});
    const image = recording.one(IMAGE);
    expect(image.inputs).toMatchObject({
      context: { location: path.join(REPOSITORY_ROOT, "app") },
      dockerfile: { location: path.join(REPOSITORY_ROOT, "app", "Dockerfile") },
      platforms: ["linux/amd64"],
      push: true,
      tags: [expect.stringMatching(/^crweb123\.azurecr\.io\/web:build-[0-9a-f]{16}$/), "crweb123.azurecr.io/web:latest"],
      registries: [{ address: "crweb123.azurecr.io", username: "00000000-0000-0000-0000-000000000000", password: "refresh-token" }],
    });
    expect(image.secretPaths).toEqual(["registries.0.password"]);
    expect(ref).toMatch(/^crweb123\.azurecr\.io\/web@sha256:[0-9a-f]{64}$/);
  });

  it("changes only the registry password when the next update exchanges a new token, which docker-build's diff ignores", async () => {
    const imageWithToken = async (token: string) => (await build({ exchangeToken: async () => token })).recording.one(IMAGE);
    const [first, second] = [await imageWithToken("refresh-token-1"), await imageWithToken("refresh-token-2")];
    expect([first.inputs.registries[0].password, second.inputs.registries[0].password]).toEqual(["refresh-token-1", "refresh-token-2"]);
    const withoutPassword = (inputs: Record<string, unknown>) => ({
      ...inputs,
      registries: (inputs.registries as Record<string, unknown>[]).map(({ password: _password, ...registry }) => registry),
    });
    expect(withoutPassword(second.inputs)).toEqual(withoutPassword(first.inputs));
  });

  it("never ignores changes to the registry credentials, so a build that runs pushes with that update's token", async () => {
    const { recording } = await build({});
    expect(recording.one(IMAGE).ignoreChanges).toEqual([]);
  });

  it("builds the user's context and Dockerfile when given", async () => {
    const context = path.join(scratch, "service");
    mkdirSync(context, { recursive: true });
    writeFileSync(path.join(context, "build.Dockerfile"), "FROM scratch\n");
    const { recording } = await build({ appPath: context, dockerfile: path.join(context, "build.Dockerfile"), buildArgs: { NODE_ENV: "production" } });
    expect(recording.one(IMAGE).inputs).toMatchObject({
      context: { location: context },
      dockerfile: { location: path.join(context, "build.Dockerfile") },
      buildArgs: { NODE_ENV: "production" },
    });
  });

  it("pushes each build content under a tag of its own that a later build never moves", async () => {
    const context = path.join(scratch, "tagged");
    mkdirSync(path.join(context, "src"), { recursive: true });
    mkdirSync(path.join(context, "node_modules"), { recursive: true });
    writeFileSync(path.join(context, "Dockerfile"), "FROM scratch\nCOPY src /src\n");
    writeFileSync(path.join(context, ".dockerignore"), "node_modules\n*.md\n");
    writeFileSync(path.join(context, "src", "index.js"), "console.log(1);\n");
    const tagOf = async (args: Partial<ImageArgs> = {}) => {
      const { recording } = await build({ appPath: context, ...args });
      return (recording.one(IMAGE).inputs.tags as string[])[0];
    };
    const first = await tagOf();
    expect(await tagOf()).toBe(first);
    // What docker leaves out of the context does not change the tag.
    writeFileSync(path.join(context, "node_modules", "dep.js"), "x");
    expect(await tagOf()).toBe(first);
    // New source, a new tag; so do new build args.
    writeFileSync(path.join(context, "src", "index.js"), "console.log(2);\n");
    const second = await tagOf();
    expect(second).not.toBe(first);
    expect(await tagOf({ buildArgs: { MODE: "debug" } })).not.toBe(second);
    // A wildcard pattern is not applied: the hash covers at least what docker sees.
    writeFileSync(path.join(context, "NOTES.md"), "notes");
    expect(await tagOf()).not.toBe(second);
  });

  it("pushes under the given tag instead, and refuses one docker or the scheme would not take", async () => {
    const { recording } = await build({ imageTag: "git-3f2a9c1-run-481" });
    expect(recording.one(IMAGE).inputs.tags).toEqual(["crweb123.azurecr.io/web:git-3f2a9c1-run-481", "crweb123.azurecr.io/web:latest"]);
    expect((await failureOf({ imageTag: "latest" })).message).toContain("Invalid `imageTag`: \"latest\"");
    expect((await failureOf({ imageTag: "-bad" })).message).toContain("must be a docker tag");
    expect((await failureOf({ image: DIGEST_REF, imageTag: "v1" })).message).toContain("`image`");
  });

  it("builds nothing for a ready image and returns its reference", async () => {
    const { recording, ref } = await build({ image: DIGEST_REF });
    expect(recording.ofType(IMAGE)).toEqual([]);
    expect(ref).toBe(DIGEST_REF);
  });

  it("leaves the reference unknown in preview, as the digest is not known before the push", async () => {
    const { recording, ref } = await build({}, true);
    expect(recording.one(IMAGE).inputs.platforms).toEqual(["linux/amd64"]);
    expect(ref).toBeUndefined();
  });

  it("neither builds nor exchanges a registry token in a preview by default", async () => {
    let exchanges = 0;
    const exchangeToken = async () => {
      exchanges++;
      return "refresh-token";
    };
    const { recording } = await build({ exchangeToken }, true);
    const image = recording.one(IMAGE);
    expect(image.inputs.buildOnPreview).toBe(false);
    // The registry's login server is known here, as in a preview of an existing stack; the token stays unknown.
    expect(image.inputs.registries).toEqual([{ address: "crweb123.azurecr.io", username: "00000000-0000-0000-0000-000000000000" }]);
    expect(exchanges).toBe(0);
  });

  it("builds in a preview when asked, still without calling the registry", async () => {
    let exchanges = 0;
    const { recording } = await build({ buildOnPreview: true, exchangeToken: async () => `refresh-token-${++exchanges}` }, true);
    expect(recording.one(IMAGE).inputs.buildOnPreview).toBe(true);
    expect(exchanges).toBe(0);
  });

  it("refuses `image` together with `appPath` or `dockerfile`", async () => {
    expect((await failureOf({ image: DIGEST_REF, appPath: REPOSITORY_ROOT })).message).toContain("only one of `image` or `appPath` may be set");
    expect((await failureOf({ image: DIGEST_REF, dockerfile: "Dockerfile" })).message).toContain("only one of `image` or `dockerfile` may be set");
  });

  it("refuses a ready image not pinned by digest", async () => {
    expect((await failureOf({ image: "nginx:latest" })).message).toBe(
      'Invalid `image`: "nginx:latest"; must be pinned by digest (`<registry>/<repository>@sha256:<64 hex digits>`) so every change makes a new revision.',
    );
  });

  it("refuses a build context or Dockerfile that does not exist", async () => {
    expect((await failureOf({ appPath: path.join(scratch, "missing") })).message).toContain("must be an existing directory");
    expect((await failureOf({ dockerfile: path.join(scratch, "missing.Dockerfile") })).message).toContain("Invalid `dockerfile`");
  });

  it("refuses a repository name the registry would reject", async () => {
    expect((await failureOf({ repository: "Web App" })).message).toContain('Invalid `imageRepository`: "Web App"');
  });
});
