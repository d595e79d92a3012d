/**
 * Long work of one request (reading a 20,000-unit roll, validating it, writing it) done in slices,
 * handing the event loop back between them, so no upload holds every other request for more than
 * a few milliseconds at a time. Work is counted (bytes, rows, statements) rather than timed: in a
 * Worker the clock does not advance while code runs, so a time budget would never run out there.
 */
export class Pacer {
  private spent = 0
  /** `slice`: how many units of work between two turns of the event loop */
  constructor(private readonly slice = 64 * 1024) {}
  async spend(units = 1): Promise<void> {
    this.spent += units
    if (this.spent < this.slice) return
    this.spent = 0
    await yieldToLoop()
  }
}

/**
 * One turn of the event loop. Node: setImmediate runs after pending I/O, without setTimeout's 1 ms
 * floor. Workers have neither setImmediate nor scheduler.yield (only scheduler.wait), so there a
 * zero timeout. A resolved promise would not do: it runs as a microtask, before any other request.
 */
export const yieldToLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof globalThis.setImmediate === 'function' ? globalThis.setImmediate(resolve) : setTimeout(resolve, 0)))

/** Runs a step generator (shared/steps.ts), one turn of the event loop after every `every` steps. */
export async function runPaced<T>(steps: Generator<unknown, T>, every = 1): Promise<T> {
  const pacer = new Pacer(every)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    await pacer.spend()
  }
}
