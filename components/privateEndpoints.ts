import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type { ChildOptions, Placement } from "./network";

/** A service reached over a private endpoint. */
export type PrivateLinkService = "registry" | "vault" | "blob";

/** Each service's private DNS zone and its private-link sub-resource (group id). */
export const PRIVATE_LINK: Record<PrivateLinkService, { readonly zoneName: string; readonly groupId: string }> = {
  registry: { zoneName: "privatelink.azurecr.io", groupId: "registry" },
  vault: { zoneName: "privatelink.vaultcore.azure.net", groupId: "vault" },
  blob: { zoneName: "privatelink.blob.core.windows.net", groupId: "blob" },
};

/** Private DNS zones and their VNet links are global resources. */
const GLOBAL = "global";

/** A private DNS zone linked to one VNet. */
export interface LinkedPrivateZone {
  readonly zone: privatedns.PrivateZone;
  readonly link: privatedns.VirtualNetworkLink;
}

/** Creates a private DNS zone and links it to the VNet, so names in it resolve from inside the network. */
export function createLinkedPrivateZone(
  name: string,
  args: {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly zoneName: pulumi.Input<string>;
    readonly virtualNetworkId: pulumi.Input<string>;
    readonly tags?: Placement["tags"];
  },
  opts: ChildOptions,
): LinkedPrivateZone {
  const zone = new privatedns.PrivateZone(
    `${name}-zone`,
    { resourceGroupName: args.resourceGroupName, privateZoneName: args.zoneName, location: GLOBAL, tags: args.tags },
    opts,
  );
  const link = new privatedns.VirtualNetworkLink(
    `${name}-link`,
    {
      resourceGroupName: args.resourceGroupName,
      privateZoneName: zone.name,
      virtualNetwork: { id: args.virtualNetworkId },
      // Resolution only: VMs in the VNet must not register their own names in a service's zone.
      registrationEnabled: false,
      location: GLOBAL,
      tags: args.tags,
    },
    opts,
  );
  return { zone, link };
}

/** What `createPrivateLink` needs: the target, the subnet, and a zone (given, or created and linked). */
export interface PrivateLinkArgs extends Placement {
  readonly service: PrivateLinkService;
  /** The resource the endpoint connects to (the registry, the vault, the storage account). */
  readonly targetResourceId: pulumi.Input<string>;
  readonly subnetId: pulumi.Input<string>;
  /** The VNet the created zone is linked to; unused when `privateDnsZoneId` is given. */
  readonly virtualNetworkId: pulumi.Input<string>;
  /**
   * An existing zone for the service (one a hub owns and has linked already). When set, no zone and no
   * link are created; the endpoint's zone group registers its records there.
   */
  readonly privateDnsZoneId?: pulumi.Input<string>;
}

/** A private endpoint with its DNS wiring. */
export interface PrivateLink {
  readonly endpoint: network.PrivateEndpoint;
  readonly zoneGroup: network.PrivateDnsZoneGroup;
  /** Undefined when the zone was given. */
  readonly zone?: LinkedPrivateZone;
  readonly privateDnsZoneId: pulumi.Output<string>;
  /** Everything that must exist before a client in the VNet can reach the service by name. */
  readonly readiness: pulumi.CustomResource[];
}

/**
 * A private endpoint in the endpoints subnet, the service's private DNS zone linked to the VNet (unless one
 * is given) and a DNS zone group on the endpoint, so Azure keeps the zone's A records in step with the
 * endpoint's addresses. A private endpoint without the zone group is the classic "resolves to the public IP"
 * failure; this helper makes one without the other impossible.
 */
export function createPrivateLink(name: string, args: PrivateLinkArgs, opts: ChildOptions): PrivateLink {
  const { zoneName, groupId } = PRIVATE_LINK[args.service];
  const zone =
    args.privateDnsZoneId === undefined
      ? createLinkedPrivateZone(
          name,
          { resourceGroupName: args.resourceGroupName, zoneName, virtualNetworkId: args.virtualNetworkId, tags: args.tags },
          opts,
        )
      : undefined;
  const privateDnsZoneId = zone ? zone.zone.id : pulumi.output(args.privateDnsZoneId!);
  const endpoint = new network.PrivateEndpoint(
    `${name}-pe`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: args.tags,
      subnet: { id: args.subnetId },
      privateLinkServiceConnections: [
        { name: `${name}-${groupId}`, privateLinkServiceId: args.targetResourceId, groupIds: [groupId] },
      ],
    },
    opts,
  );
  const zoneGroup = new network.PrivateDnsZoneGroup(
    `${name}-dns`,
    {
      resourceGroupName: args.resourceGroupName,
      privateEndpointName: endpoint.name,
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: zoneName.replace(/\./g, "-"), privateDnsZoneId }],
    },
    opts,
  );
  return {
    endpoint,
    zoneGroup,
    zone,
    privateDnsZoneId,
    readiness: zone ? [endpoint, zoneGroup, zone.zone, zone.link] : [endpoint, zoneGroup],
  };
}

/** The private zone of an internal environment. */
export interface EnvironmentDns extends LinkedPrivateZone {
  readonly wildcard: privatedns.PrivateRecordSet;
}

/**
 * An internal environment answers only on its static IP, and Azure publishes no DNS for it: a private zone
 * named after the environment's default domain, linked to the VNet, with `*` → static IP lets clients in
 * the VNet reach every app at `<app>.<defaultDomain>`.
 */
export function createEnvironmentDns(
  name: string,
  args: {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly defaultDomain: pulumi.Input<string>;
    readonly staticIp: pulumi.Input<string>;
    readonly virtualNetworkId: pulumi.Input<string>;
    readonly tags?: Placement["tags"];
  },
  opts: ChildOptions,
): EnvironmentDns {
  const linked = createLinkedPrivateZone(
    name,
    { resourceGroupName: args.resourceGroupName, zoneName: args.defaultDomain, virtualNetworkId: args.virtualNetworkId, tags: args.tags },
    opts,
  );
  const wildcard = new privatedns.PrivateRecordSet(
    `${name}-wildcard`,
    {
      resourceGroupName: args.resourceGroupName,
      privateZoneName: linked.zone.name,
      recordType: "A",
      relativeRecordSetName: "*",
      ttl: 300,
      aRecords: [{ ipv4Address: args.staticIp }],
    },
    opts,
  );
  return { ...linked, wildcard };
}
