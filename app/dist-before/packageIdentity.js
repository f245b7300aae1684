"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.readPackageIdentity = readPackageIdentity;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const FALLBACK = { name: "aca-reference-service", version: "0.0.0" };
let cached;
/**
 * Name and version from the service's package.json, found by walking up from this file, so the same
 * code works from src/ (tests), dist/ (npm start) and the container image (/app/dist).
 */
function readPackageIdentity() {
    if (cached)
        return cached;
    for (let dir = __dirname;; dir = (0, node_path_1.dirname)(dir)) {
        try {
            const manifest = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(dir, "package.json"), "utf8"));
            if (typeof manifest.name === "string" && typeof manifest.version === "string") {
                cached = { name: manifest.name, version: manifest.version };
                return cached;
            }
        }
        catch {
            // no (readable) package.json here: keep walking up
        }
        if ((0, node_path_1.dirname)(dir) === dir)
            break;
    }
    cached = FALLBACK;
    return cached;
}
