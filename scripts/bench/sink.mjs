// The local OTLP sink (servers/otlpSink.mjs) as a child process, for the targets that export traces.
import { describeTail, startChild } from "./processes.mjs";

/** Starts the OTLP sink and returns { httpPort, grpcPort, counts(), handle }. */
export async function startSink() {
  const handle = startChild("OTLP sink", process.execPath, [new URL("./servers/otlpSink.mjs", import.meta.url).pathname], { ipc: true });
  const reply = (type, timeoutMs) => new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`OTLP sink sent no "${type}" within ${timeoutMs} ms${describeTail(handle)}`)), timeoutMs);
    const listener = (message) => {
      if (message?.type !== type) return;
      clearTimeout(timer);
      handle.child.off("message", listener);
      resolvePromise(message);
    };
    handle.child.on("message", listener);
  });
  const { httpPort, grpcPort } = await reply("listening", 10000);
  return {
    handle,
    httpPort,
    grpcPort,
    async counts() {
      const answer = reply("counts", 10000);
      handle.child.send({ type: "counts" });
      return (await answer).counts;
    },
  };
}
