import { Agent } from "node:http";
import { send } from "./http";

/** What the clients saw, request by request. */
export interface LoadOutcome {
  /** Requests answered, by status. */
  readonly statuses: Record<number, number>;
  /** Connections refused before any request was written on them: the clean end of a client. */
  readonly refused: number;
  /** Requests written and then cut off (reset, hang-up, …): each is a failed request. */
  readonly failures: string[];
  /** Clients still sending when the load's time limit stopped them. */
  readonly stoppedByTimeLimit: number;
}

export interface KeepAliveLoad {
  /** Resolves once this many requests have been answered (rejects at the time limit). */
  answered(count: number): Promise<void>;
  /** Resolves when every client has stopped: refused, or at the time limit. */
  readonly finished: Promise<LoadOutcome>;
}

/**
 * `clients` keep-alive clients, each sending `GET url` back to back over node:http (one connection
 * each; a new one after a `Connection: close` answer), until their connection is refused or
 * `timeLimitMs` has passed. Loopback only, bounded in time.
 */
export function keepAliveLoad(url: string, { clients, timeLimitMs }: { clients: number; timeLimitMs: number }): KeepAliveLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const statuses: Record<number, number> = {};
  const failures: string[] = [];
  let refused = 0;
  let stoppedByTimeLimit = 0;
  let answeredCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const stopAt = Date.now() + timeLimitMs;

  async function client(): Promise<void> {
    for (;;) {
      if (Date.now() >= stopAt) {
        stoppedByTimeLimit++;
        return;
      }
      try {
        const reply = await send(url, { agent });
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        answeredCount++;
        for (const waiter of waiters.filter((candidate) => answeredCount >= candidate.count)) waiter.resolve();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        if (code === "ECONNREFUSED") {
          refused++;
          return;
        }
        failures.push(code);
      }
    }
  }

  const finished = Promise.all(Array.from({ length: clients }, client)).then(() => {
    agent.destroy();
    return { statuses, refused, failures, stoppedByTimeLimit };
  });

  return {
    finished,
    answered(count) {
      if (answeredCount >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ count, resolve });
        void finished.then(() => reject(new Error(`the load ended after ${answeredCount} answers, before ${count}`)));
      });
    },
  };
}
