/**
 * Long pure computations (validating a 20,000-unit roll) are written as generators that `yield`
 * after each bounded step, so a server can hand its event loop to other requests between steps
 * (worker/lib/pace.ts, runPaced) while the mini-program or a test simply runs them through.
 */
export type Steps<T> = Generator<void, T, void>

/** Runs every step at once and returns the result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}
