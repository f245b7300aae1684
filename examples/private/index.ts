import * as pulumi from "@pulumi/pulumi";
import { PrivateContainerApp } from "../../components";

// The registry takes no public traffic: push from an agent inside the VNet, or allow-list this deployer's address.
const deployerIp = new pulumi.Config().get("deployerIp");
const web = new PrivateContainerApp("web", {
  imagePush: deployerIp ? "allow-listed-ip" : "inside-network",
  deployerIpAddress: deployerIp,
});

export const url = web.url;
export const environmentStaticIp = web.environmentStaticIp;
export const privateEndpointIds = web.privateEndpointIds;
