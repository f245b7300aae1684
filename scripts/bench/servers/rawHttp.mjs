// Baseline: the smallest useful node:http server, answering the same JSON routes as the others.
import { createServer } from "node:http";
import { exitAfterLifetime, hello } from "./hello.mjs";

const routes = {
  "/health": () => ({ status: "ok" }),
  "/ready": () => ({ status: "ready" }),
  "/info": hello,
};

const server = createServer((req, res) => {
  const route = req.method === "GET" ? routes[req.url] : undefined;
  const body = JSON.stringify(route ? route() : { error: "not found" });
  res.writeHead(route ? 200 : 404, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 8000), process.env.HOST ?? "127.0.0.1");
exitAfterLifetime();
