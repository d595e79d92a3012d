import * as z from 'zod'

/**
 * A community's own rules. Each is a choice the law leaves to the 管理规约 / 议事规则,
 * so it is a setting with the default the rules name.
 */
const settingFields = {
  /** 指导规则 第25条: whether parking spaces count toward exclusive area */
  parkingCountsArea: z.boolean(),
  /** may a voter change a ballot until close, or is the first ballot final */
  revotePolicy: z.enum(['change_until_close', 'first_final']),
  /** 指导规则 第26条: non-voters follow the majority only where the rules of procedure say so */
  nonVoterRule: z.enum(['ignore', 'follow_majority']),
  /** spoiled ballots (废票) count as participation: unsettled nationally, default yes */
  spoiledParticipate: z.boolean(),
  /** which ballot stands when a voter has both a paper and an electronic one */
  paperVsElectronic: z.enum(['electronic', 'paper']),
  /** how many owners one proxy may represent in one poll */
  proxyLimit: z.number().int().min(1).max(1000),
  /** show the split by choice while a poll is open (default: turnout only) */
  showSplitWhileOpen: z.boolean(),
  /**
   * the reminders every poll gets when announced, in hours before its close, to the households that
   * have not voted (the committee may change a poll's own); [] for none
   */
  reminderHoursBeforeClose: z.array(z.number().int().min(1).max(24 * 30)).max(5),
  /**
   * disclosure.md: statements other than public revenue are due by the end of this many months
   * after their quarter (public revenue is always 1, by the provincial measures)
   */
  statementDeadlineMonths: z.number().int().min(1).max(6),
}

export const CommunitySettings = z.object({
  parkingCountsArea: settingFields.parkingCountsArea.default(false),
  revotePolicy: settingFields.revotePolicy.default('change_until_close'),
  nonVoterRule: settingFields.nonVoterRule.default('ignore'),
  spoiledParticipate: settingFields.spoiledParticipate.default(true),
  paperVsElectronic: settingFields.paperVsElectronic.default('electronic'),
  proxyLimit: settingFields.proxyLimit.default(5),
  showSplitWhileOpen: settingFields.showSplitWhileOpen.default(false),
  reminderHoursBeforeClose: settingFields.reminderHoursBeforeClose.default([72, 24]),
  statementDeadlineMonths: settingFields.statementDeadlineMonths.default(1),
})
export type CommunitySettings = z.infer<typeof CommunitySettings>

/** A change to some settings: only the keys given, unknown keys refused. */
export const SettingsPatch = z.object(settingFields).partial().strict()

export const defaultCommunitySettings = (): CommunitySettings => CommunitySettings.parse({})

/**
 * What silence means, in the words every notice of a poll under the follow-majority rule carries
 * (the board's announcement; a notification that can say it). 指导规则 第26条: a non-voter is deemed
 * only on proof that the ballot reached them and that they were told this.
 */
export const NON_VOTER_RULE_TEXT = '根据本小区管理规约（议事规则），截止时未投票的业主，其专有部分面积和人数计入已投票业主中的多数意见一方。'
