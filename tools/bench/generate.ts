import { stringify } from 'yaml';
import { DEFAULT_ENABLED_REGIONS } from '../../config/regions';

/**
 * A synthetic organization: `members` member accounts governed in the 17 default-enabled regions, plus
 * `onboarded` more at the end (the accounts a later change adds).
 */
export function syntheticOrganization(members: number, onboarded = 0): string {
  const pad = (n: number) => String(n).padStart(12, '0');
  return stringify({
    organization: {
      id: 'o-benchmark001',
      homeRegion: 'us-east-1',
      regions: [...DEFAULT_ENABLED_REGIONS],
      organizationalUnits: [{ name: 'workloads', id: 'ou-bench-workload1' }],
    },
    accounts: {
      management: { id: pad(100000000001), email: 'management@example.com' },
      security: { id: pad(100000000002), email: 'security@example.com' },
      logArchive: { id: pad(100000000003), email: 'log-archive@example.com' },
      members: Array.from({ length: members + onboarded }, (_, i) => ({
        name: `member-${String(i + 1).padStart(4, '0')}`,
        id: pad(200000000000 + i),
        email: `member-${i + 1}@example.com`,
        ou: 'workloads',
      })),
    },
  });
}
