import { ProgramError, Recording, record } from "../harness/recorder";
import type { AcrTokenExchange, AcrTokenExchangeRequest } from "../../components/acrToken";

/** Resource types both PublicContainerApp and PrivateContainerApp create. */
export const TOPOLOGY_TYPES = {
  group: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  insights: "azure-native:applicationinsights:Component",
  registry: "azure-native:containerregistry:Registry",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
  image: "docker-build:index:Image",
  environment: "azure-native:app:ManagedEnvironment",
  app: "azure-native:app:ContainerApp",
} as const;

/** The two ways a program runs: a deployment, where ids and outputs are known, and a preview, where many are not. */
export const RUN_MODES: ReadonlyArray<[string, boolean]> = [
  ["an update", false],
  ["a preview", true],
];

/** A ready image pinned by digest. */
export const DIGEST_REF = `mcr.microsoft.com/k8se/quickstart@sha256:${"d".repeat(64)}`;

export interface Deployed<Component> {
  recording: Recording;
  component?: Component;
  /** Every token exchange the component asked for. */
  exchanges: AcrTokenExchangeRequest[];
}

type ComponentClass<Args, Component> = new (name: string, args: Args, opts?: { exchangeToken?: AcrTokenExchange }) => Component;

/**
 * `deploy` runs a component named "web" under the mocks, loading its class only once they are set, with
 * a token exchange that answers in-process; `failureOf` expects the run to fail with no cloud resource.
 */
export function componentDeployer<Args extends object, Component>(
  load: () => Promise<ComponentClass<Args, Component>>,
) {
  async function deploy(args: Args = {} as Args, options: { preview?: boolean } = {}): Promise<Deployed<Component>> {
    const exchanges: AcrTokenExchangeRequest[] = [];
    let component: Component | undefined;
    const recording = await record(
      async () => {
        const ComponentResource = await load();
        component = new ComponentResource("web", args, {
          exchangeToken: async (request: AcrTokenExchangeRequest) => {
            exchanges.push(request);
            return "acr-refresh-token";
          },
        });
      },
      { preview: options.preview },
    );
    return { recording, component, exchanges };
  }

  async function failureOf(args: Args): Promise<ProgramError> {
    const failure = await deploy(args).catch((error: unknown) => error);
    if (!(failure instanceof ProgramError)) throw new Error("expected the program to fail");
    expect(failure.recording.cloudResources).toEqual([]);
    return failure;
  }

  return { deploy, failureOf };
}
