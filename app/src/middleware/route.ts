import type { Context } from "hono";
import { routePath } from "hono/route";

/**
 * The route template that answered (`/api/state/:key`), for `http.route` and the access log; undefined
 * when no route matched, so a 404 never reports the catch-all middleware path. Call it after `next()`.
 */
export function matchedRoute(c: Context): string | undefined {
  const path = routePath(c);
  return path === "" || path === "*" || path === "/*" ? undefined : path;
}
