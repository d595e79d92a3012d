import * as z from 'zod'

export const RosterRowError = z.object({
  line: z.number().int().describe('文件中的行号（表头为第1行）'),
  column: z.string().optional(),
  code: z.string(),
  message: z.string(),
})

export const RosterDiffSchema = z.object({
  previousVersion: z.number().int().nullable(),
  unitsAdded: z.array(z.string()),
  unitsRemoved: z.array(z.string()),
  areaChanged: z.array(z.object({ unitKey: z.string(), from: z.string().describe('原面积，按登记记载'), to: z.string().describe('新面积，按登记记载'), fromE4: z.number().int(), toE4: z.number().int() })),
  ownersChanged: z.array(z.string()),
})

export const RosterVersionReply = z.object({
  id: z.string(),
  version: z.number().int(),
  source: z.enum(['csv', 'xlsx', 'json']),
  unitCount: z.number().int(),
  voterCount: z.number().int(),
  totalArea: z.string().describe('专有部分总面积（平方米），精确值，小数位数同最精确的登记面积（至少两位）'),
  totalAreaE4: z.number().int().describe('专有部分总面积，单位 0.0001 平方米'),
  totalAreaCenti: z.number().int().optional().describe('同一面积，单位 0.01 平方米（旧字段）：仅当恰为整百分之一平方米时给出'),
  importedAt: z.string(),
  diff: RosterDiffSchema.nullable(),
  bindingsEnded: z.number().int().optional().describe('因名册变更而终止的房屋绑定数'),
})
export const RosterVersionListReply = z.object({ versions: z.array(RosterVersionReply) })

/** JSON upload: rows keyed by the template's Chinese headers or by their English keys. */
export const RosterJsonBody = z.object({
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).min(1).max(100_000),
})

export const RosterUnitsQuery = z.object({
  building: z.string().max(50).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
})
export const RosterUnitsReply = z.object({
  version: z.number().int(),
  total: z.number().int(),
  units: z.array(
    z.object({
      unitKey: z.string(),
      building: z.string(),
      unit: z.string(),
      room: z.string(),
      unitType: z.enum(['residence', 'parking', 'commercial', 'other']),
      area: z.string().describe('专有部分面积（平方米），按登记记载，如 95.363'),
      areaE4: z.number().int().describe('单位 0.0001 平方米'),
      areaCenti: z.number().int().optional().describe('同一面积，单位 0.01 平方米（旧字段）：仅当恰为整百分之一平方米时给出'),
      areaSource: z.enum(['register', 'survey', 'contract']),
      developerHeld: z.boolean(),
      voterId: z.string().nullable(),
      owners: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          idLast4: z.string().nullable(),
          phoneMasked: z.string().nullable(),
          representative: z.boolean(),
        }),
      ),
    }),
  ),
})
