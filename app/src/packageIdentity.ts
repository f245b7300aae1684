import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface PackageIdentity {
  readonly name: string;
  readonly version: string;
}

const FALLBACK: PackageIdentity = { name: "aca-reference-service", version: "0.0.0" };

let cached: PackageIdentity | undefined;

/**
 * Name and version from the service's package.json, found by walking up from this file, so the same
 * code works from src/ (tests), dist/ (npm start) and the container image (/app/dist).
 */
export function readPackageIdentity(): PackageIdentity {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Partial<PackageIdentity>;
      if (typeof manifest.name === "string" && typeof manifest.version === "string") {
        cached = { name: manifest.name, version: manifest.version };
        return cached;
      }
    } catch {
      // no (readable) package.json here: keep walking up
    }
    if (dirname(dir) === dir) break;
  }
  cached = FALLBACK;
  return cached;
}
