import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as dockerbuild from "@pulumi/docker-build";
import { AcrTokenExchange } from "./acrToken";
import { checkName } from "./naming";
import { pushCredentials } from "./registry";
import { ValidationError, checkDigestReference, checkExclusive } from "./validation";

/** ACA runs linux/amd64 images only. */
export const IMAGE_PLATFORM = "linux/amd64";

export interface ImageArgs {
  /** The registry's login server; the image is pushed there. */
  readonly loginServer: pulumi.Input<string>;
  /** Repository inside the registry. */
  readonly repository: string;
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

/** Validates the image args (names, exclusivity, paths on disk); throws before anything is registered. */
export function validateImageArgs(args: Omit<ImageArgs, "loginServer">): void {
  checkName("imageRepository", "imageRepository", args.repository);
  checkExclusive({ image: args.image, appPath: args.appPath });
  checkExclusive({ image: args.image, dockerfile: args.dockerfile });
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
  const repository = pulumi.interpolate`${args.loginServer}/${args.repository}`;
  const build = new dockerbuild.Image(
    `${name}-image`,
    {
      context: { location: context },
      dockerfile: { location: dockerfile },
      platforms: [IMAGE_PLATFORM],
      buildArgs: args.buildArgs,
      buildOnPreview: args.buildOnPreview ?? DEFAULT_BUILD_ON_PREVIEW,
      push: true,
      tags: [pulumi.interpolate`${repository}:latest`],
      registries: [{ address: credentials.address, username: credentials.username, password: credentials.password }],
    },
    opts,
  );
  return { ref: pulumi.interpolate`${repository}@${build.digest}`, build };
}
