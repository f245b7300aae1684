// The component provider host: what the Pulumi CLI runs (see PulumiPlugin.yaml) when a program in another
// language adds this package with `pulumi package add`. It serves the schema that Pulumi's component analyzer
// infers from the TypeScript source, and constructs the components on the program's behalf.
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { ContainerAppJob, ContainerAppService, ContainerAppsPlatform, PrivateContainerApp, PublicContainerApp } from "./components";

// Nothing is exported: the Node.js plugin runner would take exported components for a package to host itself.
// The components other languages get; their type tokens are `pulumi-aca:index:<Class>`.
const components = [ContainerAppsPlatform, ContainerAppService, ContainerAppJob, PublicContainerApp, PrivateContainerApp];

componentProviderHost({ name: "pulumi-aca", dirname: __dirname, components }).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
