import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { strictObject } from '../zod-helpers';

export const notificationsSchema = strictObject({}).prefault({});

export function checkNotifications(_cfg: OrgConfig, _ctx: z.RefinementCtx): void {}
