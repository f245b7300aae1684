/** Readers for the text of /proc/<pid>/status and /proc/<pid>/stat (Linux). */

/** Resident set size in bytes from /proc/<pid>/status, whose VmRSS line is in KiB. */
export function parseVmRssBytes(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB\s*$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Parent pid from /proc/<pid>/stat. The second field is the command name in parentheses and
 * may itself hold spaces or parentheses, so fields are counted from the last ")".
 */
export function parseParentPid(statText: string): number | undefined {
  const end = statText.lastIndexOf(")");
  if (end < 0) return undefined;
  const fields = statText.slice(end + 1).trim().split(/\s+/);
  const parent = Number(fields[1]);
  return Number.isInteger(parent) && parent > 0 ? parent : undefined;
}

/**
 * CPU time the process has used, user plus system, in clock ticks, from /proc/<pid>/stat
 * (fields 14 and 15, utime and stime; counted from the last ")" as in {@link parseParentPid}).
 */
export function parseCpuTicks(statText: string): number | undefined {
  const end = statText.lastIndexOf(")");
  if (end < 0) return undefined;
  const fields = statText.slice(end + 1).trim().split(/\s+/);
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isInteger(user) && Number.isInteger(system) ? user + system : undefined;
}
