import type { PlatformChart, PlatformRegistry } from "@flotilla/fleet/platform";
import { PLATFORMS } from "@flotilla/platforms";

/** The chart a registered platform installs, by its key (`platforms.<key>`; the fleet schema only accepts registered keys). */
export function platformChart(key: string, platforms: PlatformRegistry = PLATFORMS): PlatformChart {
  const platform = platforms.find((candidate) => candidate.key === key);
  if (platform === undefined) throw new Error(`platforms.${key} is not a registered platform`);
  return platform.chart;
}
