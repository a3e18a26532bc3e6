/** CPU time of this process so far (user + system), in seconds: ship and worker report it for the cost model. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
