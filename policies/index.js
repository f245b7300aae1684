"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point, loaded by require */
// The entry point `pulumi preview --policy-pack <this folder>` loads (package.json `main`).
//
// The Pulumi CLI starts a Node pack through `@pulumi/pulumi/cmd/run-policy-pack`, whose TypeScript loader
// does not compile files under node_modules. So the published package runs the pack compiled to
// JavaScript (dist/policies, built by `npm run build` before packing), while a checkout of the
// repository, which has the TypeScript sources beside this file, runs those.
const fs = require("node:fs");
const path = require("node:path");

const source = path.join(__dirname, "index.ts");
require(fs.existsSync(source) ? source : path.join(__dirname, "..", "dist", "policies", "index.js"));
