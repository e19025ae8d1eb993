import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** Who holds a lock: enough to tell, on the same machine, whether that process still runs. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** The kernel's boot id (Linux): a lock from before a reboot belongs to no running process. */
  bootId?: string;
  /** The process's start time in clock ticks since boot (Linux): a reused pid has another one. */
  startTicks?: number;
  /** What the process is doing, shown to whoever waits for it (`synth`, `secret set`). */
  operation: string;
  /** When the lock was taken (ISO 8601). */
  lockedAt: string;
}

export function currentProcess(operation: string): ProcessIdentity {
  const bootId = readBootId();
  const startTicks = processStartTicks(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(bootId === undefined ? {} : { bootId }),
    ...(startTicks === undefined ? {} : { startTicks }),
    operation,
    lockedAt: new Date().toISOString(),
  };
}

/**
 * Whether the process that took a lock may still be running. A holder on another host cannot be
 * checked and counts as running; on this host it is gone when the machine rebooted since, when no
 * process has its pid (or only a zombie), or when the process with that pid started at another time.
 */
export function mayBeRunning(holder: ProcessIdentity): boolean {
  if (holder.host !== hostname()) return true;
  const bootId = readBootId();
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const stat = readStat(holder.pid);
  if (stat === undefined) return true;
  if (stat.state === "Z" || stat.state === "X") return false;
  return holder.startTicks === undefined || holder.startTicks === stat.startTicks;
}

export function parseProcessIdentity(value: unknown): ProcessIdentity | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { pid, host, bootId, startTicks, operation, lockedAt } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== "string") return undefined;
  if (typeof operation !== "string" || typeof lockedAt !== "string") return undefined;
  if (bootId !== undefined && typeof bootId !== "string") return undefined;
  if (startTicks !== undefined && !Number.isSafeInteger(startTicks)) return undefined;
  return {
    pid: pid as number,
    host,
    ...(bootId === undefined ? {} : { bootId }),
    ...(startTicks === undefined ? {} : { startTicks: startTicks as number }),
    operation,
    lockedAt,
  };
}

function processStartTicks(pid: number): number | undefined {
  return readStat(pid)?.startTicks;
}

/** Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat; the command name (field 2) may hold spaces. */
function readStat(pid: number): { state: string; startTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const startTicks = Number(fields[19]);
    return Number.isSafeInteger(startTicks) ? { state: fields[0] ?? "", startTicks } : undefined;
  } catch {
    return undefined;
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
