import type { Context } from "hono";
import { routePath } from "hono/route";

/**
 * The route template that answered (`/api/state/:key`), for `http.route` and the access log; undefined
 * when no route matched, so a 404 never reports the catch-all middleware path. Call it after `next()`.
 */
export function matchedRoute(c: Context): string | undefined {
  return routeTemplate(routePath(c));
}

/** A registered path as a route template: none for the catch-all paths middleware is registered under. */
export function routeTemplate(path: string): string | undefined {
  return path === "" || path === "*" || path === "/*" ? undefined : path;
}
