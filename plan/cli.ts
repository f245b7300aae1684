#!/usr/bin/env node
/**
 * `pulumi-aca plan <program dir>`: the offline plan, as the package's command (`npx pulumi-aca plan infra`).
 */
import { USAGE, main } from "./plan";

async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "plan") return main(rest);
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  console.error(`Unknown command ${command}.\n\n${USAGE}`);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 2;
  },
);
