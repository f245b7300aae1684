"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerInfo = registerInfo;
const problem_1 = require("../problem");
const JSON_TYPE = { "Content-Type": "application/json" };
/** What is running where: name, version, Node, ACA revision and replica, uptime, telemetry mode. */
function registerInfo(app, { config }) {
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
    // Everything but the uptime is fixed at start, so the body is one concatenation per request.
    const prefix = `${JSON.stringify(fixed).slice(0, -1)},"uptime_seconds":`;
    app.get("/info", function info(c) {
        return c.body(`${prefix}${Math.round(process.uptime())}}`, 200, JSON_TYPE);
    });
    (0, problem_1.refuseOtherMethods)(app, "/info", ["GET", "HEAD"]);
}
