import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { FatalError } from './aws';
import type { VerifyAccount } from './calls';

/** An STS client signing with `credentials` (undefined: the ambient ones, the SDK's default chain). */
export type StsFactory = (who: 'ambient' | 'management', credentials?: AwsCredentialIdentityProvider) => STSClient;

export interface Identity {
  /** Account and ARN of the ambient credentials. */
  account: string;
  arn: string;
  /** Credentials per account; undefined: the ambient ones. */
  providers: Record<VerifyAccount, AwsCredentialIdentityProvider | undefined>;
  /** How each account is reached, for the summary ("ambient", "assumed <arn>", ...). */
  how: Record<VerifyAccount, string>;
}

const SESSION = 'org-guard-verify';

const oneLine = (e: unknown) => {
  const err = e as { name?: string; message?: string };
  return `${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${String(err?.message ?? e).split('\n')[0]}`;
};

/** AssumeRole credentials, refreshed five minutes before they expire (a long run outlives none of them). */
function assumed(sts: STSClient, roleArn: string): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - Date.now() > 5 * 60_000)) return current;
    pending ??= sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION })).then((out) => {
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      current = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      return current;
    }).finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/**
 * The contract of issue 20: the ambient credentials (the SDK's default chain: environment, profile, SSO,
 * web identity, instance role) and sts:GetCallerIdentity; for the management and security accounts, the
 * ambient identity if it is already in the account, otherwise the verify role
 * `arn:aws:iam::<account>:role/<roleName>`, assumed from the ambient identity; the security account's role
 * from the management account's role when the ambient identity cannot assume it.
 */
export async function resolveIdentity(options: {
  roleName: string;
  managementId: string;
  securityId: string;
  sts: StsFactory;
}): Promise<Identity> {
  const { roleName, managementId, securityId } = options;
  const roleArn = (id: string) => `arn:aws:iam::${id}:role/${roleName}`;
  let account: string;
  let arn: string;
  try {
    const me = await options.sts('ambient').send(new GetCallerIdentityCommand({}));
    account = String(me.Account);
    arn = String(me.Arn);
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'CredentialsProviderError') {
      throw new FatalError('no AWS credentials found (environment, shared config/credentials files, SSO, web identity or instance role): ' +
        'sign in (e.g. aws sso login, or export AWS_PROFILE) and run verify again');
    }
    throw new FatalError(`sts:GetCallerIdentity with the ambient credentials failed: ${oneLine(e)}`);
  }

  const providers: Identity['providers'] = { management: undefined, security: undefined };
  const how: Identity['how'] = { management: `ambient ${arn}`, security: `ambient ${arn}` };
  const tryAssume = async (sts: STSClient, target: string) => {
    const p = assumed(sts, target);
    await p();
    return p;
  };
  if (account !== managementId) {
    try {
      providers.management = await tryAssume(options.sts('ambient'), roleArn(managementId));
      how.management = `assumed ${roleArn(managementId)}`;
    } catch (e) {
      throw new FatalError(`cannot assume ${roleArn(managementId)} from ${arn}: ${oneLine(e)} (verify.roleName, verify.trustedPrincipalArns, verify.githubOidc)`);
    }
  }
  if (account !== securityId) {
    try {
      providers.security = await tryAssume(options.sts('ambient'), roleArn(securityId));
      how.security = `assumed ${roleArn(securityId)}`;
    } catch (direct) {
      // Role chaining: the security account's role trusts the management account's verify role.
      let viaManagement: AwsCredentialIdentityProvider | undefined = providers.management;
      try {
        viaManagement ??= await tryAssume(options.sts('ambient'), roleArn(managementId));
        providers.security = await tryAssume(options.sts('management', viaManagement), roleArn(securityId));
        how.security = `assumed ${roleArn(securityId)} from ${roleArn(managementId)}`;
      } catch (chained) {
        throw new FatalError(`cannot assume ${roleArn(securityId)}: from ${arn}: ${oneLine(direct)}; from ${roleArn(managementId)}: ${oneLine(chained)}`);
      }
    }
  }
  return { account, arn, providers, how };
}
