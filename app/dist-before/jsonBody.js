"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.limitBody = limitBody;
exports.readJsonBody = readJsonBody;
const body_limit_1 = require("hono/body-limit");
const problem_1 = require("./problem");
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
/** 413 problem for bodies over `maxBytes`, whether announced by Content-Length or streamed chunked. */
function limitBody(maxBytes) {
    return (0, body_limit_1.bodyLimit)({
        maxSize: maxBytes,
        onError: () => {
            throw new problem_1.ProblemError(413, `The request body exceeds the limit of ${maxBytes} bytes.`);
        },
    });
}
/**
 * The request body as JSON: 415 for another declared media type, 400 problem for an empty or
 * malformed body (the parser's message is not echoed; it can quote the input).
 */
async function readJsonBody(c) {
    const contentType = c.req.header("content-type");
    if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
        throw new problem_1.ProblemError(415, "Send the body as application/json.");
    }
    const text = await c.req.text();
    if (text.trim() === "")
        throw new problem_1.ProblemError(400, "A JSON body is required.");
    try {
        return JSON.parse(text);
    }
    catch {
        throw new problem_1.ProblemError(400, "The request body is not valid JSON.");
    }
}
