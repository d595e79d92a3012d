/** For tests of the Node entry run as its own process (test/lib/shutdown.test.ts, cluster.test.ts). */
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'

/**
 * A local port nothing listens on now, for a server started next. Chosen at random below the
 * kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), and checked free by binding
 * it. Inside that range (a random 30000–50000, or the kernel's own pick for port 0) the port is
 * free only until the server binds it: meanwhile one of this suite's own database connections may
 * take it as its local port, and the server failed with EADDRINUSE (CI, session 8's stop; the
 * cluster test, rarely). The kernel never gives a port below the range to a connection, so only a
 * server of this suite could take it, and each picks at random among thousands. (Where the range
 * starts at 21000 or below, unusual, the pick is 20000–32767 as on Linux's default, and may fall
 * inside it: the old race, no worse.)
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow()
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * (low - 20_000))
    if (await bindable(port)) return port
  }
  throw new Error(`no free port in 20000–${low - 1} after 50 tries`)
}

/** The lowest port the kernel gives outgoing connections (Linux's default 32768 where unreadable). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    return Number.isInteger(low) && low > 21_000 ? low : 32_768
  } catch {
    return 32_768
  }
}

/** Whether 127.0.0.1:port can be listened on now (and is let go again). */
async function bindable(port: number): Promise<boolean> {
  const s = createServer()
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => resolve(true))
  })
  if (ok) await new Promise((r) => s.close(r))
  return ok
}

/** The process's exit code, once it has exited. */
export const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))))

/**
 * Signals the server (`signal`) while a request is in flight, one whose headers promise a body that
 * never comes (its handler waits for ever), and waits for the server to exit: its exit code, and
 * how long it took from the signal.
 */
export async function stopWithRequestInFlight(child: ChildProcess, port: number, signal: () => void) {
  const socket = connect(port, '127.0.0.1')
  await new Promise((r) => socket.once('connect', r))
  socket.write('POST /api/auth/otp/send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"phone":')
  // the server has read the headers and is waiting for the body
  await new Promise((r) => setTimeout(r, 300))
  const started = performance.now()
  signal()
  const code = await exited(child)
  const took = performance.now() - started
  socket.destroy()
  return { code, took }
}
