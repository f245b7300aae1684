// Baseline: Hono on @hono/node-server with nothing but the routes, using the reference
// service's own installed copies (and, like the service, their CommonJS builds).
import { createRequire } from "node:module";
import { exitAfterLifetime, hello } from "./hello.mjs";

const appRequire = createRequire(new URL("../../../app/package.json", import.meta.url));
const { Hono } = appRequire("hono");
const { serve } = appRequire("@hono/node-server");

const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
app.get("/ready", (c) => c.json({ status: "ready" }));
app.get("/info", (c) => c.json(hello()));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8000), hostname: process.env.HOST ?? "127.0.0.1" });
exitAfterLifetime();
