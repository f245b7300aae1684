import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { CONTAINER_APPS_DELEGATION, type EnvironmentKind } from "./subnets";

/** Where the network's resources go; shared by every private-topology block. */
export interface Placement {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location?: pulumi.Input<string>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Options every child of a topology gets: its parent, so names and deletion follow the component. */
export interface ChildOptions {
  readonly parent?: pulumi.Resource;
}

/** One NSG rule as azure-native takes it. */
export type SecurityRule = azureInputs.network.SecurityRuleArgs;

/** What the network builder needs; ranges are validated by `validateSubnetPlan` beforehand. */
export interface PrivateNetworkArgs extends Placement {
  readonly location: pulumi.Input<string>;
  readonly environmentKind: EnvironmentKind;
  readonly addressSpace: readonly string[];
  readonly infrastructureSubnetPrefix: string;
  readonly privateEndpointsSubnetPrefix: string;
  /** Sources allowed to reach the environment's load balancer (ports 80/443). Default: the VNet tag. */
  readonly clientAddressPrefixes?: readonly string[];
  /** Sources allowed to reach the private endpoints on 443. Default: the VNet tag. */
  readonly privateEndpointClientPrefixes?: readonly string[];
}

/** The VNet, its two subnets and their NSGs. */
export interface PrivateNetwork {
  readonly virtualNetwork: network.VirtualNetwork;
  readonly infrastructureSubnet: network.Subnet;
  readonly privateEndpointsSubnet: network.Subnet;
  readonly infrastructureSecurityGroup: network.NetworkSecurityGroup;
  readonly privateEndpointsSecurityGroup: network.NetworkSecurityGroup;
}

const VIRTUAL_NETWORK_TAG = "VirtualNetwork";
const AZURE_DNS = "168.63.129.16";

/** Allow rules with priorities from 100 upwards in steps of 10, in the order given. */
function prioritised(direction: "Inbound" | "Outbound", rules: Omit<SecurityRule, "priority" | "direction" | "access">[]) {
  return rules.map(
    (rule, index): SecurityRule => ({
      ...rule,
      direction,
      access: "Allow",
      priority: 100 + index * 10,
    }),
  );
}

/**
 * The NSG rules Azure Container Apps documents for its infrastructure subnet ("Securing a virtual network
 * in Azure Container Apps"), for the environment kind. Explicit allows, so a later deny rule added by a
 * platform team does not silently cut the environment off from its control plane, DNS or telemetry.
 */
export function infrastructureSecurityRules(
  kind: EnvironmentKind,
  subnetPrefix: string,
  location: pulumi.Input<string>,
  clientAddressPrefixes: readonly string[] = [VIRTUAL_NETWORK_TAG],
): SecurityRule[] {
  const clients = { sourceAddressPrefixes: [...clientAddressPrefixes], sourcePortRange: "*" };
  const fromSubnet = { sourceAddressPrefix: subnetPrefix, sourcePortRange: "*" };
  const inbound =
    kind === "workload-profiles"
      ? [
          { name: "allow-clients-http", protocol: "Tcp", ...clients, destinationAddressPrefix: subnetPrefix, destinationPortRanges: ["80", "31080"] },
          { name: "allow-clients-https", protocol: "Tcp", ...clients, destinationAddressPrefix: subnetPrefix, destinationPortRanges: ["443", "31443"] },
          { name: "allow-load-balancer-probes", protocol: "Tcp", sourceAddressPrefix: "AzureLoadBalancer", sourcePortRange: "*", destinationAddressPrefix: subnetPrefix, destinationPortRange: "30000-32767" },
        ]
      : [
          { name: "allow-clients-web", protocol: "Tcp", ...clients, destinationAddressPrefix: subnetPrefix, destinationPortRanges: ["80", "443"] },
          { name: "allow-load-balancer-probes", protocol: "Tcp", sourceAddressPrefix: "AzureLoadBalancer", sourcePortRange: "*", destinationAddressPrefix: subnetPrefix, destinationPortRange: "30000-32767" },
          { name: "allow-envoy-within-subnet", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: subnetPrefix, destinationPortRange: "*" },
        ];
  const common = [
    { name: "allow-within-subnet", protocol: "*", ...fromSubnet, destinationAddressPrefix: subnetPrefix, destinationPortRange: "*" },
    { name: "allow-microsoft-container-registry", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: "MicrosoftContainerRegistry", destinationPortRange: "443" },
    { name: "allow-front-door-first-party", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: "AzureFrontDoor.FirstParty", destinationPortRange: "443" },
    { name: "allow-entra-id", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: "AzureActiveDirectory", destinationPortRange: "443" },
    { name: "allow-azure-monitor", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: "AzureMonitor", destinationPortRange: "443" },
    { name: "allow-azure-dns", protocol: "*", ...fromSubnet, destinationAddressPrefix: AZURE_DNS, destinationPortRange: "53" },
    { name: "allow-private-endpoints", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: VIRTUAL_NETWORK_TAG, destinationPortRange: "443" },
  ];
  const consumptionOnly = [
    { name: "allow-control-plane-udp", protocol: "Udp", ...fromSubnet, destinationAddressPrefix: pulumi.interpolate`AzureCloud.${location}`, destinationPortRange: "1194" },
    { name: "allow-control-plane-tcp", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: pulumi.interpolate`AzureCloud.${location}`, destinationPortRange: "9000" },
    { name: "allow-ntp", protocol: "Udp", ...fromSubnet, destinationAddressPrefix: "*", destinationPortRange: "123" },
    { name: "allow-azure-cloud-https", protocol: "Tcp", ...fromSubnet, destinationAddressPrefix: "AzureCloud", destinationPortRange: "443" },
  ];
  return [
    ...prioritised("Inbound", inbound),
    ...prioritised("Outbound", kind === "workload-profiles" ? common : [...common, ...consumptionOnly]),
  ];
}

/**
 * The endpoints subnet takes HTTPS from the given sources (the VNet and what is peered or connected to it
 * by default) and nothing else: the last rule denies every other inbound flow, the Internet included.
 */
export function privateEndpointsSecurityRules(
  subnetPrefix: string,
  clientPrefixes: readonly string[] = [VIRTUAL_NETWORK_TAG],
): SecurityRule[] {
  return [
    ...prioritised("Inbound", [
      {
        name: "allow-https-to-private-endpoints",
        protocol: "Tcp",
        sourceAddressPrefixes: [...clientPrefixes],
        sourcePortRange: "*",
        destinationAddressPrefix: subnetPrefix,
        destinationPortRange: "443",
      },
    ]),
    {
      name: "deny-all-other-inbound",
      direction: "Inbound",
      access: "Deny",
      priority: 4096,
      protocol: "*",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    },
  ];
}

/**
 * Builds the VNet, an infrastructure subnet for the environment and a private-endpoints subnet, each with
 * its NSG. Subnets are separate resources (the VNet does not list them, so updating the VNet never drops
 * them), and the second waits for the first because Azure serialises subnet writes within a VNet.
 */
export function createPrivateNetwork(name: string, args: PrivateNetworkArgs, opts: ChildOptions): PrivateNetwork {
  const placement = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };
  const virtualNetwork = new network.VirtualNetwork(
    `${name}-vnet`,
    { ...placement, addressSpace: { addressPrefixes: [...args.addressSpace] } },
    opts,
  );
    const infrastructureSecurityGroup = new network.NetworkSecurityGroup(
    `${name}-infra-nsg`,
    {
      ...placement,
      securityRules: infrastructureSecurityRules(
        args.environmentKind,
        args.infrastructureSubnetPrefix,
        args.location,
        args.clientAddressPrefixes,
      ),
    },
    opts,
  );
  const privateEndpointsSecurityGroup = new network.NetworkSecurityGroup(
    `${name}-pe-nsg`,
    { ...placement, securityRules: privateEndpointsSecurityRules(args.privateEndpointsSubnetPrefix, args.privateEndpointClientPrefixes) },
    opts,
  );
  const infrastructureSubnet = new network.Subnet(
    `${name}-infra-snet`,
    {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkName: virtualNetwork.name,
      subnetName: "infrastructure",
      addressPrefix: args.infrastructureSubnetPrefix,
      networkSecurityGroup: { id: infrastructureSecurityGroup.id },
      delegations:
        args.environmentKind === "workload-profiles"
          ? [{ name: "container-apps", serviceName: CONTAINER_APPS_DELEGATION }]
          : [],
    },
    opts,
  );
  const privateEndpointsSubnet = new network.Subnet(
    `${name}-pe-snet`,
    {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkName: virtualNetwork.name,
      subnetName: "private-endpoints",
      addressPrefix: args.privateEndpointsSubnetPrefix,
      networkSecurityGroup: { id: privateEndpointsSecurityGroup.id },
      // NSG rules apply to private endpoints only with network policies on.
      privateEndpointNetworkPolicies: "Enabled",
      // Private endpoints answer; they never call out.
      defaultOutboundAccess: false,
    },
    { ...opts, dependsOn: [infrastructureSubnet] },
  );
  return {
    virtualNetwork,
    infrastructureSubnet,
    privateEndpointsSubnet,
    infrastructureSecurityGroup,
    privateEndpointsSecurityGroup,
  };
}
