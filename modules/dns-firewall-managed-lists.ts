/** AWS managed Route 53 Resolver DNS Firewall domain lists. */
export const AWS_MANAGED_DOMAIN_LISTS = [
  'AWSManagedDomainsMalwareDomainList',
  'AWSManagedDomainsBotnetCommandandControl',
  'AWSManagedDomainsAggregateThreatList',
  'AWSManagedDomainsAmazonGuardDutyThreatList',
] as const;
export type AwsManagedDomainList = (typeof AWS_MANAGED_DOMAIN_LISTS)[number];

type ListIds = Record<AwsManagedDomainList, string>;
const ids = (aggregate: string, malware: string, botnet: string, guardDuty: string): ListIds => ({
  AWSManagedDomainsAggregateThreatList: aggregate,
  AWSManagedDomainsMalwareDomainList: malware,
  AWSManagedDomainsBotnetCommandandControl: botnet,
  AWSManagedDomainsAmazonGuardDutyThreatList: guardDuty,
});

/**
 * Ids of the AWS managed domain lists per region. The lists are owned by Route 53 Resolver and carry
 * the same id in every account of a region, but provider 6.25 has no data source that finds a list by
 * name (aws_route53_resolver_firewall_domain_list needs the id), so the ids are data: from
 * `aws route53resolver list-firewall-domain-lists --region <r>` (ManagedOwnerName "Route 53 Resolver
 * DNS Firewall"). A region missing here must be given in firewallManager.dnsFirewall.managedDomainListIds.
 */
export const AWS_MANAGED_DOMAIN_LIST_IDS: Record<string, ListIds> = {
  'us-east-1': ids('rslvr-fdl-15f4860b1ad54ead', 'rslvr-fdl-2c46f2ecbfec4dcc', 'rslvr-fdl-aa970e9eb1ca4777', 'rslvr-fdl-984dae9d8bac4e2b'),
  'us-east-2': ids('rslvr-fdl-bbc798062d594728', 'rslvr-fdl-19f9b4c730a14748', 'rslvr-fdl-3c30dcb4c50b4401', 'rslvr-fdl-996a2e1ce1314abb'),
  'us-west-1': ids('rslvr-fdl-d2a6edeaa3b04a8a', 'rslvr-fdl-9d577f4576e54ab7', 'rslvr-fdl-1f6c57357d4d47c9', 'rslvr-fdl-1e9ab4960ee4f9a'),
  'us-west-2': ids('rslvr-fdl-d252ee1944404e15', 'rslvr-fdl-fe17696f22a445f6', 'rslvr-fdl-c80983a1f0284c99', 'rslvr-fdl-23584f0fb4c24ebb'),
  'ap-south-1': ids('rslvr-fdl-d1159fcdd6b942cf', 'rslvr-fdl-cb11fc50eaef4bad', 'rslvr-fdl-c6afb679f51946cd', 'rslvr-fdl-3d348983c03d44a1'),
  'ap-northeast-1': ids('rslvr-fdl-103b4302c274455e', 'rslvr-fdl-dc19e97bef3c454a', 'rslvr-fdl-1a63d8549cca46e6', 'rslvr-fdl-3ba9acb851c04c45'),
  'ap-northeast-2': ids('rslvr-fdl-1997a3cdd61a4f2a', 'rslvr-fdl-6301b5257e0c4210', 'rslvr-fdl-e8d1e969ad484741', 'rslvr-fdl-19615996f5c5490f'),
  'ap-northeast-3': ids('rslvr-fdl-2e57899062984ed1', 'rslvr-fdl-7fc34ef9e9ea468b', 'rslvr-fdl-c708707d5d6e4359', 'rslvr-fdl-4bf13df37a441bc'),
  'ap-southeast-1': ids('rslvr-fdl-49099fd7fc3d4853', 'rslvr-fdl-cc92cf0f3482427c', 'rslvr-fdl-2ff056c2bf334345', 'rslvr-fdl-b1c1d04c32194010'),
  'ap-southeast-2': ids('rslvr-fdl-9be336ef32844e5', 'rslvr-fdl-73ed798ec0d14b61', 'rslvr-fdl-eac509f599e640b6', 'rslvr-fdl-266fd908c38f42d5'),
  'ca-central-1': ids('rslvr-fdl-46d873be30464a06', 'rslvr-fdl-a81620624a514ced', 'rslvr-fdl-2ce5306fddeb4dfd', 'rslvr-fdl-181528f01d8f4134'),
  'eu-central-1': ids('rslvr-fdl-54a2c1ef5b014042', 'rslvr-fdl-d81c6f509bef4d49', 'rslvr-fdl-1e3b46ad48844225', 'rslvr-fdl-f5447e97782f4746'),
  'eu-west-1': ids('rslvr-fdl-a88f2f26cc6a4296', 'rslvr-fdl-7aba603e4cc343fd', 'rslvr-fdl-fad18de921a64bfa', 'rslvr-fdl-2f416a2435da4ee6'),
  'eu-west-2': ids('rslvr-fdl-4e96d4ce77f466b', 'rslvr-fdl-4fc4edfc63854751', 'rslvr-fdl-3268f74d91fe418f', 'rslvr-fdl-876a86d96f294739'),
  'eu-west-3': ids('rslvr-fdl-6002172db5fc4cab', 'rslvr-fdl-31cbb811909748dc', 'rslvr-fdl-2d71f72512345cb', 'rslvr-fdl-66d3dfe2b4234c4e'),
  'eu-north-1': ids('rslvr-fdl-17764a248c141e9', 'rslvr-fdl-19c22a22cc624ad7', 'rslvr-fdl-bd383ec1cede45cc', 'rslvr-fdl-9cfbbf8059454500'),
  'sa-east-1': ids('rslvr-fdl-5d3faeb3ed7a4492', 'rslvr-fdl-83ca12c0855d49ab', 'rslvr-fdl-946e512cb7624fd5', 'rslvr-fdl-154a50443f004ad4'),
};
