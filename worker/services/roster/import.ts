import { and, eq, gt, inArray, max } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { CommunitySettings } from '../../../shared/community'
import { formatArea } from '../../../shared/decimal'
import { idLast4 } from '../../../shared/id-number'
import { ROSTER_COLUMNS, validateRosterSteps, type RawRosterRecord, type RosterUnit } from '../../../shared/roster'
import type { RosterDiff } from '../../../shared/roster-diff'
import { deriveVoters } from '../../../shared/voters'
import { bindings, communities, rosterOwners, rosterUnits, rosterVersions, rosterVoters } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { BULK_ROWS, refreshStatistics } from '../../db/statistics'
import { withTransaction } from '../../db/tx'
import { hmacHex, sha256Hex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { Pacer, runPaced, yieldToLoop } from '../../lib/pace'
import { recordAudit } from '../audit'
import { endOrphanedProxies } from '../ballots/proxies'
import type { ServiceCtx } from '../context'
import { idHashOf } from './id-hash'
import { rosterTotal } from './read'

export type RosterSource = 'csv' | 'xlsx' | 'json'
/** a row as the file gives it; `dates` names the address cells an XLSX holds as dates */
export type RosterRecord = RawRosterRecord

/** At most this many row errors are returned; the total is always reported. */
const MAX_REPORTED_ERRORS = 500
/**
 * Rows per INSERT. PGlite runs each statement synchronously on the event loop and answers without
 * a turn of it, so a whole import would hold every other request: 1,000 rows took ~380 ms there,
 * 200 rows ~40 ms (and less in total). On PostgreSQL it only adds round trips.
 */
const BATCH = 200


/** One INSERT per batch, with a turn of the event loop after each (see BATCH). */
async function insertBatched<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) {
    await insert(rows.slice(i, i + BATCH))
    await yieldToLoop()
  }
}

/**
 * Missing required columns are reported before any row is read, on the row read as the header
 * (`headerLine`: a title row above it is passed over when the header names the template's columns).
 */
export function checkHeader(header: string[], headerLine = 1) {
  const present = new Set(header.map((h) => h.trim()))
  const where = headerLine === 1 ? '第1行' : `第${headerLine}行（作为表头读取的行）`
  return ROSTER_COLUMNS.filter((col) => col.required && !present.has(col.header)).map((col) => ({
    line: headerLine,
    column: col.header,
    code: 'missing_column',
    message: `${where} 缺少必填列“${col.header}”`,
  }))
}

function rejectInvalid(errors: { line: number; column?: string; code: string; message: string }[]): never {
  throw new AppError('ROSTER_INVALID', { errorCount: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) })
}

interface PreparedOwner {
  name: string
  idHash: string | null
  idLast4: string | null
  phone: string | null
  representative: boolean
  ownerKey: string
}

/** Replaces ID numbers by keyed hashes before anything is kept or compared. */
async function prepareOwners(ctx: ServiceCtx, units: RosterUnit[]) {
  const cache = new Map<string, string>()
  const out = new Map<string, PreparedOwner[]>()
  for (const u of units) {
    const owners: PreparedOwner[] = []
    for (const o of u.owners) {
      let idHash: string | null = null
      if (o.idNumber) {
        idHash = cache.get(o.idNumber) ?? (await idHashOf(ctx, o.idNumber))
        cache.set(o.idNumber, idHash)
      }
      // An owner without an ID (only allowed on developer-held rows) is known by name.
      const ownerKey = idHash ?? (await hmacHex(ctx.config.ID_HASH_SECRET, `name:${o.name}`))
      owners.push({ name: o.name, idHash, idLast4: o.idNumber ? idLast4(o.idNumber) : null, phone: o.phone, representative: o.representative, ownerKey })
    }
    out.set(u.unitKey, owners)
  }
  return out
}

