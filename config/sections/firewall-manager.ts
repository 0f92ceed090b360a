import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { strictObject } from '../zod-helpers';

export const firewallManagerSchema = strictObject({}).prefault({});

export function checkFirewallManager(_cfg: OrgConfig, _ctx: z.RefinementCtx): void {}
