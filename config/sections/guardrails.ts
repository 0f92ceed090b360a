import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { strictObject } from '../zod-helpers';

export const guardrailsSchema = strictObject({}).prefault({});

export function checkGuardrails(_cfg: OrgConfig, _ctx: z.RefinementCtx): void {}
