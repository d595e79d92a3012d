/** Where log lines go: console.log (Workers Logs in a Worker); the Node entry writes stdout directly. */
let write: (line: string) => void = (line) => console.log(line)

/** The Node entry's sink: the access log is one line per request, and console.log formats and colour-checks each. */
export function logTo(sink: (line: string) => void) {
  write = sink
}

/** One JSON line per event. Callers pass ids and codes, never names, phones or ID numbers. */
export function logLine(fields: Record<string, unknown>) {
  write(JSON.stringify({ t: new Date().toISOString(), ...fields }))
}

/**
 * What an error may say in a log line. drizzle's own message ("Failed query: … params: …") quotes
 * the query's parameters, phones, names and message texts among them: the driver's cause is logged
 * instead, or nothing but that a query failed. Cut to 200 characters.
 */
export function loggableMessage(e: unknown): string {
  const err = e as { message?: unknown; cause?: { message?: unknown } } | null
  const message = String(err?.message ?? e)
  const cause = err?.cause?.message
  return String(cause ?? (/^Failed query/.test(message) ? 'query failed' : message)).slice(0, 200)
}
