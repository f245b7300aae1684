import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as dockerbuild from "@pulumi/docker-build";
import { AcrTokenExchange } from "./acrToken";
import { checkNameIfKnown, checkedName } from "./naming";
import { pushCredentials } from "./registry";
import { ValidationError, checkDigestReference, checkExclusive } from "./validation";

/** ACA runs linux/amd64 images only. */
export const IMAGE_PLATFORM = "linux/amd64";

export interface ImageArgs {
  /** The registry's login server; the image is pushed there. */
  readonly loginServer: pulumi.Input<string>;
  /** Repository inside the registry; an Output is checked once known. */
  readonly repository: pulumi.Input<string>;
  /**
   * A ready image reference pinned by digest (`<registry>/<repo>@sha256:…`); skips the build.
   * Mutually exclusive with `appPath` and `dockerfile`.
   */
  readonly image?: string;
  /** Build context directory. Default: the reference service bundled with this package (`app/`). */
  readonly appPath?: string;
  /** Dockerfile path. Default: `<appPath>/Dockerfile`. */
  readonly dockerfile?: string;
  /** Build arguments. Default none. */
  readonly buildArgs?: Record<string, string>;
  /** How the Entra token becomes an ACR refresh token. Default: the registry's `/oauth2/exchange`. */
  readonly exchangeToken?: AcrTokenExchange;
  /**
   * The tag this build is pushed under, besides `latest`; it must never be reused for other content. Default:
   * `build-<hash>` of the build context, Dockerfile, build args and platform (see {@link contentTag}). A CI
   * pipeline may pass its commit and run, e.g. `git-3f2a9c1-run-481`.
   */
  readonly imageTag?: string;
  /** Build the image during `pulumi preview` too (never pushed there). Default false: see {@link DEFAULT_BUILD_ON_PREVIEW}. */
  readonly buildOnPreview?: boolean;
}

/**
 * Previews do not build by default. A preview should have no side effects and finish fast: a pull request's
 * preview typically runs on a runner with a read-only identity and often without a Docker daemon, and the
 * build would run again, in full, on every preview. A broken Dockerfile still fails `pulumi up` before the app
 * changes (the app waits for the image's digest), and docker-build checks the Dockerfile's syntax in every
 * preview regardless. Set `buildOnPreview: true` to have CI previews prove the image builds.
 */
export const DEFAULT_BUILD_ON_PREVIEW = false;

/** What the app runs: a digest-pinned reference, and the build that produced it (none for a ready image). */
export interface BuiltImage {
  /** `<loginServer>/<repository>@sha256:<digest>`, or the ready reference given. */
  readonly ref: pulumi.Output<string>;
  /** The build's immutable tag (see {@link contentTag}); none for a ready image. */
  readonly tag?: string;
  readonly build?: dockerbuild.Image;
}

/**
 * Where the bundled reference service lives: `<package>/app`, found from this module whether it runs from
 * source (`components/image.ts`) or compiled (`dist/components/image.js`). Undefined when not shipped.
 */
export function resolveBundledAppPath(moduleDirectory: string = __dirname): string | undefined {
  const candidates = [path.resolve(moduleDirectory, "..", "app"), path.resolve(moduleDirectory, "..", "..", "app")];
  return candidates.find((candidate) => existsSync(path.join(candidate, "package.json")));
}

function isDirectory(location: string): boolean {
  return existsSync(location) && statSync(location).isDirectory();
}

function isFile(location: string): boolean {
  return existsSync(location) && statSync(location).isFile();
}

/** A docker tag: up to 128 letters, digits, underscores, periods and hyphens, not starting with a period or hyphen. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The root entries `.dockerignore` names exactly (`node_modules`, `dist`, …), which docker never sends to the
 * build. Wildcard patterns are not applied, and with any `!` exception nothing is left out, so the hash
 * covers at least everything docker sees: a change docker would build is always a new tag.
 */
function ignoredRootEntries(context: string): Set<string> {
  const file = path.join(context, ".dockerignore");
  if (!existsSync(file)) return new Set();
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  if (lines.some((line) => line.startsWith("!"))) return new Set();
  return new Set(lines.map((line) => line.replace(/^\/+|\/+$/g, "")).filter((line) => /^[^*?[\]/\\]+$/.test(line)));
}

