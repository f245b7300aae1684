import * as pulumi from "@pulumi/pulumi";

/** A bare component to parent building blocks under, as PublicContainerApp and PrivateContainerApp do. */
export class BlockHost extends pulumi.ComponentResource {
  constructor(name = "host") {
    super("test:index:BlockHost", name);
  }
}

/** Options that put a block's resources under a fresh host. */
export function underHost(name = "host"): { parent: BlockHost } {
  return { parent: new BlockHost(name) };
}
