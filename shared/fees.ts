/**
 * How a fee's rate is counted, and how it reads to an owner. Apart from the API's schemas
 * (shared/api/disclosure.ts) so that the pages owners open read it without the schemas: the lean
 * Worker, which serves them, stays within its size (issue 17).
 */
export const FEE_BASES = ['per_m2_month', 'per_vehicle_month', 'per_household_month', 'per_use', 'other'] as const
export type FeeBasisKey = (typeof FEE_BASES)[number]

export const FEE_BASIS_UNIT: Record<FeeBasisKey, string> = {
  per_m2_month: '元/㎡·月',
  per_vehicle_month: '元/车位·月',
  per_household_month: '元/户·月',
  per_use: '元/次',
  other: '元',
}