function hashTree(hash: ReturnType<typeof createHash>, root: string, relative: string, ignored: Set<string>): void {
  const entries = readdirSync(path.join(root, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (relative === "" && ignored.has(entry.name)) continue;
    if (entry.isDirectory()) {
      hashTree(hash, root, child, ignored);
    } else if (entry.isFile()) {
      hash.update(`file ${child}\0`).update(readFileSync(path.join(root, child))).update("\0");
    } else if (entry.isSymbolicLink()) {
      hash.update(`link ${child}\0`);
    }
  }
}

/**
 * The immutable tag of a build: `build-` and 16 hex digits of a SHA-256 over the context's files (less the
 * root entries `.dockerignore` names exactly), the Dockerfile, the build args and the platform. Different
 * content, a different tag, so the tag of an image a revision runs is never moved to another one, and ACR's
 * retention policy (which deletes untagged manifests, pulled by digest or not) never removes it. The same
 * content keeps its tag and docker-build has nothing to rebuild.
 */
export function contentTag(context: string, dockerfile: string, buildArgs: Record<string, string> = {}): string {
  const hash = createHash("sha256");
  hash.update(`platform ${IMAGE_PLATFORM}\0`);
  hash.update(`dockerfile\0`).update(readFileSync(dockerfile)).update("\0");
  for (const key of Object.keys(buildArgs).sort()) hash.update(`arg ${key}=${buildArgs[key]}\0`);
  hashTree(hash, context, "", ignoredRootEntries(context));
  return `build-${hash.digest("hex").slice(0, 16)}`;
}

/** Validates the image args (names, exclusivity, paths on disk); throws before anything is registered. */
export function validateImageArgs(args: Omit<ImageArgs, "loginServer">): void {
  checkNameIfKnown("imageRepository", "imageRepository", args.repository);
  if (args.imageTag !== undefined && (!IMAGE_TAG.test(args.imageTag) || args.imageTag === "latest")) {
    throw new ValidationError(
      "imageTag",
      args.imageTag,
      "must be a docker tag of 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-', and not the moving tag 'latest'",
    );
  }
  checkExclusive({ image: args.image, appPath: args.appPath });
  checkExclusive({ image: args.image, dockerfile: args.dockerfile });
  checkExclusive({ image: args.image, imageTag: args.imageTag });
  if (args.image !== undefined) {
    checkDigestReference("image", args.image);
    return;
  }
  if (args.appPath !== undefined && !isDirectory(args.appPath)) {
    throw new ValidationError("appPath", args.appPath, "must be an existing directory (the docker build context)");
  }
  const context = args.appPath ?? resolveBundledAppPath();
  if (context === undefined) {
    throw new ValidationError("appPath", undefined, "the bundled app/ was not found next to this package; set `appPath` or `image`");
  }
  const dockerfile = args.dockerfile ?? path.join(context, "Dockerfile");
  if (args.dockerfile !== undefined && !isFile(dockerfile)) {
    throw new ValidationError("dockerfile", args.dockerfile, "must be an existing file");
  }
}

/**
 * Builds the image with @pulumi/docker-build for linux/amd64 and pushes it to the registry with a refresh
 * token exchanged from the deploying identity's Entra token (no admin user). With `image`, builds nothing.
 */
export function buildImage(name: string, args: ImageArgs, opts: pulumi.CustomResourceOptions): BuiltImage {
  validateImageArgs(args);
  if (args.image !== undefined) return { ref: pulumi.output(args.image) };
  const context = path.resolve(args.appPath ?? resolveBundledAppPath()!);
  const dockerfile = path.resolve(args.dockerfile ?? path.join(context, "Dockerfile"));
  const credentials = pushCredentials(args.loginServer, { parent: opts.parent, exchange: args.exchangeToken });
  const repository = pulumi.interpolate`${args.loginServer}/${checkedName("imageRepository", "imageRepository", args.repository)}`;
  // One tag per build content, never moved, so every image a revision runs stays tagged; `latest` moves.
  const tag = args.imageTag ?? contentTag(context, dockerfile, args.buildArgs);
  const build = new dockerbuild.Image(
    `${name}-image`,
    {
      context: { location: context },
      dockerfile: { location: dockerfile },
      platforms: [IMAGE_PLATFORM],
      buildArgs: args.buildArgs,
      buildOnPreview: args.buildOnPreview ?? DEFAULT_BUILD_ON_PREVIEW,
      push: true,
      tags: [pulumi.interpolate`${repository}:${tag}`, pulumi.interpolate`${repository}:latest`],
      // The token is exchanged anew on every `pulumi up`. docker-build's Image diff compares a registry's address
      // and username, never its password, so a new token alone neither rebuilds nor pushes
      // (https://github.com/pulumi/pulumi-docker-build/blob/main/provider/internal/image.go, `Diff`). No
      // ignoreChanges: it would hand a build that does run the token saved in state, and the token `az acr login`
      // gets must be renewed every 3 hours
      // (https://learn.microsoft.com/en-us/azure/container-registry/container-registry-authentication).
      registries: [{ address: credentials.address, username: credentials.username, password: credentials.password }],
    },
    opts,
  );
  return { ref: pulumi.interpolate`${repository}@${build.digest}`, build, tag };
}
