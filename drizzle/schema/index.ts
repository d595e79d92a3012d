export * from './audit'
export * from './community'
export * from './identity'
export * from './roster'
