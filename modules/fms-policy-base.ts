import type { FmsPolicyConfig } from '@cdktf/provider-aws/lib/fms-policy';

/** Which accounts and resources a Firewall Manager policy covers; ids already resolved. */
export interface FmsPolicyScope {
  includeAccountIds?: string[];
  excludeAccountIds?: string[];
  includeOuIds?: string[];
  excludeOuIds?: string[];
  /** Resource tags that include (all must match) or, with excludeResourceTags, exclude (any matches). */
  resourceTags?: Record<string, string>;
  excludeResourceTags?: boolean;
}

/** Tag on org-guard's own helper resources (reference VPC/security groups) that policies must skip. */
export const FMS_REFERENCE_TAG = { key: 'org-guard-fms-reference', value: 'true' } as const;

type ScopeArgs = Pick<
  FmsPolicyConfig,
  'includeMap' | 'excludeMap' | 'resourceTags' | 'excludeResourceTags' | 'resourceTagLogicalOperator'
>;

/**
 * The include/exclude maps and tag arguments of aws_fms_policy. `skipReferenceResources` keeps the
 * policy off org-guard's reference VPC and security groups: with include tags they are out of scope
 * anyway; otherwise the reference tag is added to the exclusion tags (any tag excludes).
 */
export function fmsScopeArgs(scope: FmsPolicyScope = {}, skipReferenceResources = false): ScopeArgs {
  const include = { account: nonEmpty(scope.includeAccountIds), orgunit: nonEmpty(scope.includeOuIds) };
  const exclude = { account: nonEmpty(scope.excludeAccountIds), orgunit: nonEmpty(scope.excludeOuIds) };
  const tags = { ...(scope.resourceTags ?? {}) };
  const hasTags = Object.keys(tags).length > 0;
  const includeByTags = hasTags && !scope.excludeResourceTags;
  if (skipReferenceResources && !includeByTags) tags[FMS_REFERENCE_TAG.key] = FMS_REFERENCE_TAG.value;
  const anyTags = Object.keys(tags).length > 0;
  return {
    includeMap: include.account || include.orgunit ? include : undefined,
    excludeMap: exclude.account || exclude.orgunit ? exclude : undefined,
    // Required by the provider even without tags.
    excludeResourceTags: anyTags && !includeByTags,
    resourceTags: anyTags ? tags : undefined,
    resourceTagLogicalOperator: anyTags ? (includeByTags ? 'AND' : 'OR') : undefined,
  };
}

/** resource_type for one type, resource_type_list for several: the two arguments conflict. */
export function fmsResourceTypeArgs(types: readonly string[]): Pick<FmsPolicyConfig, 'resourceType' | 'resourceTypeList'> {
  if (types.length === 0) throw new Error('a Firewall Manager policy needs at least one resource type');
  return types.length === 1 ? { resourceType: types[0] } : { resourceTypeList: [...types] };
}

function nonEmpty(values: string[] | undefined): string[] | undefined {
  return values && values.length > 0 ? [...values] : undefined;
}
