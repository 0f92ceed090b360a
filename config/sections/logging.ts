import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { strictObject } from '../zod-helpers';

export const loggingSchema = strictObject({}).prefault({});

export function checkLogging(_cfg: OrgConfig, _ctx: z.RefinementCtx): void {}
