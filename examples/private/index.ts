import * as pulumi from "@pulumi/pulumi";
import { IMAGE_PUSH_CHOICES, PrivateContainerApp, type ImagePush } from "../../components";

// The registry takes no traffic from the internet, so the push needs a path chosen up front (see README.md):
// - first `pulumi up`, from a laptop or a hosted CI runner: `pulumi config set deployerIp <its public IPv4>`,
//   and the registry admits that address alone;
// - once the deployment runs inside the VNet (or one peered to it): `pulumi config rm deployerIp` and
//   `pulumi config set imagePush inside-network`, and the registry is closed to every public address.
const config = new pulumi.Config();
const deployerIp = config.get("deployerIp");
const imagePush = config.get("imagePush") as ImagePush | undefined;
if (deployerIp === undefined && imagePush === undefined && !pulumi.runtime.isDryRun()) {
  // Fails before anything is created: a VNet made in this same run has no agent inside it yet, so a push
  // "from inside the network" could not work, and would fail only after the vault and network exist.
  throw new Error(
    "Choose how the image reaches the private registry: `pulumi config set deployerIp <public IPv4 of this machine>` " +
      "for a deployment from outside the VNet (a laptop, a hosted CI runner), or `pulumi config set imagePush inside-network` " +
      `when this deployment runs inside the VNet or one peered to it (imagePush: ${IMAGE_PUSH_CHOICES.join(" or ")}).`,
  );
}

const web = new PrivateContainerApp("web", { imagePush, deployerIpAddress: deployerIp });

export const url = web.url;
export const environmentStaticIp = web.environmentStaticIp;
export const privateEndpointIds = web.privateEndpointIds;
export const registryLoginServer = web.registryLoginServer;
