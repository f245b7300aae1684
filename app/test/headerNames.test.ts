import { HeaderNames } from "../src/headerNames";

describe("HeaderNames", () => {
  const names = new HeaderNames(["X-Request-Id", "traceparent"]);

  it("matches a listed name in any case and gives it in lower case", () => {
    expect(names.match("x-request-id")).toBe("x-request-id");
    expect(names.match("X-REQUEST-ID")).toBe("x-request-id");
    expect(names.match("TraceParent")).toBe("traceparent");
  });

  it("matches nothing else, whether of a listed name's length or not", () => {
    expect(names.match("content-type")).toBeUndefined(); // the same length as x-request-id
    expect(names.match("tracestate")).toBeUndefined();
    expect(names.match("")).toBeUndefined();
  });
});
