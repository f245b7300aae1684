/**
 * Reads V8's `--trace-gc-nvp` lines (one `name=value` list per collection, written to stdout among
 * whatever else the process writes) into what the young generation did under load: how many minor
 * collections (scavenges, `gc=s`) and full ones (`gc=mc`) ran, how many bytes each minor collection
 * found still alive on average (`new_space_survived`), the bytes they promoted to the old generation in
 * all (`promoted`), and the young generation's capacities in the
 * order they were seen (`new_space_capacity`): V8 doubles it once the bytes that survived minor
 * collections since it last grew exceed its capacity, so the survivors set how fast it grows.
 */
export interface YoungGenerationSummary {
  readonly scavenges: number;
  readonly markCompacts: number;
  /** Mean of `new_space_survived` over the scavenges, in bytes; undefined when there was none. */
  readonly meanSurvivedBytes: number | undefined;
  /** Sum of `promoted` over the scavenges, in bytes. */
  readonly promotedBytes: number;
  /** Every distinct `new_space_capacity`, in bytes, in the order first seen. */
  readonly capacities: readonly number[];
}

const GC_KIND = /\sgc=(\w+)\s/;
const SURVIVED = /\snew_space_survived=(\d+)/;
const CAPACITY = /\snew_space_capacity=(\d+)/;
const PROMOTED = /\spromoted=(\d+)/;

/** `lines`: the process's output, a line at a time; lines that are not the trace's are skipped. */
export function summarizeGcTrace(lines: Iterable<string>): YoungGenerationSummary {
  let scavenges = 0;
  let markCompacts = 0;
  let survived = 0;
  let promoted = 0;
  const capacities: number[] = [];
  for (const line of lines) {
    const kind = GC_KIND.exec(line)?.[1];
    if (kind === undefined) continue;
    if (kind === "mc") markCompacts++;
    if (kind !== "s") continue;
    scavenges++;
    survived += Number(SURVIVED.exec(line)?.[1] ?? 0);
    promoted += Number(PROMOTED.exec(line)?.[1] ?? 0);
    const capacity = CAPACITY.exec(line)?.[1];
    if (capacity !== undefined && !capacities.includes(Number(capacity))) capacities.push(Number(capacity));
  }
  return { scavenges, markCompacts, meanSurvivedBytes: scavenges > 0 ? survived / scavenges : undefined, promotedBytes: promoted, capacities };
}
