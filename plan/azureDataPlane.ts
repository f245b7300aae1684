/**
 * The few Azure data-plane calls a program makes while it runs, answered offline. A program deploying an
 * image exchanges the deployer's Entra token for an ACR refresh token (`POST https://<registry>.azurecr.io/oauth2/exchange`,
 * what `az acr login` does) once the registry's login server is known, i.e. in update mode; the plan answers
 * it with a stand-in token. Any other request to an Azure host fails with a clear message instead of
 * leaving the machine.
 */
const AZURE_HOST = /(^|\.)(azurecr\.io|azure\.com|windows\.net|azure\.net|microsoft\.com|microsoftonline\.com)$/i;

export const MOCK_ACR_REFRESH_TOKEN = "mock-acr-refresh-token";

function answer(input: string | URL | Request, init?: RequestInit): Response | undefined {
  const url = new URL(typeof input === "string" || input instanceof URL ? input.toString() : input.url);
  if (!AZURE_HOST.test(url.hostname)) return undefined;
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  if (method === "POST" && url.hostname.endsWith(".azurecr.io") && url.pathname === "/oauth2/exchange") {
    return new Response(JSON.stringify({ refresh_token: MOCK_ACR_REFRESH_TOKEN }), { status: 200, headers: { "content-type": "application/json" } });
  }
  throw new TypeError(`The offline plan does not reach Azure: ${method} ${url.origin}${url.pathname} is not answered.`);
}

/** Runs `body` with `fetch` answering Azure's hosts offline; other hosts are fetched as usual. */
export async function withAzureDataPlane<T>(body: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => answer(input, init) ?? original(input, init);
  try {
    return await body();
  } finally {
    globalThis.fetch = original;
  }
}