/** Rows per SELECT of the previous version: 20,000 at once held PGlite's thread ~1 s (see BATCH). */
const PAGE = 2000
/** All rows of a keyset-paged query, a turn of the event loop after each page. */
async function readPaged<T extends { id: string }>(page: (after: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = []
  for (let after = ''; ; ) {
    const rows = await page(after)
    out.push(...rows)
    await yieldToLoop()
    if (rows.length < PAGE) return out
    after = rows[rows.length - 1]!.id
  }
}

async function previousState(tx: Db, versionId: string | null) {
  if (!versionId) return null
  const [v] = await tx.select().from(rosterVersions).where(eq(rosterVersions.id, versionId))
  const units = await readPaged((after) => tx.select({ id: rosterUnits.id, unitKey: rosterUnits.unitKey, areaE4: rosterUnits.areaE4, areaScale: rosterUnits.areaScale }).from(rosterUnits).where(and(eq(rosterUnits.rosterVersionId, versionId), gt(rosterUnits.id, after))).orderBy(rosterUnits.id).limit(PAGE))
  const owners = await readPaged((after) => tx.select({ id: rosterOwners.id, unitId: rosterOwners.unitId, ownerKey: rosterOwners.ownerKey }).from(rosterOwners).where(and(eq(rosterOwners.rosterVersionId, versionId), gt(rosterOwners.id, after))).orderBy(rosterOwners.id).limit(PAGE))
  const keyOfUnit = new Map(units.map((u) => [u.id, u.unitKey]))
  const ownersByUnit = new Map<string, string[]>()
  for (const o of owners) {
    const k = keyOfUnit.get(o.unitId)!
    ownersByUnit.set(k, [...(ownersByUnit.get(k) ?? []), o.ownerKey])
  }
  return { version: v!.version, areaByUnit: new Map(units.map((u) => [u.unitKey, u])), ownersByUnit }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',')

/**
 * Imports a roster as a new version, in one transaction: validation first (any bad row → 422
 * listing every bad row, nothing written), then units, owners and derived voters, the difference
 * from the previous version, and the end of bindings to owners the new roster no longer lists.
 */
export async function importRoster(ctx: ServiceCtx, communityId: string, source: RosterSource, header: string[], records: RosterRecord[], headerLine = 1) {
  const headerErrors = checkHeader(header, headerLine)
  if (headerErrors.length) rejectInvalid(headerErrors)
  if (records.length === 0) throw new AppError('ROSTER_EMPTY')
  const checked = await runPaced(validateRosterSteps(records, { today: ctx.clock.now() }))
  if (!checked.ok) rejectInvalid(checked.errors)
  const units = checked.units
  const owners = await prepareOwners(ctx, units)

  return withTransaction(ctx.db, async (tx) => {
    // Lock the community: two imports at once would race for the same version number.
    const [community] = await tx.select().from(communities).where(eq(communities.id, communityId)).for('update')
    if (!community) throw new AppError('NOT_FOUND')
    const settings = CommunitySettings.parse(community.settings)
    const derived = deriveVoters(
      units.map((u) => ({
        unitKey: u.unitKey,
        unitType: u.unitType,
        areaE4: u.areaE4,
        areaScale: u.areaScale,
        developerHeld: u.developerHeld,
        owners: owners.get(u.unitKey)!.map((o) => ({ ownerKey: o.ownerKey, representative: o.representative })),
      })),
      { parkingCountsArea: settings.parkingCountsArea },
    )
    const [{ latest } = { latest: null }] = await tx.select({ latest: max(rosterVersions.version) }).from(rosterVersions).where(eq(rosterVersions.communityId, communityId))
    const version = (latest ?? 0) + 1
    const prev = await previousState(tx, community.currentRosterVersionId)
    const versionId = nanoid()

    const voterIds = new Map<string, string>()
    const voterRows = []
    for (const v of derived.voters) {
      const id = nanoid()
      voterIds.set(v.voterKey, id)
      voterRows.push({
        id,
        rosterVersionId: versionId,
        communityId,
        // a digest, so the key is short and stable across versions for the same owners
        voterKey: await sha256Hex(v.voterKey),
        kind: v.kind,
        areaE4: v.areaE4,
        areaScale: v.areaScale,
        unitCount: v.unitKeys.length,
        representativeOwnerKey: v.representativeKey,
      })
    }
    const totalAreaE4 = derived.voters.reduce((s, v) => s + v.areaE4, 0)
    // the roster's most precise area: its total prints with as many decimals (at least two)
    const areaScale = units.reduce((m, u) => Math.max(m, u.areaScale), 0)

    const diff: RosterDiff = { previousVersion: prev?.version ?? null, unitsAdded: [], unitsRemoved: [], areaChanged: [], ownersChanged: [] }
    if (prev) {
      const now = new Set(units.map((u) => u.unitKey))
      const pacer = new Pacer(1000)
      for (const u of units) {
        await pacer.spend()
        const before = prev.areaByUnit.get(u.unitKey)
        if (before === undefined) diff.unitsAdded.push(u.unitKey)
        else {
          if (before.areaE4 !== u.areaE4) {
            diff.areaChanged.push({ unitKey: u.unitKey, from: formatArea(before.areaE4, before.areaScale), to: formatArea(u.areaE4, u.areaScale), fromE4: before.areaE4, toE4: u.areaE4 })
          }
          if (!sameSet(prev.ownersByUnit.get(u.unitKey) ?? [], owners.get(u.unitKey)!.map((o) => o.ownerKey))) diff.ownersChanged.push(u.unitKey)
        }
      }
      for (const k of prev.areaByUnit.keys()) if (!now.has(k)) diff.unitsRemoved.push(k)
    }

    await tx.insert(rosterVersions).values({
      id: versionId,
      communityId,
      version,
      source,
      unitCount: units.length,
      voterCount: derived.voters.length,
      totalAreaE4,
      areaScale,
      diff: prev ? diff : null,
      importedBy: ctx.actor?.userId ?? null,
      importedAt: ctx.clock.now(),
    })
    await insertBatched(voterRows, (chunk) => tx.insert(rosterVoters).values(chunk))
    const unitRows = []
    const ownerRows = []
    const pacer = new Pacer(1000)
    for (const u of units) {
      await pacer.spend()
      const unitId = nanoid()
      const voterKey = derived.unitVoter.get(u.unitKey)
      unitRows.push({
        id: unitId,
        rosterVersionId: versionId,
        communityId,
        unitKey: u.unitKey,
        building: u.building,
        unitLabel: u.unit,
        room: u.room,
        unitType: u.unitType,
        areaE4: u.areaE4,
        areaScale: u.areaScale,
        areaSource: u.areaSource,
        developerHeld: u.developerHeld,
        voterId: voterKey === undefined ? null : voterIds.get(voterKey)!,
      })
      for (const o of owners.get(u.unitKey)!) ownerRows.push({ id: nanoid(), rosterVersionId: versionId, communityId, unitId, ...o })
    }
    await insertBatched(unitRows, (chunk) => tx.insert(rosterUnits).values(chunk))
    await insertBatched(ownerRows, (chunk) => tx.insert(rosterOwners).values(chunk))
    if (unitRows.length >= BULK_ROWS) await refreshStatistics(tx, ['roster_units', 'roster_owners', 'roster_voters'])
    await tx.update(communities).set({ currentRosterVersionId: versionId }).where(eq(communities.id, communityId))

    // A binding lives as long as the roster lists that owner on that unit.
    const active = await tx
      .select()
      .from(bindings)
      .where(and(eq(bindings.communityId, communityId), inArray(bindings.status, ['verified', 'pending'])))
    const listed = new Set<string>()
    for (const u of units) for (const o of owners.get(u.unitKey)!) listed.add(`${u.unitKey}\u0000${o.ownerKey}`)
    const unitKeys = new Set(units.map((u) => u.unitKey))
    const ended = active.filter((b) =>
      b.status === 'verified' ? !listed.has(`${b.unitKey}\u0000${b.ownerKey}`) : !unitKeys.has(b.unitKey),
    )
    if (ended.length) {
      await tx
        .update(bindings)
        .set({ status: 'ended', endedAt: ctx.clock.now(), reason: '名册更新后该房屋已不再登记此业主' })
        .where(inArray(bindings.id, ended.map((b) => b.id)))
      // and so do the proxies those owners named in running polls
      await endOrphanedProxies(tx, ctx, communityId)
    }
    await recordAudit(tx, ctx, {
      communityId,
      action: 'roster.imported',
      subjectType: 'roster_version',
      subjectId: versionId,
      details: {
        version,
        source,
        units: units.length,
        voters: derived.voters.length,
        added: diff.unitsAdded.length,
        removed: diff.unitsRemoved.length,
        areaChanged: diff.areaChanged.length,
        ownersChanged: diff.ownersChanged.length,
        bindingsEnded: ended.length,
      },
    })
    return {
      id: versionId,
      version,
      source,
      unitCount: units.length,
      voterCount: derived.voters.length,
      ...rosterTotal(totalAreaE4, areaScale),
      importedAt: ctx.clock.now().toISOString(),
      diff: prev ? diff : null,
      bindingsEnded: ended.length,
    }
  })
}
