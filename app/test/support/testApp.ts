import type { Hono } from "hono";
import { createApp, type AppDependencies } from "../../src/app";
import { type Config, loadConfig } from "../../src/config";
import { Lifecycle } from "../../src/lifecycle";
import { createLogger, type LoggerOptions } from "../../src/logger";

export type CapturedLine = Record<string, unknown> & { level: string; message: string };

/** A logger writing parsed JSON lines into an array, with the production options. */
export function capturingLogger(config: Config, mixins: Pick<LoggerOptions, "mixin" | "mixinJson"> = {}) {
  const lines: CapturedLine[] = [];
  const logger = createLogger(config, {
    ...mixins,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as CapturedLine) },
  });
  return { logger, lines };
}

/** Configuration as the service would read it from these variables (and nothing else). */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: "0", ...env });
}

export interface TestApp {
  readonly app: Hono;
  readonly config: Config;
  readonly lifecycle: Lifecycle;
  readonly lines: CapturedLine[];
}

/** The real app, ready (unless told otherwise), with its log lines captured. */
export function testApp(
  env: Record<string, string> = {},
  dependencies: Partial<Omit<AppDependencies, "config" | "logger" | "lifecycle">> & { ready?: boolean } = {},
): TestApp {
  const config = testConfig(env);
  const { logger, lines } = capturingLogger(config);
  const lifecycle = new Lifecycle();
  if (dependencies.ready !== false) lifecycle.markReady();
  const app = createApp({ config, logger, lifecycle, ...dependencies });
  return { app, config, lifecycle, lines };
}

/** The JSON body of a response. */
export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
