import type { Hono } from "hono";
import type { Config } from "../config";
import { refuseOtherMethods } from "../problem";

const JSON_TYPE = { "Content-Type": "application/json" };

/** What is running where: name, version, Node, ACA revision and replica, uptime, telemetry mode. */
export function registerInfo(app: Hono, { config }: { config: Config }): void {
  const fixed = {
    service: config.serviceName,
    version: config.serviceVersion,
    node: process.version,
    revision: config.revision,
    replica: config.replica,
    telemetry: {
      mode: config.telemetry.mode,
      sampler: config.telemetry.mode === "off" ? undefined : config.telemetry.sampler,
      sampler_ratio: config.telemetry.sampler.endsWith("traceidratio") ? config.telemetry.samplerRatio : undefined,
    },
  };
  // Everything but the uptime is fixed at start, and the uptime changes once a second: the body is
  // built once per second. A body built per request is a new two-piece string each time, which V8
  // copies into one before the adapter can count its bytes for Content-Length.
  const prefix = `${JSON.stringify(fixed).slice(0, -1)},"uptime_seconds":`;
  let bodyUptime = -1;
  let body = "";
  app.get("/info", function info(c) {
    const uptime = Math.round(process.uptime());
    if (uptime !== bodyUptime) {
      bodyUptime = uptime;
      body = `${prefix}${uptime}}`;
    }
    return c.body(body, 200, JSON_TYPE);
  });
  refuseOtherMethods(app, "/info", ["GET", "HEAD"]);
}
