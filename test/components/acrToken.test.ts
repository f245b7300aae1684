import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { ACR_REFRESH_TOKEN_USERNAME, exchangeAcrRefreshToken } from "../../components/acrToken";

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A registry's token endpoint on 127.0.0.1, answering with `handler`; records each request. */
async function fakeRegistry(handler: Handler): Promise<{ baseUrl: string; requests: Array<{ method?: string; url?: string; contentType?: string; body: string }>; close(): Promise<void> }> {
  const requests: Array<{ method?: string; url?: string; contentType?: string; body: string }> = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      requests.push({ method: request.method, url: request.url, contentType: request.headers["content-type"], body });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const request = { loginServer: "crweb123456.azurecr.io", tenantId: "tenant-1", accessToken: "entra token+/=" };

describe("the ACR token exchange", () => {
  it("posts the form ACR expects and returns the refresh token", async () => {
    const registry = await fakeRegistry((_req, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ refresh_token: "acr-refresh-token" }));
    });
    try {
      const token = await exchangeAcrRefreshToken(request, { baseUrl: registry.baseUrl });
      expect(token).toBe("acr-refresh-token");
      expect(registry.requests).toHaveLength(1);
      const sent = registry.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.url).toBe("/oauth2/exchange");
      expect(sent.contentType).toBe("application/x-www-form-urlencoded");
      expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
        grant_type: "access_token",
        service: "crweb123456.azurecr.io",
        tenant: "tenant-1",
        access_token: "entra token+/=",
      });
    } finally {
      await registry.close();
    }
  });

  it("reports a refusal with its HTTP status and what the deployer needs", async () => {
    const registry = await fakeRegistry((_req, _body, response) => {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED" }] }));
    });
    try {
      const failure = exchangeAcrRefreshToken(request, { baseUrl: registry.baseUrl });
      await expect(failure).rejects.toThrow(/refused with HTTP 401: .*UNAUTHORIZED.*push rights on the registry/);
    } finally {
      await registry.close();
    }
  });

  it("names the registry firewall as a cause of a 403, and only of a 403", async () => {
    const registry = await fakeRegistry((_req, _body, response) => {
      response.writeHead(403, { "content-type": "application/json" });
      response.end(JSON.stringify({ errors: [{ code: "DENIED", message: "client with IP '203.0.113.9' is not allowed access." }] }));
    });
    try {
      const failure = exchangeAcrRefreshToken(request, { baseUrl: registry.baseUrl });
      await expect(failure).rejects.toThrow(/refused with HTTP 403: .*not allowed access.*registry's firewall.*deployerIpAddress/);
    } finally {
      await registry.close();
    }
    const unauthorized = await fakeRegistry((_req, _body, response) => {
      response.writeHead(401, { "content-type": "application/json" });
      response.end("{}");
    });
    try {
      await expect(exchangeAcrRefreshToken(request, { baseUrl: unauthorized.baseUrl })).rejects.not.toThrow(/firewall/);
    } finally {
      await unauthorized.close();
    }
  });

  it("rejects an answer that is not JSON", async () => {
    const registry = await fakeRegistry((_req, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{not json");
    });
    try {
      await expect(exchangeAcrRefreshToken(request, { baseUrl: registry.baseUrl })).rejects.toThrow("with a body that is not JSON");
    } finally {
      await registry.close();
    }
  });

  it("rejects JSON without a refresh_token", async () => {
    const registry = await fakeRegistry((_req, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: "not what we asked for" }));
    });
    try {
      await expect(exchangeAcrRefreshToken(request, { baseUrl: registry.baseUrl })).rejects.toThrow("without a refresh_token");
    } finally {
      await registry.close();
    }
  });

  it("gives up when the registry does not answer in time", async () => {
    const registry = await fakeRegistry(() => {
      // Never answers; the client must time out.
    });
    try {
      const started = Date.now();
      await expect(exchangeAcrRefreshToken(request, { baseUrl: registry.baseUrl, timeoutMs: 200 })).rejects.toThrow("no answer within 200 ms");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await registry.close();
    }
  });

  it("uses the all-zero GUID as the docker username, as az acr login does", () => {
    expect(ACR_REFRESH_TOKEN_USERNAME).toBe("00000000-0000-0000-0000-000000000000");
  });
});
