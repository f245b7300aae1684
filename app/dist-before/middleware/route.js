"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.matchedRoute = matchedRoute;
const route_1 = require("hono/route");
/**
 * The route template that answered (`/api/state/:key`), for `http.route` and the access log; undefined
 * when no route matched, so a 404 never reports the catch-all middleware path. Call it after `next()`.
 */
function matchedRoute(c) {
    const path = (0, route_1.routePath)(c);
    return path === "" || path === "*" || path === "/*" ? undefined : path;
}
