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
