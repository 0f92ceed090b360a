import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { strictObject } from '../zod-helpers';

export const servicesSchema = strictObject({}).prefault({});

export function checkServices(_cfg: OrgConfig, _ctx: z.RefinementCtx): void {}
