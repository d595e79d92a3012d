/** One JSON line per event. Callers pass ids and codes, never names, phones or ID numbers. */
export function logLine(fields: Record<string, unknown>) {
  console.log(JSON.stringify({ t: new Date().toISOString(), ...fields }))
}
