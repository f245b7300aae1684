/**
 * Entry point (`node dist/bootstrap.js`). The compile cache is switched on before the rest of the
 * module graph loads, so every later require is served from V8's cache (NODE_COMPILE_CACHE picks the
 * directory; the container image warms it at build time). Nothing else belongs in this file.
 */
import module from "node:module";

module.enableCompileCache?.();

import("./server")
  .then(({ main }) => main())
  .catch((error: unknown) => {
    process.stderr.write(`The service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
