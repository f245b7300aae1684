/** What the registry's token endpoint needs to turn an Entra access token into an ACR refresh token. */
export interface AcrTokenExchangeRequest {
  /** The registry's login server, e.g. `crweb1a2b3c.azurecr.io`. */
  readonly loginServer: string;
  /** The Entra tenant of the deploying identity. */
  readonly tenantId: string;
  /** An Entra access token of the deploying identity (Azure Resource Manager audience). */
  readonly accessToken: string;
}

/** Turns an Entra access token into an ACR refresh token. */
export type AcrTokenExchange = (request: AcrTokenExchangeRequest) => Promise<string>;

export interface AcrTokenExchangeOptions {
  /** Where the registry answers; default `https://<loginServer>`. */
  readonly baseUrl?: string;
  /** Give up after this many milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
}

/** The docker username that goes with an ACR refresh token (what `az acr login` uses). */
export const ACR_REFRESH_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

/**
 * Exchanges the deploying identity's Entra access token for an ACR refresh token, as `az acr login` does:
 * `POST https://<loginServer>/oauth2/exchange` with a form-encoded
 * `grant_type=access_token&service=<loginServer>&tenant=<tid>&access_token=<token>`. The refresh token
 * then serves as the docker password for {@link ACR_REFRESH_TOKEN_USERNAME}; no admin user is needed.
 */
export async function exchangeAcrRefreshToken(
  request: AcrTokenExchangeRequest,
  options: AcrTokenExchangeOptions = {},
): Promise<string> {
  const baseUrl = (options.baseUrl ?? `https://${request.loginServer}`).replace(/\/+$/, "");
  const url = `${baseUrl}/oauth2/exchange`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const body = new URLSearchParams({
    grant_type: "access_token",
    service: request.loginServer,
    tenant: request.tenantId,
    access_token: request.accessToken,
  });
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as { name?: unknown } | null)?.name === "TimeoutError";
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : String(error);
    throw new Error(`ACR token exchange at ${url} failed: ${reason}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    // A registry firewall answers 403 to an address it does not admit, before looking at the identity.
    const network =
      response.status === 403
        ? " A 403 also comes from the registry's firewall: with public network access off, or an address allow-list " +
          "that leaves this machine out, deploy from inside the network or give this machine's public address " +
          "(deployerIpAddress of PrivateContainerApp)."
        : "";
    throw new Error(
      `ACR token exchange at ${url} was refused with HTTP ${response.status}: ${text.slice(0, 300)}. ` +
        "The deploying identity needs push rights on the registry (AcrPush, Contributor or Owner), and the registry must be reachable from here." +
        network,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`ACR token exchange at ${url} answered HTTP ${response.status} with a body that is not JSON.`);
  }
  const token = (parsed as { refresh_token?: unknown } | null)?.refresh_token;
  if (typeof token !== "string" || token === "") {
    throw new Error(`ACR token exchange at ${url} answered without a refresh_token.`);
  }
  return token;
}
