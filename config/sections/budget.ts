import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { strictObject } from '../zod-helpers';

export const budgetSchema = strictObject({}).prefault({});

export function checkBudget(_cfg: OrgConfig, _ctx: z.RefinementCtx): void {}
