import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ProblemError } from "./problem";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** 413 problem for bodies over `maxBytes`, whether announced by Content-Length or streamed chunked. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError(413, `The request body exceeds the limit of ${maxBytes} bytes.`);
    },
  });
}

/**
 * The request body as JSON: 415 for another declared media type, 400 problem for an empty or
 * malformed body (the parser's message is not echoed; it can quote the input).
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header("content-type");
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
    throw new ProblemError(415, "Send the body as application/json.");
  }
  const text = await c.req.text();
  if (text.trim() === "") throw new ProblemError(400, "A JSON body is required.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError(400, "The request body is not valid JSON.");
  }
}
