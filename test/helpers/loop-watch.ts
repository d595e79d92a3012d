import { readFileSync } from 'node:fs'

/**
 * CPU time of this thread in ms: on Linux /proc/thread-self/stat (utime + stime, in 10 ms ticks),
 * which leaves out GC helpers and the libuv pool (WebCrypto hashes run there while the loop is
 * free); elsewhere the whole process's, an overestimate.
 */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
}

/**
 * How long the event loop was held while something ran: a timer asks every `everyMs`, and each
 * late turn is a gap. Each gap is measured twice: in wall time (performance.now(): what another
 * request waited) and in this thread's CPU time. On a loaded shared machine the OS takes the CPU
 * away from a busy process for a large part of every second, which stretches a 30 ms slice of
 * work to several hundred ms of wall time; the CPU time is what the code itself held the loop for.
 */
export function watchEventLoop(everyMs = 5) {
  let worstWall = 0
  let worstCpu = 0
  let lastWall = performance.now()
  let lastCpu = threadCpuMs()
  const take = () => {
    const now = performance.now()
    const cpu = threadCpuMs()
    worstWall = Math.max(worstWall, now - lastWall - everyMs)
    worstCpu = Math.max(worstCpu, cpu - lastCpu)
    lastWall = now
    lastCpu = cpu
  }
  const timer = setInterval(take, everyMs)
  return {
    /** stops watching; the gap still open (the work that ended it) counts too */
    stop() {
      clearInterval(timer)
      take()
      return { wallMs: Math.max(0, worstWall), cpuMs: worstCpu }
    },
  }
}

/** The q-quantile (0..1) of a list of numbers. */
export const quantile = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : 0)
