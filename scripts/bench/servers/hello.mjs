// What the baseline servers share: the /info body and a bound on how long they may live.

/** A small JSON body comparable to the reference service's GET /info. */
export function hello() {
  return { name: "hello", version: "1.0.0", node: process.version, uptimeSeconds: process.uptime() };
}

/** Exits after BENCH_MAX_LIFETIME_MS (the benchmark's own time limit) so that a server never outlives a benchmark that was killed. */
export function exitAfterLifetime() {
  const lifetime = Number(process.env.BENCH_MAX_LIFETIME_MS ?? 600000);
  setTimeout(() => process.exit(0), lifetime).unref();
}
