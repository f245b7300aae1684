"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SECURITY_HEADERS = void 0;
/**
 * The OWASP REST set for a JSON API: nothing this service sends is ever rendered, framed, sniffed or
 * cached. (Hono's secureHeaders middleware targets HTML pages; most of its headers mean nothing to an
 * API client.) HSTS is honoured by browsers only over HTTPS, which ACA's ingress terminates.
 *
 * httpServer.ts puts them on every response the process writes, including the ones produced before
 * routing, which a Hono middleware would never see.
 */
exports.SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
};
