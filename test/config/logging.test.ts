import { expectProblem, problemsFor } from './section-problems';
import { logReaders } from '../../config/sections/logging';
import { configOf, minimalInput } from '../helpers';

const problemsForLogging = (logging: Record<string, unknown>) => problemsFor((input) => (input.logging = logging));

function expectLoggingProblem(logging: Record<string, unknown>, path: string, message: RegExp) {
  expectProblem(problemsForLogging(logging), path, message);
}

describe('logging config', () => {
  test('the minimal config gets a locked, one-year archive read by the security account', () => {
    const cfg = configOf();
    expect(cfg.logging).toMatchObject({
      trailName: 'org-guard-organization-trail',
      retentionDays: 365,
      objectLock: { mode: 'GOVERNANCE', acknowledgeComplianceModeIsIrreversible: false },
      transitionDays: 90,
      transitionStorageClass: 'GLACIER_IR',
      dataEvents: { s3: false, lambda: false },
      cloudWatchLogs: { enabled: false },
      insights: { apiCallRate: false, apiErrorRate: false },
    });
    expect(cfg.logging.expirationDays).toBeUndefined();
    expect(logReaders(cfg)).toEqual(['222222222222']);
  });

  test('COMPLIANCE mode needs the explicit acknowledgement', () => {
    expectLoggingProblem({ objectLock: { mode: 'COMPLIANCE' } }, 'logging.objectLock.acknowledgeComplianceModeIsIrreversible',
      /COMPLIANCE mode cannot be undone.*set acknowledgeComplianceModeIsIrreversible: true.*GOVERNANCE/);
    const input = minimalInput();
    input.logging = { objectLock: { mode: 'COMPLIANCE', acknowledgeComplianceModeIsIrreversible: true } };
    expect(configOf(input).logging.objectLock.mode).toBe('COMPLIANCE');
  });

  test('retention must be a positive whole number of days', () => {
    expectLoggingProblem({ retentionDays: 0 }, 'logging.retentionDays', /must be positive/);
    expectLoggingProblem({ retentionDays: -30 }, 'logging.retentionDays', /must be positive/);
    expectLoggingProblem({ retentionDays: 1.5 }, 'logging.retentionDays', /whole number/);
    expectLoggingProblem({ transitionDays: 0 }, 'logging.transitionDays', /must be positive/);
    // the problem line is "<path>: <message>": the message does not name the key a second time
    expectLoggingProblem({ retentionDays: 0 }, 'logging.retentionDays', /^must be positive \(at least 1 day\), got 0$/);
  });

  test('logs are never deleted before their retention ends', () => {
    expectLoggingProblem({ retentionDays: 400, expirationDays: 365 }, 'logging.expirationDays', /shorter than retentionDays \(400\).*>= 400/);
    expectLoggingProblem({ expirationDays: 365, transitionDays: 400 }, 'logging.transitionDays', /must be less than expirationDays/);
  });

  test('storage class and minimum transition age', () => {
    expectLoggingProblem({ transitionStorageClass: 'GLACIER_DEEP' }, 'logging.transitionStorageClass', /one of STANDARD_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE/);
    expectLoggingProblem({ transitionStorageClass: 'STANDARD_IA', transitionDays: 10 }, 'logging.transitionDays', /at least 30 days/);
  });

  test('readers must be accounts of the organization, once each', () => {
    expectLoggingProblem({ readers: ['999999999999'] }, 'logging.readers[0]', /not an account of this organization/);
    expectLoggingProblem({ readers: ['222222222222', '222222222222'] }, 'logging.readers[1]', /listed twice/);
    expectLoggingProblem({ readers: [222222222222] }, 'logging.readers[0]', /quoted string of 12 digits/);
    // one mistake, one problem: a malformed id is not also "not an account of this organization"
    expect(problemsForLogging({ readers: ['1234'] }).filter((p) => p.path === 'logging.readers[0]').map((p) => p.message))
      .toEqual([expect.stringMatching(/12 digits/)]);
    const input = minimalInput();
    input.logging = { readers: ['444444444444'] };
    expect(logReaders(configOf(input))).toEqual(['444444444444']);
    input.logging = { readers: [] };
    expect(logReaders(configOf(input))).toEqual([]);
  });

  test('trail name, CloudWatch retention and unknown keys', () => {
    expectLoggingProblem({ trailName: 'my trail' }, 'logging.trailName', /not a valid trail name/);
    expectLoggingProblem({ trailName: 'a--b' }, 'logging.trailName', /adjacent/);
    expectLoggingProblem({ cloudWatchLogs: { enabled: true, retentionDays: 10 } }, 'logging.cloudWatchLogs.retentionDays', /must be one of 1, 3, 5/);
    expectLoggingProblem({ dataEvents: { dynamodb: true } }, 'logging.dataEvents', /unknown key "dynamodb".*allowed keys: s3, lambda/);
    expectLoggingProblem({ objectLock: { mode: 'LEGAL_HOLD' } }, 'logging.objectLock.mode', /GOVERNANCE or COMPLIANCE/);
  });
});
